/**
 * What may leave the product, by audience (DESIGN §5). Briefing, export and public-output code call these
 * functions; they decide, callers do not re-implement the rules.
 *
 * - Audiences: `internal` (staff roles seeing the workspace) and `public` (community team outputs,
 *   anything published).
 * - Small counts: in public outputs a count from 1 to `threshold - 1` is shown as `"<threshold"` (with
 *   the default threshold 5: 1–4 become "<5"); 0 stays 0, so absence is not hidden.
 * - Sensitive categories (sexual offences, domestic abuse, offences involving children, …): in public
 *   outputs only at H3 resolution `SENSITIVE_MAX_PUBLIC_RES` or coarser, or per area; never as records.
 * - Records with handling code C or marked sensitive reach only internal users holding
 *   `incidents:restricted`, and never public outputs or exports for a public audience.
 */
import { hasPermission, type AuthUser } from './permissions';

export type Audience = 'internal' | 'public';

/** Default small-count threshold: counts below it (and above 0) are suppressed in public outputs. */
export const DEFAULT_SUPPRESS_BELOW = 5;

/**
 * Finest H3 resolution at which sensitive categories may appear in public outputs. Resolution 7 cells
 * are about 5 km² (edge ~1.4 km): too coarse to point at a household.
 */
export const SENSITIVE_MAX_PUBLIC_RES = 7;

/** The audience of what a user sees in the product: the community team's outputs are public ones. */
export function audienceFor(user: Pick<AuthUser, 'role'>): Audience {
	return user.role === 'community' ? 'public' : 'internal';
}

export type DisclosedCount = number | `<${number}`;

/**
 * A count as it may be shown to `audience`.
 * @example discloseCount(3, 'public') // "<5"
 * @example discloseCount(3, 'internal') // 3
 * @example discloseCount(0, 'public') // 0
 */
export function discloseCount(
	n: number,
	audience: Audience,
	threshold = DEFAULT_SUPPRESS_BELOW
): DisclosedCount {
	if (!Number.isFinite(n) || n < 0)
		throw new RangeError(`count must be a non-negative number: ${n}`);
	if (audience === 'internal' || n === 0 || n >= threshold) return n;
	return `<${threshold}`;
}

/** Whether a count would be suppressed for `audience`. */
export function isSuppressed(
	n: number,
	audience: Audience,
	threshold = DEFAULT_SUPPRESS_BELOW
): boolean {
	return typeof discloseCount(n, audience, threshold) === 'string';
}

/**
 * Suppress a table's counts, and its total when a suppressed row could be recovered by subtraction
 * (exactly one suppressed row and a shown total gives it away, so the total is banded too).
 */
export function discloseTable<K extends string>(
	rows: Record<K, number>,
	audience: Audience,
	threshold = DEFAULT_SUPPRESS_BELOW
): { rows: Record<K, DisclosedCount>; total: DisclosedCount } {
	const out = {} as Record<K, DisclosedCount>;
	let total = 0;
	let suppressed = 0;
	for (const k of Object.keys(rows) as K[]) {
		const n = rows[k];
		total += n;
		out[k] = discloseCount(n, audience, threshold);
		if (typeof out[k] === 'string') suppressed++;
	}
	let shownTotal: DisclosedCount = discloseCount(total, audience, threshold);
	if (audience === 'public' && suppressed === 1 && typeof shownTotal === 'number') {
		// Round down to a multiple of the threshold so the hidden row cannot be worked out.
		shownTotal = `<${Math.floor(total / threshold) * threshold + threshold}` as DisclosedCount;
	}
	return { rows: out, total: shownTotal };
}

/** Where a count is placed: on an H3 cell of some resolution, or on a named area. */
export type Placement = { kind: 'cell'; res: number } | { kind: 'area' };

/**
 * Whether counts of sensitive categories may be shown at `placement` to `audience`.
 * @example sensitiveAllowedAt({ kind: 'cell', res: 9 }, 'public') // false
 * @example sensitiveAllowedAt({ kind: 'cell', res: 7 }, 'public') // true
 * @example sensitiveAllowedAt({ kind: 'area' }, 'public') // true
 */
export function sensitiveAllowedAt(placement: Placement, audience: Audience): boolean {
	if (audience === 'internal') return true;
	return placement.kind === 'area' || placement.res <= SENSITIVE_MAX_PUBLIC_RES;
}

export interface RecordMarks {
	handlingCode: string;
	sensitive: boolean;
}

/** Handling code C or a sensitive category. */
export function isRestricted(r: RecordMarks): boolean {
	return r.handlingCode.toUpperCase() !== 'P' || r.sensitive;
}

/**
 * Whether one incident record may be shown to `user` (incident detail) or go into an output for
 * `audience` (exports, briefings). Public audiences never get records that are restricted.
 */
export function mayDiscloseRecord(
	r: RecordMarks,
	user: Pick<AuthUser, 'role'>,
	audience: Audience = audienceFor(user)
): boolean {
	if (!isRestricted(r)) return true;
	return audience === 'internal' && hasPermission(user, 'incidents:restricted');
}

/** Records that may go to `user`/`audience`, and how many were withheld. */
export function filterRecords<T extends RecordMarks>(
	records: T[],
	user: Pick<AuthUser, 'role'>,
	audience: Audience = audienceFor(user)
): { records: T[]; withheld: number } {
	const kept = records.filter((r) => mayDiscloseRecord(r, user, audience));
	return { records: kept, withheld: records.length - kept.length };
}

/**
 * Cell counts for a public output: sensitive counts removed at fine resolutions, then small counts
 * suppressed. `sensitive` is how many of `n` are sensitive records (as `cell_counts.sensitive`).
 */
export function disclosePublicCellCount(
	cell: { n: number; sensitive: number; res: number },
	threshold = DEFAULT_SUPPRESS_BELOW
): DisclosedCount {
	const n = sensitiveAllowedAt({ kind: 'cell', res: cell.res }, 'public')
		? cell.n
		: cell.n - cell.sensitive;
	return discloseCount(Math.max(0, n), 'public', threshold);
}

/** What of observations (graded intelligence reports) may reach a user or audience. */
export interface ObservationAccess {
	/** Handling code C observations are included (otherwise they are withheld and counted). */
	includeRestricted: boolean;
	/** The text as recorded; otherwise the sanitised text where one was written. */
	recordedText: boolean;
}

/**
 * Observations for `user` (null: a public output with no user behind it): handling code C and the text
 * as recorded only for internal users holding `incidents:restricted`; everyone else gets handling code
 * P only, with the sanitised text when there is one.
 * @example observationAccess({ role: 'viewer' }) // { includeRestricted: false, recordedText: false }
 * @example observationAccess({ role: 'analyst' }) // { includeRestricted: true, recordedText: true }
 */
export function observationAccess(
	user: Pick<AuthUser, 'role'> | null,
	audience: Audience = user ? audienceFor(user) : 'public'
): ObservationAccess {
	const restricted =
		user !== null && mayDiscloseRecord({ handlingCode: 'C', sensitive: false }, user, audience);
	return { includeRestricted: restricted, recordedText: restricted };
}
