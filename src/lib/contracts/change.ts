/**
 * The `/api/analysis/change` answer: counts in two periods per cell or area, each change tested
 * exactly. The route validates the query with `changeQuerySchema` (analysis.ts); the service returns
 * `ChangeAnswer`; the trends page parses the answer with `changeAnswerSchema`.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';

export const CHANGE_DIRECTIONS = ['up', 'down', 'no significant change'] as const;
export const PERIOD_STATUSES = ['covered', 'partial', 'missing'] as const;

/** How much of a period holds imported data (analysis/coverage.ts `PeriodCoverage`). */
export const periodCoverageSchema = z.object({
	from: z.string(),
	to: z.string(),
	days: z.number(),
	coveredDays: z.number(),
	status: z.enum(PERIOD_STATUSES),
	/** For a partial period: the covered spans in words ("Jan–Jun", "1–14 Mar"); else null. */
	covers: z.string().nullable()
});

/** The study an analysis answer echoes (study/area.ts `studyParameters`). */
export const studyParametersSchema = z.object({
	areas: z.array(
		z.object({ id: z.number(), kind: z.string(), code: z.string(), name: z.string() })
	),
	bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).readonly().nullable(),
	res: z.number(),
	from: z.string(),
	to: z.string(),
	/** Empty: every category. */
	categories: z.array(z.string()),
	studyAreaCells: z.number(),
	maxStudyCells: z.number()
});

export const changeAnswerSchema = z.object({
	parameters: studyParametersSchema.partial().extend({
		by: z.enum(['cell', 'area']),
		kind: z.string().nullable(),
		from: z.string(),
		to: z.string(),
		beforeFrom: z.string(),
		beforeTo: z.string(),
		categories: z.array(z.string()),
		statistic: z.literal(
			'exact conditional binomial test: now ~ Binomial(now + before, share), two-sided, Benjamini–Hochberg FDR across cells'
		),
		/** The later period's share of the covered days of both (½ for two fully covered periods of equal length). */
		share: z.number(),
		alpha: z.literal(0.05),
		fdr: z.literal(true),
		/** Coverage of the two periods in the study area. */
		coverage: z.object({ now: periodCoverageSchema, before: periodCoverageSchema }),
		warnings: z.array(z.string())
	}),
	ids: z.array(z.string()),
	names: z.array(z.string()).optional(),
	now: z.array(z.number()),
	before: z.array(z.number()),
	difference: z.array(z.number()),
	/** Two-sided exact p (1 where both counts are 0). */
	p: z.array(z.number()),
	/** Benjamini–Hochberg adjusted p across the cells or areas with any incident. */
	pAdjusted: z.array(z.number()),
	direction: z.array(z.enum(CHANGE_DIRECTIONS))
});
export type ChangeAnswer = z.output<typeof changeAnswerSchema>;
