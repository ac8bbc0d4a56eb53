import { existsSync } from 'fs';
import * as path from 'path';

/**
 * The package root: the nearest folder up from here with a package.json. Works from the sources and from
 * dist/ (the build does not copy package.json into dist/, so the walk never stops there).
 */
export function projectRoot(from = __dirname): string {
	let dir = from;
	while (!existsSync(path.join(dir, 'package.json'))) {
		const parent = path.dirname(dir);
		if (parent === dir) throw new Error(`No package.json above ${from}: cannot find the project root`);
		dir = parent;
	}
	return dir;
}
