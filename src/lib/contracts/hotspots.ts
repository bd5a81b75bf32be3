/**
 * The `/api/analysis/hotspots` and `/api/analysis/emerging` answers. The routes validate the query
 * with `hotspotsQuerySchema` / `emergingQuerySchema` (analysis.ts); the services return
 * `HotspotsAnswer` / `EmergingAnswer`; the map, neighbourhood, supervisor and trends pages parse the
 * answers with the schemas below (map/analysis-api.ts), so a changed answer fails loudly at the edge
 * rather than as a wrongly coloured map.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { PERIOD_STATUSES, studyParametersSchema } from './change';

const triple = z.tuple([z.number(), z.number(), z.number()]);
/** −3..3: sign of z times the confidence level reached (3: 99 %, 2: 95 %, 1: 90 %). */
const bins = z.array(z.number().int().min(-3).max(3));

/**
 * The accepted intelligence reports' own Gi* layer (`observations=accepted`), aligned with the crime
 * answer's `cells`, never added to the crime counts (issue 13).
 */
export const reportLayerSchema = z.object({
	input: z.literal(
		'accepted intelligence reports (after review), counted apart from recorded crime'
	),
	/** What a map legend says: "N accepted reports (not crimes)". */
	label: z.string(),
	rule: z.string(),
	total: z.number(),
	/** Handling code C reports left out for this reader; null when the reader may not be told. */
	withheld: z.number().nullable(),
	summary: z.object({ hot: triple, cold: triple }),
	degenerate: z.number(),
	counts: z.array(z.number()),
	z: z.array(z.number()),
	p: z.array(z.number()),
	pAdjusted: z.array(z.number()),
	bin: bins
});
export type ReportLayer = z.output<typeof reportLayerSchema>;

export const hotspotsAnswerSchema = z
	.object({
		parameters: studyParametersSchema.extend({
			statistic: z.literal('Gi*'),
			k: z.number(),
			weights: z.literal('binary gridDisk(k) ∩ study area, self included'),
			fdr: z.boolean(),
			alpha: z.number(),
			/** Global mean X̄ and standard deviation S of the counts (population form). */
			mean: z.number(),
			sd: z.number(),
			degenerate: z.number(),
			/** What came from the caches; `answer`: the whole answer (then weights and counts too). */
			cache: z.object({ weights: z.boolean(), counts: z.boolean(), answer: z.boolean() })
		}),
		summary: z.object({ total: z.number(), hot: triple, cold: triple }),
		/** Columnar: `cells[i]` has `counts[i]`, `z[i]`, … */
		cells: z.array(z.string()),
		counts: z.array(z.number()),
		z: z.array(z.number()),
		p: z.array(z.number()),
		pAdjusted: z.array(z.number()),
		bin: bins,
		/** With `observations=accepted`: the reports' own layer; otherwise absent. */
		observations: reportLayerSchema.optional()
	})
	.refine((r) => r.z.length === r.cells.length && r.bin.length === r.cells.length, {
		message: 'cells, z and bin must have the same length'
	});
export type HotspotsAnswer = z.output<typeof hotspotsAnswerSchema>;

export const emergingAnswerSchema = z
	.object({
		parameters: studyParametersSchema.extend({
			step: z.enum(['week', 'month']),
			k: z.number(),
			neighbourhoodTimeStep: z.number(),
			globalWindow: z.enum(['entireCube', 'neighbourhoodTimeStep', 'individualTimeStep']),
			fdr: z.enum(['perTimeStep', 'entireCube', 'none']),
			alpha: z.number(),
			trendAlpha: z.number(),
			/** Steps left out for lack of data, partial first or last step. */
			warnings: z.array(z.string()),
			/**
			 * Time coverage: the data's time precision, and how many of the period's steps hold data.
			 * Only covered steps enter the cube; the others are listed in `skippedSteps`.
			 */
			coverage: z.object({
				grain: z.enum(['day', 'month']),
				steps: z.number(),
				covered: z.number()
			})
		}),
		/** First day of each step analysed (covered steps only, in order). */
		steps: z.array(z.string()),
		/** Steps left out because they hold no data (missing) or data for only some of their days. */
		skippedSteps: z.array(
			z.object({
				start: z.string(),
				status: z.enum(PERIOD_STATUSES).exclude(['covered']),
				coveredDays: z.number(),
				days: z.number()
			})
		),
		/** Locations per category (Esri's 17, e.g. `intensifying-hot-spot`), all keys. */
		summary: z.record(z.string(), z.number()),
		labels: z.record(z.string(), z.string()),
		/** Columnar, aligned with `cells`. */
		cells: z.array(z.string()),
		category: z.array(z.string()),
		/** Esri category code (−8 … 8). */
		code: z.array(z.number()),
		total: z.array(z.number()),
		hotSteps: z.array(z.number()),
		coldSteps: z.array(z.number()),
		/** Mann-Kendall on the Gi* z series. */
		trendZ: z.array(z.number()),
		trendP: z.array(z.number()),
		/** Gi* z of the final step. */
		lastZ: z.array(z.number())
	})
	.refine((r) => r.category.length === r.cells.length, {
		message: 'each cell needs an emerging category'
	});
export type EmergingAnswer = z.output<typeof emergingAnswerSchema>;
