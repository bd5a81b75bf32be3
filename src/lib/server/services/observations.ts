/**
 * Observations for the map: located, not rejected intelligence reports in the visible box (and area and
 * days), newest first, at most `OBSERVATIONS_LIMIT`. Handling follows the disclosure policy: handling
 * code C only for users allowed restricted records (others get them counted in `withheld`), the
 * sanitised text for everyone else where one was written, the user's area limits applied, and every
 * answer that shows records is audited (`observations.view`).
 */
import type { Queryable } from '../db/client';
import { observationsInBox } from '../db/queries/observations';
import { allowedAreaIds } from '../auth/areas';
import { recordAudit, type AuditOrigin } from '../auth/audit';
import { audienceFor, filterRecords, observationAccess } from '../auth/disclosure';
import { hasPermission, type AuthUser } from '../auth/permissions';
import {
	OBSERVATIONS_LIMIT,
	type ObservationsAnswer,
	type ObservationsQuery
} from '../../schemas/observations';
import { ServiceError } from './errors';
import { resolveAreas } from './hotspots';

/**
 * @example
 * const a = await observationsForMap(db, user, { bbox: [-0.12, 51.5, -0.07, 51.53] }, origin);
 * a.items[0].grading; // { sourceEvaluation: 2, intelligenceAssessment: 'B', handlingCode: 'P' }
 */
export async function observationsForMap(
	db: Queryable,
	user: AuthUser,
	q: ObservationsQuery,
	origin: AuditOrigin
): Promise<ObservationsAnswer> {
	const audience = audienceFor(user);
	// Exact points: never for a public audience, whatever the route table says.
	if (audience === 'public' || !hasPermission(user, 'map:view')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not include the map.', 403);
	}
	if (q.from && q.to && q.from > q.to) {
		throw new ServiceError('E_DATE_RANGE', 'from: must not be after `to`');
	}
	const areaId = q.area === undefined ? null : (await resolveAreas(db, [String(q.area)]))[0].id;
	const access = observationAccess(user, audience);
	const found = await observationsInBox(db, {
		bbox: q.bbox,
		from: q.from,
		to: q.to,
		areaId,
		allowedAreaIds: allowedAreaIds(user),
		includeRestricted: access.includeRestricted,
		rawText: access.recordedText,
		limit: OBSERVATIONS_LIMIT
	});
	// The query already left restricted rows out for this user; the policy function has the last word.
	const kept = filterRecords(
		found.rows.map((r) => ({ ...r, sensitive: false })),
		user,
		audience
	);
	const withheld = (access.includeRestricted ? 0 : found.restricted) + kept.withheld;
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
	if (items.length > 0) {
		await recordAudit(db, {
			actor: user,
			action: 'observations.view',
			object: `bbox:${q.bbox.join(',')}`,
			detail: {
				bbox: q.bbox,
				from: q.from ?? null,
				to: q.to ?? null,
				area: areaId,
				returned: items.length,
				records: items.map((i) => i.id),
				restrictedShown: items.filter((i) => i.grading.handlingCode !== 'P').length,
				withheld,
				areaIds: allowedAreaIds(user)
			},
			origin
		});
	}
	return {
		total: found.total - (access.includeRestricted ? 0 : found.restricted) - kept.withheld,
		withheld,
		limit: OBSERVATIONS_LIMIT,
		items
	};
}
