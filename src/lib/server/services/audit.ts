/**
 * The audit trail as administrators read it: search by user, action (exact, or a prefix ending in
 * "."), date range (whole days, UTC), paged, each entry as a readable line (who, what, which area and
 * period, when) with its stored detail; the actions that occur; sign-in blocks of the last week.
 */
import type { Queryable } from '../db/client';
import { auditActions, searchAudit } from '../db/queries/audit';
import { recentSignInBlocks } from '../db/queries/sign-in-blocks';
import { describeAudit } from '../auth/audit-view';

export interface AuditSearchRequest {
	user?: string;
	action?: string;
	/** Whole days, UTC: from the start of `from` to the end of `to`. */
	from?: string;
	to?: string;
	page: number;
	pageSize: number;
}

/** The start of the day after `day`, or undefined past year 9999 (no upper bound then). */
function dayAfter(day: string): Date | undefined {
	const d = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
	return d.getUTCFullYear() > 9999 ? undefined : d;
}

/** The actions that occur in the trail and the sign-in blocks of the last seven days. */
export async function auditContext(db: Queryable, now = new Date()) {
	const actions = await auditActions(db);
	const blocks = (
		await recentSignInBlocks(db, { since: new Date(now.getTime() - 7 * 86_400_000), limit: 20 })
	).map((b) => ({
		...b,
		windowStart: b.windowStart.toISOString(),
		firstAt: b.firstAt.toISOString(),
		lastAt: b.lastAt.toISOString()
	}));
	return { actions, blocks };
}

/** One page of audit entries matching the request, described for reading. */
export async function auditTrail(db: Queryable, q: AuditSearchRequest) {
	const result = await searchAudit(db, {
		username: q.user || undefined,
		action: q.action || undefined,
		from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
		to: q.to ? dayAfter(q.to) : undefined,
		page: q.page,
		pageSize: q.pageSize
	});
	return {
		rows: result.rows.map((r) => ({ ...describeAudit(r), object: r.object })),
		total: result.total
	};
}
