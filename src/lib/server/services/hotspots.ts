/**
 * Hot spots for one user job: "where are incidents concentrated, beyond chance, in this area and
 * period?" Getis-Ord Gi* with Benjamini–Hochberg FDR over an explicit study area (DESIGN §4, the
 * study helpers in `server/study/`), counts from the cell × day rollup.
 */
import { getisOrd, type GetisOrdParameters } from '../analysis/getis-ord';
import type { Database } from '../db/client';
import { rollupVersion } from '../db/queries/analysis-study';
import { ServiceError } from '../errors';
import {
	checkCategories,
	checkRes,
	resolveStudyArea,
	studyParameters,
	type StudyParameters,
	type StudyRequest
} from '../study/area';
import { registerCache, studyCounts, studyWeights } from '../study/caches';
import { Lru } from '../study/lru';
import { resolvePeriod } from '../study/period';

/** Whole answers per (study area, period, categories, k, alpha, fdr, rollup version). */
const answersCache = registerCache(
	'data',
	new Lru<string, HotspotsResult>(32, 1_000_000, (a) => a.cells.length)
);

export interface HotspotsRequest extends StudyRequest {
	/** gridDisk distance of the neighbourhood. Default 1. */
	k?: number;
	/** Largest (adjusted) p that gets a non-zero bin. Default 0.10. */
	alpha?: number;
	/** Benjamini–Hochberg FDR. Default true. */
	fdr?: boolean;
}

export interface HotspotsResult {
	parameters: StudyParameters &
		Omit<GetisOrdParameters, 'n' | 'variant' | 'weights'> & {
			statistic: 'Gi*';
			k: number;
			weights: 'binary gridDisk(k) ∩ study area, self included';
			degenerate: number;
			/** What came from the caches; `answer`: the whole answer (then weights and counts too). */
			cache: { weights: boolean; counts: boolean; answer: boolean };
		};
	summary: { total: number; hot: [number, number, number]; cold: [number, number, number] };
	/** Columnar: `cells[i]` has `counts[i]`, `z[i]`, … */
	cells: string[];
	counts: number[];
	z: number[];
	p: number[];
	pAdjusted: number[];
	bin: number[];
}

/**
 * Gi* hot spots for an area or bbox, a period, categories and a resolution. The same request against
 * the same rollup and areas is answered from a cache; cached answers are shared, so callers must not
 * change the arrays they get.
 *
 * @example
 * const r = await hotspotsForArea(db, { area: ['district:*'], res: 8, from: '2019-01-01', to: '2019-12-31' });
 * r.cells[0], r.z[0], r.bin[0]; // a cell, its Gi* z-score and confidence bin (±3/±2/±1)
 */
export async function hotspotsForArea(db: Database, q: HotspotsRequest): Promise<HotspotsResult> {
	const { k = 1, alpha = 0.1, fdr = true } = q;
	if (!Number.isInteger(k) || k < 1 || k > 5)
		throw new ServiceError('E_PARAMETER', `k: must be a whole number from 1 to 5, got ${k}`);
	if (!(alpha > 0 && alpha <= 1))
		throw new ServiceError('E_PARAMETER', `alpha: must be a number in (0, 1], got ${alpha}`);
	const categories = checkCategories(q.categories);
	checkRes(q.res);
	const period = await resolvePeriod(db, q.from, q.to);
	const study = await resolveStudyArea(db, q);
	const version = await rollupVersion(db);
	const answerKey = `${study.key}|${study.res}|${period.from}|${period.to}|${categories?.join(',') ?? '*'}|${k}|${alpha}|${fdr}|${version}`;
	const answer = answersCache.get(answerKey);
	// The parameters name the areas or bbox asked for, which another request for the same cells may
	// have spelt differently (`district:*` or the ids).
	if (answer)
		return {
			...answer,
			parameters: {
				...answer.parameters,
				...studyParameters(study, period, categories, q),
				cache: { weights: true, counts: true, answer: true }
			}
		};
	const { weights, cached: weightsCached } = studyWeights(study, k);
	const { counts, cached: countsCached } = await studyCounts(
		db,
		study,
		period,
		categories,
		version
	);
	const g = getisOrd(counts, weights, { fdr, alpha });
	const hot: [number, number, number] = [0, 0, 0];
	const cold: [number, number, number] = [0, 0, 0];
	let total = 0;
	for (let i = 0; i < g.bin.length; i++) {
		total += counts[i];
		const b = g.bin[i];
		if (b > 0) hot[b - 1]++;
		else if (b < 0) cold[-b - 1]++;
	}
	const result: HotspotsResult = {
		parameters: {
			...studyParameters(study, period, categories, q),
			statistic: 'Gi*',
			k,
			weights: 'binary gridDisk(k) ∩ study area, self included',
			fdr,
			alpha,
			mean: g.parameters.mean,
			sd: g.parameters.sd,
			degenerate: g.degenerate,
			cache: { weights: weightsCached, counts: countsCached, answer: false }
		},
		summary: { total, hot, cold },
		cells: study.cells,
		counts: Array.from(counts),
		z: Array.from(g.z),
		p: Array.from(g.p),
		pAdjusted: Array.from(g.pAdjusted),
		bin: Array.from(g.bin)
	};
	answersCache.set(answerKey, result);
	return result;
}
