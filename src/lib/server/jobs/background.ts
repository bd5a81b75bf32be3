/**
 * Background analyses: a job is stored (analysis_jobs), computed in the worker pool with the
 * background time budget while its owner is away, its progress written as it goes (at most once a
 * second), and its result or error kept for the owner to come back to. At most `perUser` of a user's
 * jobs are queued or running at once. Jobs a stopped server left unfinished are marked failed at the
 * next start (`failInterrupted`).
 */
import {
	analysisQueryErrorMessage,
	emergingQuerySchema,
	nearRepeatQuerySchema,
	profileQuerySchema
} from '../../contracts/analysis';
import type { z } from 'zod';
import { jobCreateSchema, type Job, type JobDetail, type JobKind } from '../../contracts/jobs';
import { AnalysisInputError } from '../analysis/weights';
import type { Database } from '../db/client';
import {
	activeJobCount,
	failInterruptedJobs,
	finishJob,
	insertJob,
	jobOf,
	jobsOf,
	markJobRunning,
	setJobProgress,
	type JobRow
} from '../db/queries/jobs';
import { ServiceError } from '../errors';
import { emergingForArea } from '../services/emerging';
import { nearRepeatForArea } from '../services/near-repeat';
import { timeProfile } from '../services/profiles';
import { jobsConfig } from './config';
import { backgroundPool, computeInPool } from './index';
import { JobError, type WorkerPool } from './pool';
import type { Compute } from './tasks';

interface KindSpec {
	/** The query schema of the kind's /api/analysis endpoint. */
	schema: z.ZodType;
	/** Its service (which validates the query further). */
	run(db: Database, query: never, compute: Compute): Promise<unknown>;
}

const KINDS: Record<JobKind, KindSpec> = {
	'near-repeat': { schema: nearRepeatQuerySchema, run: nearRepeatForArea },
	profile: { schema: profileQuerySchema, run: timeProfile },
	emerging: { schema: emergingQuerySchema, run: emergingForArea }
};

/** Jobs computing in this process, by id, to cancel them. */
const running = new Map<number, AbortController>();

/** Wait for a job started here to settle (tests, shutdown). */
const settling = new Map<number, Promise<void>>();

export async function settled(id: number): Promise<void> {
	await settling.get(id);
}

/**
 * Store a job for `owner` from an API body `{ kind, params }` and start it; answers at once with the
 * queued job. Bad kinds and parameters are 400 with what to fix; too many active jobs 429.
 */
export async function startJob(
	db: Database,
	owner: { id: number },
	body: unknown,
	pool?: WorkerPool
): Promise<JobRow> {
	const parsed = jobCreateSchema.safeParse(body);
	if (!parsed.success)
		throw new ServiceError('E_PARAMETER', analysisQueryErrorMessage(parsed.error));
	const { kind, params } = parsed.data;
	const spec = KINDS[kind];
	const query = spec.schema.safeParse(params);
	if (!query.success)
		throw new ServiceError('E_PARAMETER', `params.${analysisQueryErrorMessage(query.error)}`);
	const limit = jobsConfig().perUser;
	const active = await activeJobCount(db, owner.id);
	if (active >= limit)
		throw new JobError(
			'E_JOB_LIMIT',
			`You already have ${active} background ${active === 1 ? 'job' : 'jobs'} queued or running, the most one user may have at once; wait for one to finish or cancel one on the Jobs page (/jobs)`
		);
	const job = await insertJob(db, { ownerId: owner.id, kind, params });
	const controller = new AbortController();
	running.set(job.id, controller);
	const done = execute(db, job, spec, query.data, controller.signal, pool).finally(() => {
		running.delete(job.id);
		settling.delete(job.id);
	});
	settling.set(job.id, done);
	return job;
}

async function execute(
	db: Database,
	job: JobRow,
	spec: KindSpec,
	query: unknown,
	signal: AbortSignal,
	pool?: WorkerPool
): Promise<void> {
	let lastWrite = 0;
	const onProgress = (done: number, total: number) => {
		const now = Date.now();
		if (now - lastWrite < 1000 || total <= 0) return;
		lastWrite = now;
		setJobProgress(db, job.id, done / total).catch((err) =>
			console.error(`[beatwise] job ${job.id}: writing progress:`, err)
		);
	};
	const options = {
		owner: `job:${job.id}`,
		signal,
		onProgress,
		// Queued until a background worker takes it.
		onStart: () =>
			void markJobRunning(db, job.id).catch((err) =>
				console.error(`[beatwise] job ${job.id}: marking it running:`, err)
			),
		timeLimitMs: jobsConfig().backgroundMs
	};
	try {
		const result = await spec.run(
			db,
			query as never,
			computeInPool(options, pool ?? backgroundPool())
		);
		await finishJob(db, job.id, { status: 'done', result });
	} catch (e) {
		const cancelled = e instanceof JobError && e.code === 'E_JOB_CANCELLED';
		const known =
			e instanceof ServiceError || e instanceof AnalysisInputError || e instanceof JobError;
		if (!known) console.error(`[beatwise] job ${job.id} (${job.kind}) failed:`, e);
		await finishJob(db, job.id, {
			status: cancelled ? 'cancelled' : 'failed',
			error: known ? (e as Error).message : 'Internal error: the server log has the details.'
		}).catch((err) => console.error(`[beatwise] job ${job.id}: recording its outcome:`, err));
	}
}

/**
 * Cancel the owner's job if it is queued or running; null when there is no such job of theirs.
 * `cancelled` is false when it had already finished (its outcome stays).
 */
export async function cancelJob(
	db: Database,
	owner: { id: number },
	id: number
): Promise<{ job: JobRow; cancelled: boolean } | null> {
	const job = await jobOf(db, id, owner.id);
	if (!job) return null;
	const cancelled = await finishJob(db, id, {
		status: 'cancelled',
		error: 'Cancelled by its owner'
	});
	running.get(id)?.abort();
	const after = await jobOf(db, id, owner.id);
	return { job: after ?? job, cancelled };
}

/** At start-up: jobs a stopped server left queued or running can never finish. */
export function failInterrupted(db: Database): Promise<number> {
	return failInterruptedJobs(db, 'The server stopped before this job finished; start it again');
}

/** A job as the API shows it: everything but its owner. */
export function jobView(job: JobRow): Job {
	const { ownerId: _owner, ...rest } = job;
	return rest as Job;
}

/** The owner's jobs, newest first, without results. */
export async function jobsOfOwner(db: Database, owner: { id: number }): Promise<Job[]> {
	return (await jobsOf(db, owner.id)).map(jobView);
}

/** One of the owner's jobs with its result once done; null when there is no such job of theirs. */
export async function jobOfOwner(
	db: Database,
	owner: { id: number },
	id: number
): Promise<JobDetail | null> {
	const job = await jobOf(db, id, owner.id);
	return job && { ...jobView(job), result: job.result };
}
