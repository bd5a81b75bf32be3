/**
 * End-to-end runs: unless BEATWISE_E2E_URL already names a server, build the app, load the demo once
 * and start one server per e2e worker on a copy of it (files run two at a time, each worker's files
 * one after another on its own server, as one file at a time did on one server). A worker finds its
 * server through `BEATWISE_E2E_URL_<VITEST_POOL_ID>` (tests/e2e/worker-setup.ts).
 * Skipped (tests skip with a message) when Chromium is not installed.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
	BUILD_COPY_VARIABLE,
	DEMO_DIR_VARIABLE,
	hasChromium,
	prepareDemoData,
	snapshotBuild,
	startServer,
	type RunningServer
} from './server';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (process.env.BEATWISE_E2E_URL || !hasChromium || process.env.BEATWISE_E2E === '0') {
		if (!hasChromium) console.warn('[e2e] /usr/bin/chromium not found: end-to-end tests skip.');
		return async () => {};
	}
	// One copy of the build for every server of the run: tests that run `npm start` or rebuild
	// `build/` (npm-start) must not swap the chunks under a running server.
	const build = await snapshotBuild('e2e-run');
	process.env[BUILD_COPY_VARIABLE] = build;
	// The demo loaded once, into a data folder that these servers and every later one that starts with
	// the demo copy (server.ts, seedFolder), instead of each loading it again.
	const demo = await prepareDemoData();
	process.env[DEMO_DIR_VARIABLE] = demo;
	const workers = Math.max(1, Number(project.config.maxWorkers) || 1);
	const servers: RunningServer[] = [];
	const stop = async () => {
		for (const s of servers) await s.stop();
		rmSync(demo, { recursive: true, force: true });
		rmSync(dirname(build), { recursive: true, force: true });
	};
	try {
		for (let id = 1; id <= workers; id++) {
			const server = await startServer({});
			servers.push(server);
			process.env[`BEATWISE_E2E_URL_${id}`] = server.url;
			process.env[`BEATWISE_E2E_DATA_${id}`] = server.dataDir;
			console.log(`[e2e] Beatwise production build at ${server.url} (worker ${id})`);
		}
	} catch (e) {
		await stop().catch(() => {});
		throw e;
	}
	return stop;
}
