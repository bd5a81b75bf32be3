/**
 * The `/api/jobs` contracts: background analyses too large to wait for. A job's `params` are the query
 * parameters of its `/api/analysis/<kind>` endpoint (strings, as in a URL), validated by the same
 * schema, so a job and a request mean the same thing.
 *
 * `POST /api/jobs` takes `jobCreateSchema` and answers a `Job` (202); `GET /api/jobs` a `JobList`;
 * `GET /api/jobs/[id]` a `JobDetail`; `DELETE /api/jobs/[id]` the cancelled `Job`.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';

export const JOB_KINDS = ['near-repeat', 'profile', 'emerging'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_KIND_LABELS: Record<JobKind, string> = {
	'near-repeat': 'Near repeat (Knox)',
	profile: 'Time profile (aoristic)',
	emerging: 'Emerging hot spots'
};

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;

export const jobCreateSchema = z.object({
	kind: z.enum(JOB_KINDS, { message: `must be one of ${JOB_KINDS.join(', ')}` }),
	params: z
		.record(
			z.string().max(64),
			z.union([z.string().max(20_000), z.number(), z.boolean()], {
				message: 'must be a string, number or boolean (a query parameter value)'
			})
		)
		.default({})
		.transform((p) => {
			const out: Record<string, string> = {};
			for (const [k, v] of Object.entries(p)) if (v !== '') out[k] = String(v);
			return out;
		})
});
export type JobCreate = z.input<typeof jobCreateSchema>;

export const jobSchema = z.object({
	id: z.number(),
	kind: z.enum(JOB_KINDS),
	params: z.record(z.string(), z.string()),
	status: z.enum(JOB_STATUSES),
	/** 0 … 1 */
	progress: z.number(),
	error: z.string().nullable(),
	createdAt: z.string(),
	startedAt: z.string().nullable(),
	finishedAt: z.string().nullable()
});
export type Job = z.output<typeof jobSchema>;

/** `GET /api/jobs`: the user's jobs, newest first, without results. */
export const jobListSchema = z.object({ jobs: z.array(jobSchema) });
export type JobList = z.output<typeof jobListSchema>;
/** One job polled: with its result once done (the `/api/analysis/<kind>` answer). */
export const jobDetailSchema = jobSchema.extend({ result: z.unknown() });
export type JobDetail = z.output<typeof jobDetailSchema>;

/** `/api/jobs/[id]`: a positive whole number. */
export const jobIdSchema = z.coerce
	.number({ message: 'must be a job number' })
	.int({ message: 'must be a job number' })
	.positive({ message: 'must be a job number' })
	.max(Number.MAX_SAFE_INTEGER, { message: 'must be a job number' });
