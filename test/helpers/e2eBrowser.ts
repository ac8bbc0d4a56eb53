/**
 * Headless Chromium for the e2e browser check: the system's Chromium (Debian `chromium`) driven by
 * playwright-core, which ships no browser of its own. A fresh profile per launch, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

/** CHROMIUM_PATH overrides; CI installs Debian's package at /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser check cannot run here, or undefined when it can. Decided at load time. */
export function chromiumMissing(): string | undefined {
	return existsSync(CHROMIUM_PATH)
		? undefined
		: `no Chromium at ${CHROMIUM_PATH} (install Debian's 'chromium' package, or set CHROMIUM_PATH)`;
}

const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface HeadlessBrowser {
	context: BrowserContext;
	close(): Promise<void>;
}

export async function launchChromium(): Promise<HeadlessBrowser> {
	const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
	// launchPersistentContext passes the profile as --user-data-dir: a fresh one, so no state leaks between runs.
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: FLAGS,
		viewport: { width: 1600, height: 1000 },
	});
	return {
		context,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
