/**
 * `npm run bench [-- --quick] [-- --out <file.json>] [-- --seed <n>]`: latency, shift-start burst, API
 * economy and memory of the template workflow in a real n8n against the emulators, beside stock-n8n
 * baselines in the same run. Prints one table (progress goes to stderr) and writes every figure as JSON:
 * by default to bench/results/<date>.json (git-ignored; bench/results/baseline.json is the committed
 * reference, written with --out on purpose). Missed targets are listed in the table, not hidden; the exit
 * code is non-zero only when the bench itself could not run.
 */
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';

import { projectRoot } from '../emulators/common/projectRoot';
import { FULL, QUICK } from './bench/config';
import { renderTable } from './bench/report';
import { runBench } from './bench/run';

const USAGE = 'Usage: node dist/scripts/bench.js [--quick] [--out <file.json>] [--seed <integer>]';

interface Arguments {
	quick: boolean;
	out?: string;
	seed: number;
}

function parseArguments(argv: string[]): Arguments {
	const parsed: Arguments = { quick: false, seed: 1 };
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i];
		if (argument === '--quick') parsed.quick = true;
		else if (argument === '--out' && argv[i + 1] !== undefined) parsed.out = path.resolve(argv[++i]);
		else if (argument === '--seed' && Number.isInteger(Number(argv[i + 1]))) parsed.seed = Number(argv[++i]);
		else throw new Error(`Unknown or incomplete argument '${argument}'. ${USAGE}`);
	}
	return parsed;
}

function defaultOut(quick: boolean): string {
	const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
	return path.join(projectRoot(), 'bench', 'results', `${stamp}${quick ? '-quick' : ''}.json`);
}

async function main(): Promise<void> {
	const args = parseArguments(process.argv.slice(2));
	const started = Date.now();
	const progress = (message: string) => process.stderr.write(`[bench ${Math.round((Date.now() - started) / 1000)} s] ${message}\n`);
	const result = await runBench(args.quick ? QUICK : FULL, { seed: args.seed, progress });
	const out = args.out ?? defaultOut(args.quick);
	mkdirSync(path.dirname(out), { recursive: true });
	writeFileSync(out, `${JSON.stringify(result, null, '\t')}\n`);
	process.stdout.write(`${renderTable(result)}\nFigures: ${out}\n`);
}

main().catch((error: Error) => {
	process.stderr.write(`npm run bench failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
