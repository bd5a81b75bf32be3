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
	BEATWISE_DATA: z
		.string()
		.trim()
		.optional()
		.transform((v) => v || '.beatwise/data'),
	BEATWISE_BASEMAP_STYLE: z.string().trim().optional(),
	BEATWISE_DEMO: z.enum(['0', '1', 'auto']).default('auto'),
	BEATWISE_MAX_STUDY_CELLS: z.coerce.number().int().positive().default(200_000)
});

export interface Env {
	databaseUrl: string | undefined;
	/** Folder of the embedded database (PGlite) when no DATABASE_URL is given. */
	dataDir: string;
	basemapStyle: string | undefined;
	demo: '0' | '1' | 'auto';
	maxStudyCells: number;
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
		dataDir: resolve(e.BEATWISE_DATA),
		basemapStyle: e.BEATWISE_BASEMAP_STYLE || undefined,
		demo: e.BEATWISE_DEMO,
		maxStudyCells: e.BEATWISE_MAX_STUDY_CELLS
	};
}

export function env(): Env {
	cached ??= parseEnv();
	return cached;
}
