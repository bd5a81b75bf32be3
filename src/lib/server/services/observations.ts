/**
 * Observations for the map: located, not rejected intelligence reports in the visible box (and area and
 * days), newest first, at most `OBSERVATIONS_LIMIT`. The read scope decides (`auth/read-scope.ts`):
 * handling code C and the recorded text only for users allowed restricted records, the sanitised text
 * for everyone else where one was written, the user's area limits applied, no count of withheld
 * records for users who may not see them (it would place them), and every query audited
 * (`observations.view`), also one that found nothing.
 */
import type { Queryable } from '../db/client';
import { observationsInBox } from '../db/queries/observations';
import { filterRecords } from '../auth/disclosure';
import { hasPermission } from '../auth/permissions';
import type { ReadScope } from '../auth/read-scope';
import {
	OBSERVATIONS_LIMIT,
	type ObservationsAnswer,
	type ObservationsQuery
} from '../../contracts/observations';
import { ServiceError } from '../errors';
import { resolveAreas } from '../study/area';

/**
 * @example
 * const a = await observationsForMap(db, scopeFor(user, origin), { bbox: [-0.12, 51.5, -0.07, 51.53] });
 * a.items[0].grading; // { sourceEvaluation: 2, intelligenceAssessment: 'B', handlingCode: 'P' }
 */
export async function observationsForMap(
	db: Queryable,
	scope: ReadScope,
	q: ObservationsQuery
): Promise<ObservationsAnswer> {
	const { user, audience } = scope;
	// Exact points: never for a public audience, whatever the route table says.
	if (audience === 'public' || !hasPermission(user, 'map:view')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not include the map.', 403);
	}
	if (q.from && q.to && q.from > q.to) {
		throw new ServiceError('E_DATE_RANGE', 'from: must not be after `to`');
	}
	const areaId = q.area === undefined ? null : (await resolveAreas(db, [String(q.area)]))[0].id;
	const found = await observationsInBox(db, {
		bbox: q.bbox,
		from: q.from,
		to: q.to,
		areaId,
		allowedAreaIds: scope.areaIds,
		includeRestricted: scope.restricted,
		rawText: scope.recordedText,
		limit: OBSERVATIONS_LIMIT
	});
	// The query already left restricted rows out for this user; the policy function has the last word.
	const kept = filterRecords(
		found.rows.map((r) => ({ ...r, sensitive: false })),
		user,
		audience
	);
	const withheld = (scope.restricted ? 0 : found.restricted) + kept.withheld;
	const items = kept.records.map((r) => ({
		id: r.id,
		observedAt: r.observedAt,
		lon: r.lon,
		lat: r.lat,
		text: r.text,
		source: r.source,
		sourceCategory: r.sourceCategory,
		grading: {
			sourceEvaluation: r.sourceEvaluation,
			intelligenceAssessment: r.intelligenceAssessment,
			handlingCode: r.handlingCode
		},
		reviewStatus: r.reviewStatus
	}));
	await scope.audit(db, 'observations.view', `bbox:${q.bbox.join(',')}`, {
		bbox: q.bbox,
		from: q.from ?? null,
		to: q.to ?? null,
		area: areaId,
		returned: items.length,
		records: items.map((i) => i.id),
		restrictedShown: items.filter((i) => i.grading.handlingCode !== 'P').length,
		withheld
	});
	return {
		total: found.total - (scope.restricted ? 0 : found.restricted) - kept.withheld,
		withheld: scope.tellWithheld ? withheld : null,
		limit: OBSERVATIONS_LIMIT,
		items
	};
}
