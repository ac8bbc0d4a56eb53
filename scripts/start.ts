/**
 * `npm start`: the demo. Both emulators, the live console, a real n8n with this package and the template
 * workflow active, and a gentle activity generator; then one line per agent change and per sync seen.
 * Ports: SF_EMULATOR_PORT (8701), CXONE_EMULATOR_PORT (8702), CONSOLE_PORT (8700), N8N_PORT (5678);
 * 0 = any free port. n8n keeps its data in <project>/.demo/n8n, so a second start reuses its login.
 * Ctrl-C stops everything this started.
 */
import * as path from 'path';

import type { ObservedSync } from '../emulators/console';
import { projectRoot } from '../emulators/common/projectRoot';
import { startActivity } from './demo/activity';
import { startDemoStack, type DemoStack } from './demo/stack';
import { portFromEnv } from '../emulators/common/env';

const SUMMARY_EVERY_MS = 10_000;


const SIDE = { cxone: 'CXone', salesforce: 'Salesforce' } as const;

async function main(): Promise<void> {
	const ports = {
		salesforce: portFromEnv('SF_EMULATOR_PORT', 8701),
		cxone: portFromEnv('CXONE_EMULATOR_PORT', 8702),
		console: portFromEnv('CONSOLE_PORT', 8700),
		n8n: portFromEnv('N8N_PORT', 5678),
	};
	const userFolder = path.join(projectRoot(), '.demo', 'n8n');
	const stack: DemoStack = await startDemoStack({ userFolder, ports, onStep: (step) => console.log(`… ${step}`) });
	const board = stack.console!.board;
	const nameOf = (email: string) => board.row(email)?.name ?? email;

	console.log(`
n8n editor      ${stack.n8n.baseUrl}/workflow/${stack.workflow.id}
  login         ${stack.login.email} / ${stack.login.password}
live console    ${stack.console!.url}      ← open this one first
Salesforce emu  ${stack.salesforce.url}
CXone emu       ${stack.cxone.url}
n8n log         ${stack.n8n.logFile}

Agents change every few seconds; each sync the console sees is printed with its latency. Ctrl-C stops.
`);

	board.on('sync', (sync: ObservedSync) => {
		const to = sync.from === 'cxone' ? SIDE.salesforce : SIDE.cxone;
		console.log(`  ✓ ${sync.name}: ${SIDE[sync.from]} ${sync.state} → ${to} in ${sync.latencyMs} ms`);
	});
	const activity = startActivity({
		salesforce: stack.salesforce,
		cxone: stack.cxone,
		onChange: (change) => console.log(`  · ${nameOf(change.email)} (${SIDE[change.side]}): ${change.did}`),
		onError: (error) => console.log(`  ! activity: ${error.message}`),
	});
	const summary = setInterval(() => {
		const stats = board.stats();
		console.log(
			`— in sync ${stats.inSync}/${stats.agents}` +
				(stats.pending ? `, ${stats.pending} pending` : '') +
				(stats.outOfSync ? `, ${stats.outOfSync} out of sync` : '') +
				(stats.notSynced ? `, ${stats.notSynced} left alone by the rule` : '') +
				` · syncs ${stats.syncs}${stats.p50LatencyMs === null ? '' : ` · p50 ${stats.p50LatencyMs} ms`}` +
				` · API calls Salesforce ${stats.salesforce.calls}, CXone ${stats.cxone.calls}`,
		);
	}, SUMMARY_EVERY_MS);

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: stopping n8n, the console and the emulators…`);
		activity.stop();
		clearInterval(summary);
		stack
			.stop()
			.then(() => process.exit(0))
			.catch((error: Error) => {
				console.error(`could not stop cleanly: ${error.message}`);
				process.exit(1);
			});
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(`npm start failed: ${error.message}`);
	process.exit(1);
});
