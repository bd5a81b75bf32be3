/**
 * Budgets of the analysis worker pool, from the environment (parsed once; a bad value stops start-up
 * with the variable's name and what it expects).
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const whole = (what: string, min: number, max: number) =>
	z.coerce
		.number({ message: `must be a whole number from ${min} to ${max} (${what})` })
		.int({ message: `must be a whole number from ${min} to ${max} (${what})` })
		.min(min, { message: `must be a whole number from ${min} to ${max} (${what})` })
		.max(max, { message: `must be a whole number from ${min} to ${max} (${what})` });

const JobsEnvSchema = z.object({
	BEATWISE_JOB_WORKERS: whole('worker threads for analyses requests wait for', 1, 64).optional(),
	BEATWISE_BACKGROUND_JOB_WORKERS: whole('worker threads for background jobs', 1, 64).default(1),
	BEATWISE_JOB_SECONDS: whole(
		'time budget of an analysis answered while the user waits',
		1,
		3600
	).default(30),
	BEATWISE_BACKGROUND_JOB_SECONDS: whole('time budget of a background job', 1, 86_400).default(
		1800
	),
	BEATWISE_JOB_MEMORY_MB: whole('heap budget of one analysis worker, MB', 32, 65_536).default(512),
	BEATWISE_JOBS_PER_USER: whole('analyses one user may run or queue at once', 1, 100).default(2),
	BEATWISE_JOB_QUEUE: whole('analyses waiting for a worker, all users', 1, 10_000).default(64)
});

export interface JobsConfig {
	/** Worker threads for requests; default one fewer than the cores (at least 1). */
	workers: number;
	/** Worker threads for background jobs (their own, so requests never wait behind a long job). */
	backgroundWorkers: number;
	/** Time budget of an analysis a request waits for. */
	interactiveMs: number;
	/** Time budget of a background job. */
	backgroundMs: number;
	/** V8 heap of one worker (resourceLimits.maxOldGenerationSizeMb); analyses size buffers by it too. */
	memoryMb: number;
	perUser: number;
	maxQueued: number;
}

export class JobsConfigError extends Error {
	readonly code = 'E_ENV';
}

export function parseJobsConfig(
	source: Record<string, string | undefined> = process.env
): JobsConfig {
	const raw = Object.fromEntries(
		Object.keys(JobsEnvSchema.shape).map((k) => [k, source[k]?.trim() || undefined])
	);
	const parsed = JobsEnvSchema.safeParse(raw);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new JobsConfigError(`Invalid environment:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	return {
		workers: e.BEATWISE_JOB_WORKERS ?? Math.max(1, availableParallelism() - 1),
		backgroundWorkers: e.BEATWISE_BACKGROUND_JOB_WORKERS,
		interactiveMs: e.BEATWISE_JOB_SECONDS * 1000,
		backgroundMs: e.BEATWISE_BACKGROUND_JOB_SECONDS * 1000,
		memoryMb: e.BEATWISE_JOB_MEMORY_MB,
		perUser: e.BEATWISE_JOBS_PER_USER,
		maxQueued: e.BEATWISE_JOB_QUEUE
	};
}

let cached: JobsConfig | undefined;

export function jobsConfig(): JobsConfig {
	cached ??= parseJobsConfig();
	return cached;
}
