/**
 * Where the worker entry is. In a production build svelte.config.js bundles worker.ts into
 * `build/server/jobs-worker.js` and rewrites BUILT_WORKER below into that file's path relative to
 * the chunk this module ends up in; in development, tests and scripts worker-dev.js runs the
 * TypeScript source through tsx.
 */
export interface WorkerEntry {
	url: URL;
	execArgv: string[];
}

/** Rewritten by the production build (svelte.config.js, `JOBS_WORKER_MARKER`). */
const BUILT_WORKER: string = '__BEATWISE_JOBS_WORKER__';

export function workerEntry(): WorkerEntry {
	if (BUILT_WORKER.endsWith('.js'))
		return { url: new URL(BUILT_WORKER, import.meta.url), execArgv: [] };
	return { url: new URL('./worker-dev.js', import.meta.url), execArgv: [] };
}
