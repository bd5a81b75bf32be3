/**
 * THE decision for every read of records or text (incident lists, incident exports, observations on the
 * map and in the neighbourhood view): which areas, which handling codes, which text, whether the answer
 * may say how many records were left out, and the audit entry. Routes and page loads that return
 * records or text call `readScope(locals, event)` and hand the scope to their service; services take
 * their limits from the scope, never from the user directly. The authorisation tests classify every
 * route (tests/security/routes.ts) and generate area-limit cases for each one that returns records.
 *
 * - Area limits: a user with area ids reads records only inside those areas (`areaIds`; null:
 *   everywhere). Aggregates (counts per cell or area, statistics) are not area-limited.
 * - Handling: restricted records (handling code C, sensitive categories) and the text as recorded only
 *   for internal users holding `incidents:restricted` (`disclosure.ts` decides).
 * - Withheld counts: only users who may see restricted records are told how many were left out; the
 *   others get no count of restricted records for a box, a cell or a day, which would place them.
 * - Audit: every read is audited through `audit`, also when it found nothing.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import type { Queryable } from '../db/client';
import { allowedAreaIds } from './areas';
import { recordAudit, type AuditOrigin } from './audit';
import { audienceFor, observationAccess, type Audience } from './disclosure';
import { hasPermission, type AuthUser } from './permissions';
import { auditOrigin } from './request';

/** The audit actions of reads. */
export type ReadAction =
	| 'incidents.view'
	| 'observations.view'
	| 'export'
	| 'product.list'
	| 'product.view'
	| 'product.download';

export interface ReadScope {
	readonly user: AuthUser;
	readonly audience: Audience;
	/** Areas this user reads records in; null: everywhere. */
	readonly areaIds: number[] | null;
	/** Restricted records (incidents: handling code C or sensitive; observations: handling code C). */
	readonly restricted: boolean;
	/** Observations: the text as recorded; otherwise the sanitised text where one was written. */
	readonly recordedText: boolean;
	/**
	 * Whether answers may count restricted records left out. False for users without restricted
	 * access: a count for a small box or one day would locate restricted intelligence.
	 */
	readonly tellWithheld: boolean;
	readonly origin: AuditOrigin;
	/** Audit one read (the scope's area limits are added to `detail`). */
	audit(
		db: Queryable,
		action: ReadAction,
		object: string,
		detail: Record<string, unknown>
	): Promise<void>;
}

/**
 * The read scope of `user` from `origin`; `readScope` for a request. Scripts and tests use this one.
 * @example scopeFor(analyst, origin).restricted // true
 * @example scopeFor({ ...officer, areaIds: [3] }, origin).areaIds // [3]
 */
export function scopeFor(user: AuthUser, origin: AuditOrigin): ReadScope {
	const audience = audienceFor(user);
	const access = observationAccess(user, audience);
	const restricted =
		audience === 'internal' &&
		hasPermission(user, 'incidents:restricted') &&
		access.includeRestricted;
	const areaIds = allowedAreaIds(user);
	return {
		user,
		audience,
		areaIds,
		restricted,
		recordedText: access.recordedText,
		tellWithheld: restricted,
		origin,
		audit: (db, action, object, detail) =>
			recordAudit(db, {
				actor: user,
				action,
				object,
				detail: { ...detail, areaIds },
				origin
			})
	};
}

/** The read scope of a request's signed-in user (401 when there is none). */
export function readScope(
	locals: Pick<App.Locals, 'user'>,
	event: Pick<RequestEvent, 'getClientAddress' | 'request'>
): ReadScope {
	if (!locals.user) error(401, 'Sign in to use Beatwise.');
	return scopeFor(locals.user, auditOrigin(event));
}
