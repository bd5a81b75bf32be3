/**
 * Where the worker entry is. A production build (vite.config.ts, `jobsWorkerEntry`) emits
 * `jobs-worker.js` beside the server and writes its URL here; in development, tests and scripts
 * worker-dev.js runs the TypeScript source through tsx.
 */
export interface WorkerEntry {
	url: URL;
	execArgv: string[];
}

/** Replaced by the build with the URL of the emitted worker chunk. */
const BUILT_WORKER_URL: string | null = null; /* beatwise:jobs-worker-url */

export function workerEntry(): WorkerEntry {
	if (BUILT_WORKER_URL) return { url: new URL(BUILT_WORKER_URL), execArgv: [] };
	return { url: new URL('./worker-dev.js', import.meta.url), execArgv: [] };
}
