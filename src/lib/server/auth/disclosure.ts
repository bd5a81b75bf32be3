/**
 * What may leave the product, by audience (DESIGN §5). Briefing, export and public-output code call these
 * functions; they decide, callers do not re-implement the rules.
 *
 * - Audiences: `internal` (staff roles seeing the workspace) and `public` (community team outputs,
 *   anything published).
 * - Small counts: public outputs publish every count perturbed by the cell-key method (`./cell-key`):
 *   no count from 1 to `threshold - 1` is published (default threshold 5, `BEATWISE_SUPPRESS_BELOW`),
 *   0 stays 0, and the same records get the same noise in every table, so no difference of public
 *   answers (resolutions, periods, totals) recovers a small count.
 * - Sensitive categories (sexual offences, domestic abuse, offences involving children, …): in public
 *   outputs only at H3 resolution `SENSITIVE_MAX_PUBLIC_RES` or coarser, or per area; never as records.
 * - Records with handling code C or marked sensitive reach only internal users holding
 *   `incidents:restricted`, and never public outputs or exports for a public audience.
 */
import { perturb } from './cell-key';
import { hasPermission, type AuthUser } from './permissions';

export type Audience = 'internal' | 'public';

/** Default small-count threshold: no count below it (and above 0) is published (`./cell-key`). */
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

/** A count with the sum of its records' keys (the cell-key method, `./cell-key`). */
export interface KeyedCount {
	n: number;
	keySum: number;
}

/**
 * A count as a public output publishes it: perturbed by the cell-key method, so 0 stays 0, no value
 * from 1 to `threshold - 1` is ever published, and the same records get the same value in every table
 * (differences between tables reveal nothing; issue 10, docs/security.md).
 */
export function disclosePublicCount(c: KeyedCount, threshold = DEFAULT_SUPPRESS_BELOW): number {
	return perturb(c.n, c.keySum, threshold);
}

/**
 * Cell counts for a public output: sensitive records removed at fine resolutions (their keys with
 * them, so the cell key is that of the records counted), then perturbed. `sensitive` and
 * `sensitiveKeySum` are the part of `n` and `keySum` that are sensitive records.
 */
export function disclosePublicCellCount(
	cell: KeyedCount & { sensitive: number; sensitiveKeySum: number; res: number },
	threshold = DEFAULT_SUPPRESS_BELOW
): number {
	const all = sensitiveAllowedAt({ kind: 'cell', res: cell.res }, 'public');
	return disclosePublicCount(
		all ? cell : { n: cell.n - cell.sensitive, keySum: cell.keySum - cell.sensitiveKeySum },
		threshold
	);
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
