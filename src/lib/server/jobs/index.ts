/** The process-wide analysis pool, sized from the environment (config.ts), and Computes bound to it. */
import { jobsConfig } from './config';
import { WorkerPool, type RunOptions } from './pool';
import type { Compute } from './tasks';

let pool: WorkerPool | undefined;
let background: WorkerPool | undefined;

/** The pool of analyses requests wait for. */
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

/**
 * The pool of background jobs: workers of its own, so a long job never keeps a request waiting for a
 * worker. Each job has a pool slot of its own; the per-user limit is counted in the database.
 */
export function backgroundPool(): WorkerPool {
	if (!background) {
		const c = jobsConfig();
		background = new WorkerPool({
			workers: c.backgroundWorkers,
			timeLimitMs: c.backgroundMs,
			memoryMb: c.memoryMb,
			perOwner: 1,
			maxQueued: c.maxQueued
		});
	}
	return background;
}

/** Stop the pools' workers (server shutdown). */
export async function closeJobPool(): Promise<void> {
	const pools = [pool, background];
	pool = background = undefined;
	await Promise.all(pools.map((p) => p?.close()));
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
		budgetIncludesWait: true,
		hint: 'run it as a background job on the Jobs page (/jobs), which has a longer budget'
	});
}
