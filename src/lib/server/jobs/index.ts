/** The process-wide analysis pool, sized from the environment (config.ts), and Computes bound to it. */
import { jobsConfig } from './config';
import { WorkerPool, type RunOptions } from './pool';
import type { Compute } from './tasks';

let pool: WorkerPool | undefined;

export function jobPool(): WorkerPool {
	if (!pool) {
		const c = jobsConfig();
		pool = new WorkerPool({
			workers: c.workers,
			timeLimitMs: c.interactiveMs,
			memoryMb: c.memoryMb,
			perOwner: c.perUser,
			maxQueued: c.maxQueued
		});
	}
	return pool;
}

/** Stop the pool's workers (server shutdown). */
export async function closeJobPool(): Promise<void> {
	const p = pool;
	pool = undefined;
	await p?.close();
}

/** A Compute that runs each task in the pool for one owner, with one signal and budget. */
export function computeInPool(options: RunOptions, on: WorkerPool = jobPool()): Compute {
	return (kind, input) => on.run(kind, input, options);
}

/**
 * The Compute of a request its user waits for: the user's pool slots, the interactive time budget,
 * and cancellation when the client disconnects (the request's signal).
 */
export function computeForRequest(user: { id: number }, signal: AbortSignal): Compute {
	return computeInPool({
		owner: String(user.id),
		signal,
		hint: 'run it as a background job on the Jobs page (/jobs), which has a longer budget'
	});
}
