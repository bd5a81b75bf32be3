/** Background analysis jobs (analysis_jobs): their owner, request, status, progress and result. */
import type { Queryable } from '../client';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRow {
	id: number;
	ownerId: number;
	kind: string;
	params: Record<string, string>;
	status: JobStatus;
	progress: number;
	error: string | null;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
}

const COLUMNS = `id, owner_id, kind, params, status, progress, error, created_at, started_at, finished_at`;

function iso(v: unknown): string | null {
	return v === null || v === undefined ? null : new Date(v as string).toISOString();
}

function toJob(r: Record<string, unknown>): JobRow {
	return {
		id: Number(r.id),
		ownerId: Number(r.owner_id),
		kind: String(r.kind),
		params: (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as Record<
			string,
			string
		>,
		status: r.status as JobStatus,
		progress: Number(r.progress),
		error: (r.error as string | null) ?? null,
		createdAt: iso(r.created_at)!,
		startedAt: iso(r.started_at),
		finishedAt: iso(r.finished_at)
	};
}

export async function insertJob(
	db: Queryable,
	job: { ownerId: number; kind: string; params: Record<string, string> }
): Promise<JobRow> {
	const rows = await db.query(
		`INSERT INTO analysis_jobs (owner_id, kind, params) VALUES ($1, $2, $3::jsonb) RETURNING ${COLUMNS}`,
		[job.ownerId, job.kind, JSON.stringify(job.params)]
	);
	return toJob(rows[0]);
}

/** The owner's jobs, newest first, without results. */
export async function jobsOf(db: Queryable, ownerId: number, limit = 50): Promise<JobRow[]> {
	const rows = await db.query(
		`SELECT ${COLUMNS} FROM analysis_jobs WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		[ownerId, limit]
	);
	return rows.map(toJob);
}

/** Jobs of the owner still queued or running. */
export async function activeJobCount(db: Queryable, ownerId: number): Promise<number> {
	const rows = await db.query<{ n: number }>(
		`SELECT count(*)::int AS n FROM analysis_jobs WHERE owner_id = $1 AND status IN ('queued', 'running')`,
		[ownerId]
	);
	return Number(rows[0].n);
}

/** One job of its owner with its result; null when there is none (or it is someone else's). */
export async function jobOf(
	db: Queryable,
	id: number,
	ownerId: number
): Promise<(JobRow & { result: unknown }) | null> {
	const rows = await db.query(
		`SELECT ${COLUMNS}, result FROM analysis_jobs WHERE id = $1 AND owner_id = $2`,
		[id, ownerId]
	);
	if (!rows[0]) return null;
	const r = rows[0].result;
	return { ...toJob(rows[0]), result: typeof r === 'string' ? JSON.parse(r) : (r ?? null) };
}

export async function markJobRunning(db: Queryable, id: number): Promise<void> {
	await db.query(
		`UPDATE analysis_jobs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'queued'`,
		[id]
	);
}

export async function setJobProgress(db: Queryable, id: number, progress: number): Promise<void> {
	await db.query(`UPDATE analysis_jobs SET progress = $2 WHERE id = $1 AND status = 'running'`, [
		id,
		Math.min(1, Math.max(0, progress))
	]);
}

/** Settle a queued or running job; a job already settled (e.g. cancelled) keeps its outcome. */
export async function finishJob(
	db: Queryable,
	id: number,
	outcome: { status: 'done'; result: unknown } | { status: 'failed' | 'cancelled'; error: string }
): Promise<boolean> {
	const rows = await db.query(
		`UPDATE analysis_jobs
		    SET status = $2, result = $3::jsonb, error = $4, finished_at = now(),
		        started_at = CASE WHEN $2 = 'done' THEN COALESCE(started_at, now()) ELSE started_at END,
		        progress = CASE WHEN $2 = 'done' THEN 1 ELSE progress END
		  WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
		[
			id,
			outcome.status,
			outcome.status === 'done' ? JSON.stringify(outcome.result) : null,
			outcome.status === 'done' ? null : outcome.error
		]
	);
	return rows.length > 0;
}

/** Jobs left queued or running by a server that stopped: failed, with the reason. */
export async function failInterruptedJobs(db: Queryable, reason: string): Promise<number> {
	const rows = await db.query(
		`UPDATE analysis_jobs SET status = 'failed', error = $1, finished_at = now()
		  WHERE status IN ('queued', 'running') RETURNING id`,
		[reason]
	);
	return rows.length;
}
