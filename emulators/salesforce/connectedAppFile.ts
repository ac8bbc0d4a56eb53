/**
 * The connected app kept in a file, so an emulator started again (the demo's next `npm start`) is the
 * same org to an n8n credential saved against the previous run. The file holds a secret and a private
 * key: it is written readable by its owner only, and lives in the demo's git-ignored folder.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { generateConnectedAppKeys, type ConnectedAppKeys } from './auth';

/** The keys in `file`, or new ones written there first. A file that cannot be read as keys is an error naming it. */
export function keptConnectedAppKeys(file: string): ConnectedAppKeys {
	if (existsSync(file)) {
		let kept: Partial<ConnectedAppKeys>;
		try {
			kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConnectedAppKeys>;
		} catch (error) {
			throw new Error(`${file} is not the JSON of a connected app (${(error as Error).message}); delete it to make a new one`);
		}
		const missing = (['clientId', 'clientSecret', 'jwtPrivateKey'] as const).filter((field) => typeof kept?.[field] !== 'string');
		if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}; delete it to make a new connected app`);
		return { clientId: kept.clientId!, clientSecret: kept.clientSecret!, jwtPrivateKey: kept.jwtPrivateKey! };
	}
	const keys = generateConnectedAppKeys();
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(keys, null, '\t')}\n`, { mode: 0o600 });
	return keys;
}
