/**
 * Hot spots for one user job: "where are incidents concentrated, beyond chance, in this area and
 * period?" Getis-Ord Gi* with Benjamini–Hochberg FDR over an explicit study area (DESIGN §4, the
 * study helpers in `server/study/`), counts from the cell × day rollup.
 */
import type { HotspotsAnswer, ReportLayer } from '../../contracts/hotspots';
import { getisOrd } from '../analysis/getis-ord';
import type { SpatialWeights } from '../analysis/weights';
import type { Database } from '../db/client';
import { rollupVersion } from '../db/queries/areas-study';
import { acceptedObservationCounts } from '../db/queries/observations';
import type { ReadScope } from '../auth/read-scope';
import { hasPermission } from '../auth/permissions';
import { ServiceError } from '../errors';
import {
	checkCategories,
	checkRes,
	resolveStudyArea,
	studyParameters,
	type StudyRequest
} from '../study/area';
import { registerCache, studyCounts, studyWeights } from '../study/caches';
import { Lru } from '../study/lru';
import { resolvePeriod } from '../study/period';

/** Whole answers per (study area, period, categories, k, alpha, fdr, rollup version). */
const answersCache = registerCache(
	'data',
	new Lru<string, HotspotsAnswer>(32, 1_000_000, (a) => a.cells.length)
);

export interface HotspotsRequest extends StudyRequest {
	/** gridDisk distance of the neighbourhood. Default 1. */
	k?: number;
	/** Largest (adjusted) p that gets a non-zero bin. Default 0.10. */
	alpha?: number;
	/** Benjamini–Hochberg FDR. Default true. */
	fdr?: boolean;
	/**
	 * `accepted`: also a separate Gi* over the accepted intelligence reports (after review) in the same
	 * study cells, period and categories, counted apart from recorded crime (needs a read scope).
	 */
	observations?: 'accepted';
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
export async function hotspotsForArea(
	db: Database,
	q: HotspotsRequest,
	scope?: ReadScope
): Promise<HotspotsAnswer> {
	const crime = await crimeHotspots(db, q);
	if (q.observations !== 'accepted') return crime;
	if (!scope || scope.audience === 'public' || !hasPermission(scope.user, 'map:view'))
		throw new ServiceError(
			'E_FORBIDDEN',
			'observations: intelligence reports are not part of your role; ask without `observations`',
			403
		);
	const { k = 1, alpha = 0.1, fdr = true } = q;
	const study = await resolveStudyArea(db, q);
	const { weights } = studyWeights(study, k);
	const observations = await observationLayer(db, scope, study.cells, weights, {
		res: study.res,
		from: crime.parameters.from,
		to: crime.parameters.to,
		categories: checkCategories(q.categories),
		fdr,
		alpha
	});
	return { ...crime, observations };
}

/** Accepted reports per study cell and their own Gi* (same weights, FDR and alpha as the crimes'). */
async function observationLayer(
	db: Database,
	scope: ReadScope,
	cells: readonly string[],
	weights: SpatialWeights,
	o: {
		res: number;
		from: string;
		to: string;
		categories: string[] | null;
		fdr: boolean;
		alpha: number;
	}
): Promise<ReportLayer> {
	const { perCell, withheld } = await acceptedObservationCounts(db, {
		res: o.res,
		from: o.from,
		to: o.to,
		categories: o.categories,
		allowedAreaIds: scope.areaIds,
		includeRestricted: scope.restricted
	});
	const counts = cells.map((c) => perCell.get(c) ?? 0);
	const g = getisOrd(counts, weights, { fdr: o.fdr, alpha: o.alpha });
	const hot: [number, number, number] = [0, 0, 0];
	const cold: [number, number, number] = [0, 0, 0];
	for (const b of g.bin) {
		if (b > 0) hot[b - 1]++;
		else if (b < 0) cold[-b - 1]++;
	}
	const total = counts.reduce((a, b) => a + b, 0);
	return {
		input: 'accepted intelligence reports (after review), counted apart from recorded crime',
		label: `${total} accepted report${total === 1 ? '' : 's'} (not crimes)`,
		rule: `accepted or reviewed, not merged, located reports observed ${o.from} to ${o.to}${o.categories ? ` with a category in ${o.categories.join(', ')}` : ''}; inside your area limits; handling code C ${scope.restricted ? 'included' : 'left out'}`,
		total,
		withheld: scope.tellWithheld ? withheld : null,
		summary: { hot, cold },
		degenerate: g.degenerate,
		counts,
		z: Array.from(g.z),
		p: Array.from(g.p),
		pAdjusted: Array.from(g.pAdjusted),
		bin: Array.from(g.bin)
	};
}

/** Gi* over the recorded crime (the cached part: it does not depend on the reader). */
async function crimeHotspots(db: Database, q: HotspotsRequest): Promise<HotspotsAnswer> {
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
	const result: HotspotsAnswer = {
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
