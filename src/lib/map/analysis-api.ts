/**
 * Client of the analysis endpoints the map draws: `/api/analysis/hotspots` (Gi* per cell) and
 * `/api/analysis/emerging` (emerging hot-spot category per cell). Answers are columnar; they are parsed
 * with their contract (contracts/hotspots.ts) so a changed answer fails loudly at the edge rather than as
 * a wrongly coloured map.
 *
 * The study area is the chosen area (`area=id`) or the visible box (`bbox`); the server refuses one that
 * is too large with a 400 and a message, which the panel shows as is.
 */
import type { BBox } from '$lib/contracts/cells';
import {
	emergingAnswerSchema,
	hotspotsAnswerSchema,
	type EmergingAnswer,
	type HotspotsAnswer
} from '$lib/contracts/hotspots';
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
	return hotspotsAnswerSchema.parse(await getJson(hotspotsUrl(q), 'Hot-spot analysis', signal));
}

export async function fetchEmerging(
	q: EmergingRequest,
	signal?: AbortSignal
): Promise<EmergingAnswer> {
	return emergingAnswerSchema.parse(
		await getJson(emergingUrl(q), 'Emerging hot-spot analysis', signal)
	);
}

/** Cells per bin, +3 to −3, as the legend lists them. */
export function cellsPerBin(bins: readonly number[]): Map<number, number> {
	const out = new Map<number, number>([3, 2, 1, 0, -1, -2, -3].map((b) => [b, 0]));
	for (const b of bins) out.set(b, (out.get(b) ?? 0) + 1);
	return out;
}
