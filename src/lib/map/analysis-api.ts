/**
 * Client of the analysis endpoints the map draws: `/api/analysis/hotspots` (Gi* per cell) and
 * `/api/analysis/emerging` (emerging hot-spot category per cell). Answers are columnar; they are checked
 * here with zod so a changed contract fails loudly at the edge rather than as a wrongly coloured map.
 *
 * The study area is the chosen area (`area=id`) or the visible box (`bbox`); the server refuses one that
 * is too large with a 400 and a message, which the panel shows as is.
 */
import { z } from 'zod';
import type { BBox } from '$lib/contracts/cells';
import { getJson } from './loader';

export interface AnalysisRequest {
	area: number | null;
	bbox: BBox | null;
	res: number;
	from?: string;
	to?: string;
	categories?: readonly string[];
}

export interface HotspotsRequest extends AnalysisRequest {
	k: number;
	fdr: boolean;
	/** Also the accepted intelligence reports as a separate Gi* layer (`observations=accepted`). */
	observations?: boolean;
}

export interface EmergingRequest extends AnalysisRequest {
	step: 'week' | 'month';
	k: number;
}

const parametersSchema = z.record(z.string(), z.unknown()).default({});

/** The accepted reports' own Gi* layer (aligned with the crime answer's `cells`), never mixed in. */
const reportLayerSchema = z.object({
	label: z.string(),
	rule: z.string(),
	total: z.number(),
	withheld: z.number().nullable(),
	counts: z.array(z.number()),
	z: z.array(z.number()),
	bin: z.array(z.number().int().min(-3).max(3))
});

export type ReportLayer = z.output<typeof reportLayerSchema>;

const hotspotsSchema = z
	.object({
		cells: z.array(z.string()),
		z: z.array(z.number()),
		p: z.array(z.number()).optional(),
		pAdjusted: z.array(z.number()).optional(),
		bin: z.array(z.number().int().min(-3).max(3)),
		counts: z.array(z.number()).optional(),
		observations: reportLayerSchema.optional(),
		parameters: parametersSchema
	})
	.passthrough()
	.refine((r) => r.z.length === r.cells.length && r.bin.length === r.cells.length, {
		message: 'cells, z and bin must have the same length'
	});

export type HotspotsAnswer = z.output<typeof hotspotsSchema>;

/** Esri's numeric codes (positive hot, negative cold), for answers that send codes instead of names. */
const EMERGING_BY_NUMBER = new Map<number, string>([
	[0, 'no-pattern'],
	...(
		[
			'new',
			'consecutive',
			'intensifying',
			'persistent',
			'diminishing',
			'sporadic',
			'oscillating',
			'historical'
		] as const
	).flatMap((w, i): [number, string][] => [
		[i + 1, `${w}-hot-spot`],
		[-(i + 1), `${w}-cold-spot`]
	])
]);

/** What emerging hot spots say about the time steps: warnings (steps left out for lack of data). */
const emergingParametersSchema = z
	.object({
		warnings: z.array(z.string()).default([]),
		coverage: z.object({ grain: z.string(), steps: z.number(), covered: z.number() }).optional()
	})
	.catchall(z.unknown())
	.default({ warnings: [] });

export const emergingSchema = z
	.object({
		cells: z.array(z.string()),
		category: z.array(z.string()).optional(),
		categories: z.array(z.string()).optional(),
		code: z.array(z.number()).optional(),
		codes: z.array(z.number()).optional(),
		parameters: emergingParametersSchema
	})
	.passthrough()
	.transform((r, ctx) => {
		const named = r.category ?? r.categories;
		const numbered = r.code ?? r.codes;
		const category = named ?? numbered?.map((c) => EMERGING_BY_NUMBER.get(c) ?? 'no-pattern');
		if (!category || category.length !== r.cells.length) {
			ctx.addIssue({ code: 'custom', message: 'each cell needs an emerging category' });
			return z.NEVER;
		}
		return { cells: r.cells, category, parameters: r.parameters };
	});

export type EmergingAnswer = z.output<typeof emergingSchema>;

function studyAreaParams(q: AnalysisRequest): URLSearchParams {
	const p = new URLSearchParams();
	if (q.area !== null) p.set('area', String(q.area));
	else if (q.bbox) p.set('bbox', q.bbox.map((v) => +v.toFixed(5)).join(','));
	p.set('res', String(q.res));
	if (q.from) p.set('from', q.from);
	if (q.to) p.set('to', q.to);
	if (q.categories && q.categories.length) p.set('categories', q.categories.join(','));
	return p;
}

export function hotspotsUrl(q: HotspotsRequest): string {
	const p = studyAreaParams(q);
	p.set('k', String(q.k));
	p.set('fdr', q.fdr ? 'true' : 'false');
	if (q.observations) p.set('observations', 'accepted');
	return `/api/analysis/hotspots?${p}`;
}

export function emergingUrl(q: EmergingRequest): string {
	const p = studyAreaParams(q);
	p.set('step', q.step);
	p.set('k', String(q.k));
	return `/api/analysis/emerging?${p}`;
}

export async function fetchHotspots(
	q: HotspotsRequest,
	signal?: AbortSignal
): Promise<HotspotsAnswer> {
	return hotspotsSchema.parse(await getJson(hotspotsUrl(q), 'Hot-spot analysis', signal));
}

export async function fetchEmerging(
	q: EmergingRequest,
	signal?: AbortSignal
): Promise<EmergingAnswer> {
	return emergingSchema.parse(await getJson(emergingUrl(q), 'Emerging hot-spot analysis', signal));
}

/** Cells per bin, +3 to −3, as the legend lists them. */
export function cellsPerBin(bins: readonly number[]): Map<number, number> {
	const out = new Map<number, number>([3, 2, 1, 0, -1, -2, -3].map((b) => [b, 0]));
	for (const b of bins) out.set(b, (out.get(b) ?? 0) + 1);
	return out;
}
