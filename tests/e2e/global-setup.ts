/**
 * End-to-end runs: unless BEATWISE_E2E_URL already names a server, build the app and start it once
 * on a fresh embedded database with the demo data, for every e2e test file of this run.
 * Skipped (tests skip with a message) when Chromium is not installed.
 */
import { rmSync } from 'node:fs';
import {
	DEMO_DIR_VARIABLE,
	hasChromium,
	prepareDemoData,
	startServer,
	type RunningServer
} from './server';

let server: RunningServer | null = null;

export default async function setup(): Promise<() => Promise<void>> {
	if (process.env.BEATWISE_E2E_URL || !hasChromium || process.env.BEATWISE_E2E === '0') {
		if (!hasChromium) console.warn('[e2e] /usr/bin/chromium not found: end-to-end tests skip.');
		return async () => {};
	}
	// The demo loaded once, into a data folder that this server and every later one that starts with
	// the demo copy (server.ts, seedFolder), instead of each loading it again.
	const demo = await prepareDemoData();
	process.env[DEMO_DIR_VARIABLE] = demo;
	// From a private copy of the build: tests that run `npm start` or rebuild `build/` (npm-start,
	// basemap) must not swap the chunks under the shared server.
	server = await startServer({}, { privateBuild: 'e2e-shared' });
	process.env.BEATWISE_E2E_URL = server.url;
	process.env.BEATWISE_E2E_DATA = server.dataDir;
	console.log(`[e2e] Beatwise production build at ${server.url}`);
	return async () => {
		await server?.stop();
		rmSync(demo, { recursive: true, force: true });
	};
}
