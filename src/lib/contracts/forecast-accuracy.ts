/**
 * The `/api/analysis/forecast-accuracy` contract: how well the supervisor's shift ranking would have
 * picked cells over the last year of data, against the baseline. The route validates the query with
 * `forecastAccuracyQuerySchema`; the service returns `ForecastAccuracy`; the supervisor page parses the
 * answer with `forecastAccuracySchema`.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { ANALYSIS_MAX_RES, ANALYSIS_MIN_RES } from './analysis';
import { SHIFT_NAMES } from './shifts';

const resMessage = `must be a whole number from ${ANALYSIS_MIN_RES} to ${ANALYSIS_MAX_RES} (H3 resolution)`;
const flag = (fallback: boolean) =>
	z
		.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
		.optional()
		.transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

export const forecastAccuracyQuerySchema = z.object({
	/** The supervisor's area: an id or kind:code. */
	area: z
		.string({ message: 'is required: an area id or kind:code, e.g. borough:E09000001' })
		.trim()
		.regex(/^(\d+|[a-z0-9][a-z0-9_-]*:[^,*]+)$/, {
			message: 'must be one area: an id or kind:code, e.g. borough:E09000001'
		}),
	shift: z.enum(SHIFT_NAMES, { message: 'must be early, late or night' }).default('late'),
	res: z.coerce
		.number({ message: resMessage })
		.int({ message: resMessage })
		.min(ANALYSIS_MIN_RES, { message: resMessage })
		.max(ANALYSIS_MAX_RES, { message: resMessage })
		.default(9),
	coverage: z.coerce
		.number({ message: 'must be a share of the cells in (0, 1], e.g. 0.1' })
		.gt(0, { message: 'must be a share of the cells in (0, 1], e.g. 0.1' })
		.max(1, { message: 'must be a share of the cells in (0, 1], e.g. 0.1' })
		.default(0.1),
	/** Leave proactive categories out (the supervisor's bias guard). */
	guard: flag(true),
	/** Weigh incidents by harm in the model. */
	harm: flag(false)
});
export type ForecastAccuracyQuery = z.output<typeof forecastAccuracyQuerySchema>;

const meanSchema = z.object({ hitRate: z.number(), pai: z.number(), pei: z.number() }).nullable();
const originMetricsSchema = z.object({
	selectedCells: z.number(),
	hits: z.number(),
	incidents: z.number(),
	hitRate: z.number(),
	pai: z.number(),
	pei: z.number()
});

export const forecastAccuracySchema = z.object({
	parameters: z.object({
		area: z.object({ id: z.number(), kind: z.string(), code: z.string(), name: z.string() }),
		shift: z.enum(SHIFT_NAMES),
		shiftLabel: z.string(),
		/** The shift's hours when they were applied; null when the data has no times of day. */
		hours: z.object({ startHour: z.number(), hours: z.number() }).nullable(),
		granularity: z.enum(['day', 'month']),
		res: z.number(),
		coverage: z.number(),
		k: z.number(),
		studyCells: z.number(),
		horizonDays: z.number(),
		/** 'week' (origins every 7 days) or 'month' (the 1st of each month). */
		step: z.enum(['week', 'month']),
		firstOrigin: z.string(),
		lastOrigin: z.string(),
		dataEnd: z.string(),
		historyFrom: z.string(),
		incidents: z.number(),
		timedShare: z.number(),
		biasGuard: z.boolean(),
		excludedCategories: z.array(z.string()),
		harm: z.boolean(),
		dataVersion: z.string(),
		contract: z.string()
	}),
	model: z.object({ name: z.string(), label: z.string(), mean: meanSchema }),
	baseline: z.object({ name: z.string(), label: z.string(), mean: meanSchema }),
	origins: z.array(
		z.object({ origin: z.string(), model: originMetricsSchema, baseline: originMetricsSchema })
	),
	skippedOrigins: z.array(z.string()),
	verdict: z.enum(['better', 'worse', 'mixed', 'same', 'not-measured']),
	/** What the numbers mean for the shift, in one or two sentences. */
	summary: z.string(),
	notes: z.array(z.string()),
	cached: z.boolean()
});
export type ForecastAccuracy = z.output<typeof forecastAccuracySchema>;
