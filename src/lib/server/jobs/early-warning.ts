/**
 * The scheduled early-warning check: after each import (ingest/after-import.ts) a run of
 * services/alerts.ts `runEarlyWarning` starts in the background, so the import answers at once. One
 * run at a time: imports arriving while one runs are gathered into one more run after it.
 */
import type { Database } from '../db/client';
import { failInterruptedRuns } from '../db/queries/alerts';
import { onImportCommitted } from '../ingest/after-import';
import { runEarlyWarning, type RunRow } from '../services/alerts';
import { jobsConfig } from './config';
import { backgroundPool, computeInPool } from './index';
import type { Compute } from './tasks';

let running: Promise<void> | null = null;
let queued: { db: Database; batchIds: number[] } | null = null;
let lastRun: RunRow | null = null;
let computeFor: () => Compute = () =>
	computeInPool(
		{ owner: 'early-warning', timeLimitMs: jobsConfig().backgroundMs },
		backgroundPool()
	);

/** Start a check for `batchIds` now, or after the one running (gathered with any others waiting). */
export function scheduleEarlyWarning(db: Database, batchIds: number[]): void {
	if (queued) queued.batchIds.push(...batchIds);
	else queued = { db, batchIds: [...batchIds] };
	if (!running) running = drain();
}

async function drain(): Promise<void> {
	try {
		while (queued) {
			const next = queued;
			queued = null;
			try {
				lastRun = await runEarlyWarning(
					next.db,
					{ trigger: 'import', batchIds: next.batchIds },
					computeFor()
				);
			} catch (e) {
				console.error('[beatwise] early-warning check failed:', e);
			}
		}
	} finally {
		running = null;
	}
}

/** Wait until no check is running or waiting (the CLI before it exits; tests). */
export async function earlyWarningIdle(): Promise<RunRow | null> {
	while (running) await running;
	return lastRun;
}

/**
 * Check after every import from now on, computing with `compute` (default: the background pool;
 * the CLI computes on its own thread). Runs a stopped process left unfinished are marked failed.
 */
export async function scheduleAfterImports(
	db: Database,
	compute?: () => Compute
): Promise<() => void> {
	if (compute) computeFor = compute;
	await failInterruptedRuns(db);
	return onImportCommitted((d, e) => scheduleEarlyWarning(d, e.batchIds));
}
