/**
 * The audit log as people read it: who, what, which area, which period, when, from where; the stored
 * detail stays available beside each line for an investigator.
 */
import type { AuditRow } from '../db/queries/audit';

export interface AuditLine {
	id: number;
	/** ISO time (UTC). */
	at: string;
	who: string;
	/** The action in words, with its outcome and size ("Viewed 12 incident records"). */
	what: string;
	/** The area, cell or box it concerned ('' when none). */
	area: string;
	/** The period it covered ('' when none). */
	period: string;
	action: string;
	ip: string | null;
	userAgent: string | null;
	/** The stored detail, as JSON. */
	detail: string;
}

const STATISTICS: Record<string, string> = {
	hotspots: 'hot spots (Gi*)',
	emerging: 'emerging hot spots',
	trends: 'trends (CompStat or trend map)',
	change: 'change map',
	'near-repeat': 'near-repeat test (Knox)',
	profile: 'time profile',
	'shift-risk': 'shift risk ranking',
	neighbourhood: 'neighbourhood briefing'
};

const FAILURES: Record<string, string> = {
	'unknown-user': 'unknown user',
	'wrong-password': 'wrong password',
	disabled: 'account disabled'
};

type Detail = Record<string, unknown>;

const str = (v: unknown): string | null =>
	typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const count = (n: unknown, one: string, many = `${one}s`): string =>
	typeof n === 'number' ? `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}` : many;

function areaOf(action: string, object: string | null, d: Detail): string {
	if (Array.isArray(d.areas) && d.areas.length) {
		return d.areas
			.map((a: Detail) => str(a?.name) ?? [str(a?.kind), str(a?.code)].filter(Boolean).join(':'))
			.join(', ');
	}
	const one = d.area as Detail | string | string[] | null | undefined;
	if (one && typeof one === 'object' && !Array.isArray(one) && str(one.name)) return str(one.name)!;
	if (Array.isArray(one) && one.length) return one.join(', ');
	if (typeof one === 'string' && one) return one;
	if (str(d.cell))
		return `cell ${str(d.cell)}${typeof d.res === 'number' ? ` (res ${d.res})` : ''}`;
	if (Array.isArray(d.bbox) && d.bbox.length === 4)
		return `box ${d.bbox.map((x) => (typeof x === 'number' ? x.toFixed(4) : String(x))).join(', ')}`;
	if (str(d.kind) && action === 'analysis.run') return `every ${str(d.kind)}`;
	if (object?.startsWith('cell:')) return `cell ${object.slice(5)}`;
	return '';
}

function periodOf(d: Detail): string {
	const from = str(d.from);
	const to = str(d.to);
	if (from && to) return from === to ? from : `${from} – ${to}`;
	if (from) return `from ${from}`;
	if (to) return `to ${to}`;
	if (str(d.date)) return `on ${str(d.date)}`;
	return '';
}

function whatOf(action: string, object: string | null, d: Detail): string {
	const refused = d.outcome === 'refused' ? ` — refused: ${str(d.message) ?? ''}` : '';
	switch (action) {
		case 'analysis.run':
			return `Ran ${STATISTICS[str(d.statistic) ?? object ?? ''] ?? str(d.statistic) ?? object ?? 'a statistic'}${refused}`;
		case 'login.success':
			return `Signed in${str(d.role) ? ` (${str(d.role)})` : ''}`;
		case 'login.failure':
			return `Sign-in failed (${FAILURES[str(d.reason) ?? ''] ?? str(d.reason) ?? 'unknown reason'})`;
		case 'login.blocked':
			return `Sign-in blocked after repeated failures${typeof d.retryAfterSeconds === 'number' ? ` (retry in ${d.retryAfterSeconds} s)` : ''}`;
		case 'logout':
			return 'Signed out';
		case 'password.change':
			return 'Changed their password';
		case 'user.create':
			return `Created account ${object?.replace(/^user:/, '') ?? ''}${str(d.role) ? ` (${str(d.role)})` : ''}`;
		case 'user.update':
			return `Changed account ${object?.replace(/^user:/, '') ?? ''}`;
		case 'user.disable':
			return `Disabled account ${object?.replace(/^user:/, '') ?? ''}`;
		case 'user.enable':
			return `Enabled account ${object?.replace(/^user:/, '') ?? ''}`;
		case 'user.password-reset':
			return `Reset the password of ${object?.replace(/^user:/, '') ?? ''}`;
		case 'incidents.view':
			return `Viewed ${count(d.returned, 'incident record')}`;
		case 'observations.view':
			return `Viewed ${count(d.returned, 'observation')}${str(d.view) ? ` (${str(d.view)} page)` : ''}`;
		case 'export':
			return `Exported ${count(d.rows, 'row')} of ${str(d.kind) ?? 'data'}`;
		case 'import':
			return d.error
				? `Import of ${str(d.file) ?? object ?? 'a file'} failed`
				: `Imported ${str(d.file) ?? object ?? 'a file'}: ${count(d.imported, 'row')} of ${typeof d.total === 'number' ? d.total.toLocaleString('en-GB') : '?'}`;
		case 'import.areas':
			return d.error
				? `Import of areas from ${object ?? 'a file'} failed`
				: `Imported ${count(d.areas, 'area')} from ${object ?? 'a file'}`;
		case 'import.observations':
			return `Imported observations from ${object ?? 'a file'}`;
		case 'access.no-rule':
			return `Refused ${str(d.method) ?? 'a request'} to ${object ?? 'a route'} (no permission rule)`;
		default:
			return object ? `${action} ${object}` : action;
	}
}

/**
 * One readable line of the audit log.
 *
 * @example
 * describeAudit({ action: 'analysis.run', object: 'hotspots', detail: { statistic: 'hotspots',
 *   areas: [{ name: 'City of London' }], from: '2020-01-01', to: '2020-12-31', outcome: 'ok' }, … });
 * // { what: 'Ran hot spots (Gi*)', area: 'City of London', period: '2020-01-01 – 2020-12-31', … }
 */
export function describeAudit(row: AuditRow): AuditLine {
	const d = (row.detail && typeof row.detail === 'object' ? row.detail : {}) as Detail;
	return {
		id: row.id,
		at: row.at.toISOString(),
		who: row.username ?? '—',
		what: whatOf(row.action, row.object, d),
		area: areaOf(row.action, row.object, d),
		period: periodOf(d),
		action: row.action,
		ip: row.ip,
		userAgent: row.userAgent,
		detail: JSON.stringify(d)
	};
}
