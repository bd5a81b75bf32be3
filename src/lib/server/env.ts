/**
 * Environment, parsed and validated once. Anything wrong fails start-up with a message that says
 * which variable and what is expected.
 */
import { z } from 'zod';
import { resolve } from 'node:path';

const EnvSchema = z.object({
	DATABASE_URL: z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? v : undefined))
		.refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
			message:
				'must be a PostgreSQL connection URL such as postgres://user:pass@host:5432/dbname (unset it to use the embedded database)'
		}),
	DATABASE_READ_URL: z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? v : undefined))
		.refine((v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v), {
			message:
				'must be the PostgreSQL connection URL of a read replica of DATABASE_URL, such as postgres://user:pass@replica:5432/dbname (unset it to read from the primary)'
		}),
	BEATWISE_DATA: z
		.string()
		.trim()
		.optional()
		.transform((v) => v || '.beatwise/data'),
	BEATWISE_BASEMAP_STYLE: z.string().trim().optional(),
	BEATWISE_CSP_ORIGINS: z
		.string()
		.trim()
		.optional()
		.refine(
			(v) => !v || v.split(/[\s,]+/).every((o) => o === '' || /^https?:\/\/[^\s/;,']+$/.test(o)),
			{
				message: 'must be origins such as https://tiles.example.org, separated by commas or spaces'
			}
		),
	BEATWISE_DEMO: z.enum(['0', '1', 'auto']).default('auto'),
	BEATWISE_MIGRATE: z
		.enum(['0', '1'], { message: 'must be 1 (migrate on start) or 0 (do not)' })
		.default('1'),
	BEATWISE_ACCESS_LOG: z.enum(['0', '1']).default('0'),
	BEATWISE_MAX_STUDY_CELLS: z.coerce.number().int().positive().default(200_000),
	BEATWISE_SESSION_HOURS: z.coerce
		.number()
		.positive()
		.max(24 * 30)
		.default(12),
	BEATWISE_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
	BEATWISE_LOGIN_MAX_FAILURES_PER_USER: z.coerce.number().int().positive().default(5),
	BEATWISE_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(50),
	BEATWISE_LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
	BEATWISE_LOGIN_BLOCK_SECONDS: z.coerce.number().positive().default(30),
	BEATWISE_SUPPRESS_BELOW: z.coerce.number().int().min(1).max(100).default(5)
});

export interface Env {
	databaseUrl: string | undefined;
	/** A streaming read replica of `databaseUrl` for analysis and map reads (PostgreSQL only). */
	databaseReadUrl: string | undefined;
	/** Folder of the embedded database (PGlite) when no DATABASE_URL is given. */
	dataDir: string;
	basemapStyle: string | undefined;
	/** Extra origins the browser may load basemap tiles, glyphs and sprites from (CSP). */
	cspOrigins: string[];
	demo: '0' | '1' | 'auto';
	/**
	 * Apply migrations (and create PostGIS) when the database is opened. False with the runtime role:
	 * the owner runs `beatwise migrate`, and opening only checks the schema is current.
	 */
	migrate: boolean;
	/** One log line per request (method, path, status, milliseconds, user). */
	accessLog: boolean;
	maxStudyCells: number;
	auth: {
		/** Absolute session lifetime from sign-in. */
		sessionMs: number;
		/** A session unused for this long is over. */
		idleMs: number;
		maxFailuresPerUser: number;
		maxFailuresPerIp: number;
		failureWindowMs: number;
		/** First wait once a limit is reached; doubles with each further failure, up to the window. */
		blockMs: number;
	};
	/** Counts from 1 to this minus one are shown as "<n" in public and community outputs. */
	suppressBelow: number;
}

export class EnvError extends Error {
	readonly code = 'E_ENV';
}

let cached: Env | undefined;

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
	const parsed = EnvSchema.safeParse(source);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	return {
		databaseUrl: e.DATABASE_URL,
		databaseReadUrl: e.DATABASE_READ_URL,
		dataDir: resolve(e.BEATWISE_DATA),
		basemapStyle: e.BEATWISE_BASEMAP_STYLE || undefined,
		cspOrigins: (e.BEATWISE_CSP_ORIGINS ?? '').split(/[\s,]+/).filter(Boolean),
		demo: e.BEATWISE_DEMO,
		migrate: e.BEATWISE_MIGRATE === '1',
		accessLog: e.BEATWISE_ACCESS_LOG === '1',
		maxStudyCells: e.BEATWISE_MAX_STUDY_CELLS,
		auth: {
			sessionMs: e.BEATWISE_SESSION_HOURS * 3_600_000,
			idleMs: e.BEATWISE_SESSION_IDLE_MINUTES * 60_000,
			maxFailuresPerUser: e.BEATWISE_LOGIN_MAX_FAILURES_PER_USER,
			maxFailuresPerIp: e.BEATWISE_LOGIN_MAX_FAILURES_PER_IP,
			failureWindowMs: e.BEATWISE_LOGIN_WINDOW_MINUTES * 60_000,
			blockMs: e.BEATWISE_LOGIN_BLOCK_SECONDS * 1000
		},
		suppressBelow: e.BEATWISE_SUPPRESS_BELOW
	};
}

export function env(): Env {
	cached ??= parseEnv();
	return cached;
}
