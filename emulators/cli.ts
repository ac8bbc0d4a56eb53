/**
 * `npm run emulators`: both emulators on 127.0.0.1, one line each. Ports from SF_EMULATOR_PORT /
 * CXONE_EMULATOR_PORT (defaults 8701 / 8702; 0 = any free port). Ctrl-C stops them.
 */
import { startSalesforceEmulator } from './salesforce';
import { startCxoneEmulator } from './cxone';
import { portFromEnv } from './common/env';


async function main(): Promise<void> {
	const agents = Number(process.env.EMULATOR_AGENTS ?? 20);
	const salesforce = await startSalesforceEmulator({ port: portFromEnv('SF_EMULATOR_PORT', 8701), agents });
	const cxone = await startCxoneEmulator({ port: portFromEnv('CXONE_EMULATOR_PORT', 8702), agents });
	console.log(`salesforce emulator: ${salesforce.url}`);
	console.log(`cxone emulator: ${cxone.url}`);
	const stop = async () => {
		await Promise.all([salesforce.stop(), cxone.stop()]);
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
