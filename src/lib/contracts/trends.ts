/**
 * The `/api/analysis/trends` answers (CompStat tables, or with `map=` a Mann-Kendall trend map) and the
 * `/api/analysis/coverage` answer (which years or months hold data). The routes validate the queries
 * with `trendsQuerySchema` and `coverageQuerySchema` (analysis.ts); the services return these types;
 * the trends page parses the answers with these schemas.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { PERIOD_STATUSES, periodCoverageSchema, studyParametersSchema } from './change';

const areaRefSchema = z.object({
	id: z.number(),
	kind: z.string(),
	code: z.string(),
	name: z.string()
});
const grainSchema = z.enum(['day', 'month']);

export const COMPSTAT_WINDOWS = ['weekToDate', 'last28Days', 'month', 'yearToDate'] as const;

/** One window of a CompStat table against the same window a year earlier (analysis/compstat.ts). */
export const compStatRowSchema = z.object({
	window: z.enum(COMPSTAT_WINDOWS),
	from: z.string(),
	to: z.string(),
	priorFrom: z.string(),
	priorTo: z.string(),
	current: z.number(),
	previous: z.number(),
	difference: z.number(),
	/** 100·(current − previous)/previous; null when previous is 0. */
	percentChange: z.number().nullable(),
	/** 2(√current − √previous); null when the two windows cannot be compared. */
	z: z.number().nullable(),
	p: z.number().nullable(),
	significant: z.boolean(),
	direction: z.enum(['up', 'down', 'no significant change', 'no data to compare']),
	coverage: z.object({ current: z.enum(PERIOD_STATUSES), previous: z.enum(PERIOD_STATUSES) }),
	/** Why the row is not compared ("No data for 1 Jan – 1 Dec 2019"), else null. */
	note: z.string().nullable()
});

export const compStatAnswerSchema = z.object({
	parameters: z.object({
		areas: z.array(areaRefSchema),
		date: z.string(),
		categories: z.array(z.string()),
		weekStart: z.enum(['monday', 'sunday']),
		priorYear: z.enum(['calendar', '52weeks']),
		alpha: z.number(),
		criticalZ: z.number(),
		statistic: z.literal('Poisson z = 2(√current − √previous)'),
		/** The data's time precision here: 'month' tables compare whole months. */
		grain: grainSchema,
		/** What the tables could not show and why. */
		notes: z.array(z.string())
	}),
	/** `all` (every selected category together), then each category with incidents in either year. */
	tables: z.array(
		z.object({ category: z.string(), label: z.string(), rows: z.array(compStatRowSchema) })
	)
});
export type CompStatAnswer = z.output<typeof compStatAnswerSchema>;
export type CompStatRow = z.output<typeof compStatRowSchema>;

export const trendMapAnswerSchema = z.object({
	parameters: studyParametersSchema.partial().extend({
		by: z.enum(['cell', 'area']),
		kind: z.string().nullable(),
		from: z.string(),
		to: z.string(),
		categories: z.array(z.string()),
		/** The covered months the trend is computed over. */
		months: z.array(z.string()),
		/** Months of the period left out because they hold no data (or not for every day). */
		skippedMonths: z.array(z.string()),
		statistic: z.literal(
			'Mann-Kendall on monthly counts (tie and continuity corrected), Sen slope per month'
		),
		alpha: z.literal(0.05)
	}),
	/** H3 cells or area codes. */
	ids: z.array(z.string()),
	names: z.array(z.string()).optional(),
	total: z.array(z.number()),
	s: z.array(z.number()),
	z: z.array(z.number()),
	p: z.array(z.number()),
	tau: z.array(z.number()),
	senSlope: z.array(z.number()),
	direction: z.array(z.enum(['increasing', 'decreasing', 'none']))
});
export type TrendMapAnswer = z.output<typeof trendMapAnswerSchema>;

/** `/api/analysis/trends`: CompStat tables, or a trend map with `map=cell|area`. */
export const trendsAnswerSchema = z.union([compStatAnswerSchema, trendMapAnswerSchema]);

export const coverageAnswerSchema = z.object({
	parameters: z.object({
		areas: z.array(areaRefSchema),
		from: z.string(),
		to: z.string(),
		step: z.enum(['year', 'month']),
		/** The data's time precision here (null without data). */
		grain: grainSchema.nullable()
	}),
	steps: z.array(
		periodCoverageSchema.extend({
			/** "2017", "Mar 2017". */
			name: z.string(),
			/** The name with its coverage: "2017 (Jan–Jun)", "2018 (no data)", or the name when covered. */
			label: z.string()
		})
	)
});
export type CoverageAnswer = z.output<typeof coverageAnswerSchema>;
