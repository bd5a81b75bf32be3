/**
 * `/api/analysis/road-safety?…`: before/after evaluation of a road-safety scheme. The site is a circle
 * (`lon`, `lat`, `radius` in metres) or an area (`site=kind:code`); the control an area
 * (`control=kind:code`) or, when absent, every other collision in the data. Shared with the browser.
 */
import { z } from 'zod';
import { isoDateSchema as day } from './cells';

const num = (what: string) =>
	z
		.string()
		.trim()
		.regex(/^-?\d+(\.\d+)?$/, { message: `must be ${what}` })
		.transform(Number);

export const roadEvaluationQuerySchema = z
	.object({
		site: z.string().trim().min(1).optional(),
		lon: num('a longitude in degrees').optional(),
		lat: num('a latitude in degrees').optional(),
		radius: num('a radius in metres').optional(),
		control: z.string().trim().min(1).optional(),
		schemeDate: day,
		periodDays: num('a number of days'),
		gapDays: num('a number of days').optional(),
		confidence: num('a confidence level such as 0.95').optional()
	})
	.superRefine((q, ctx) => {
		const circle = q.lon !== undefined || q.lat !== undefined || q.radius !== undefined;
		if (q.site && circle)
			ctx.addIssue({
				code: 'custom',
				path: ['site'],
				message: 'give the site as an area (site) or as a circle (lon, lat, radius), not both'
			});
		else if (!q.site && (q.lon === undefined || q.lat === undefined || q.radius === undefined))
			ctx.addIssue({
				code: 'custom',
				path: ['site'],
				message: 'give the site as an area (site=kind:code) or as lon, lat and radius (metres)'
			});
	});
export type RoadEvaluationQuery = z.output<typeof roadEvaluationQuerySchema>;

/**
 * The evaluation a parsed query asks for (the service's request): the site as an area or a circle,
 * the control area or null (everything else). Used by the API and by "Save as a product".
 */
export function evaluationRequest(q: RoadEvaluationQuery): {
	site: { area: string } | { lon: number; lat: number; radiusM: number };
	control: string | null;
	schemeDate: string;
	periodDays: number;
	gapDays?: number;
	confidence?: number;
} {
	return {
		site:
			q.site !== undefined ? { area: q.site } : { lon: q.lon!, lat: q.lat!, radiusM: q.radius! },
		control: q.control ?? null,
		schemeDate: q.schemeDate,
		periodDays: q.periodDays,
		gapDays: q.gapDays,
		confidence: q.confidence
	};
}

const ratio = z.object({
	estimate: z.number().nullable(),
	lower: z.number(),
	upper: z.number().nullable(),
	p: z.number()
});
const periodCounts = z.object({ before: z.number(), after: z.number(), ratio });
const design = z.object({
	parameters: z.object({
		confidence: z.number(),
		siteMethod: z.string(),
		controlMethod: z.string()
	}),
	site: periodCounts,
	control: periodCounts.nullable(),
	adjusted: ratio.nullable()
});
const severityCounts = z.object({
	fatal: z.number(),
	serious: z.number(),
	slight: z.number(),
	ksi: z.number(),
	total: z.number()
});
const span = z.object({ from: z.string(), to: z.string() });

export const roadEvaluationSchema = z.object({
	before: span,
	after: span,
	site: z.object({ label: z.string() }),
	control: z.object({ label: z.string() }),
	periodDays: z.number(),
	gapDays: z.number(),
	all: design,
	ksi: design,
	siteBySeverity: z.object({ before: severityCounts, after: severityCounts }),
	caveats: z.array(z.string()),
	methods: z.array(z.string())
});
export type RoadEvaluation = z.output<typeof roadEvaluationSchema>;
export type RoadEstimate = z.output<typeof ratio>;
