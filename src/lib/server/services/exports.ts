/**
 * CSV exports: what leaves the product as a file (DESIGN §5, issue 5).
 *
 * - Incident records of one cell or one area need `export:create` and `incidents:detail`, keep to the
 *   user's areas, and never carry restricted records (handling code other than P, or a sensitive
 *   category) whatever the role: a file cannot be recalled once it has left. How many were withheld is
 *   reported.
 * - Cell counts need `export:create`: exact from the rollup for an `internal` audience; for a `public`
 *   audience from the incidents with their record keys, through the disclosure policy (sensitive
 *   categories only at coarse cells, every count perturbed by the cell-key method).
 * - Both have a hard row cap and are audited (`export`) with their filters, rows and withheld count.
 */
import { cellToLatLng, getResolution, isValidCell } from 'h3-js';
import type { Queryable } from '../db/client';
import { findAreas } from '../db/queries/areas';
import { rollupRange } from '../db/queries/cells';
import { keyedCellCounts } from '../db/queries/incidents-keyed';
import {
	cellCountsForExport,
	countIncidentsByMarks,
	listIncidentsForExport,
	type IncidentExportFilter
} from '../db/queries/incidents-export';
import { recordAudit } from '../auth/audit';
import type { ReadScope } from '../auth/read-scope';
import {
	disclosePublicCellCount,
	filterRecords,
	isRestricted,
	sensitiveAllowedAt,
	type Audience
} from '../auth/disclosure';
import { env } from '../env';
import { hasPermission, type AuthUser } from '../auth/permissions';
import { toCsv, type CsvValue } from '../export/csv';
import type { BBox } from '../../contracts/cells';
import {
	asPublicPeriod,
	EXPORT_CELLS_MAX_RES,
	EXPORT_CELLS_MIN_RES,
	monthOf,
	publicPeriodFor
} from '../../contracts/exports';
import { ServiceError } from '../errors';
import { INCIDENT_MAX_RES, INCIDENT_MIN_RES } from '../study/h3-ranges';
import { cellEnvelope } from '../cell-keys';

/** Most rows one export may hold; larger requests are refused with a message naming the limit. */
export const EXPORT_MAX_ROWS = 50_000;

export const INCIDENT_EXPORT_COLUMNS = [
	'source',
	'external_id',
	'category',
	'further_categories',
	'original_type',
	'occurred_from',
	'occurred_to',
	'reported_at',
	'location_precision',
	'location_text',
	'longitude',
	'latitude',
	'h3'
] as const;

export const CELL_EXPORT_COLUMNS = ['h3', 'resolution', 'incidents'] as const;

export interface ExportOptions {
	/** Row cap; default `EXPORT_MAX_ROWS`. */
	maxRows?: number;
}

export interface CsvExport {
	filename: string;
	/** The CSV document (no byte order mark: the route adds it). */
	csv: string;
	/** Data rows in `csv`. */
	rows: number;
	/** Incident records left out by the disclosure rules. */
	withheld: number;
}

export interface IncidentExportQuery {
	/** One H3 cell at resolution 5–10 … */
	cell?: string;
	/** … or one area id. */
	area?: number;
	/** Local days in the source's time zone, inclusive. */
	from?: string;
	to?: string;
	categories: string[];
}

export interface CellCountExportQuery {
	res: number;
	/** One area id (its resolution-10 cover) … */
	area?: number;
	/** … or a box; cells whose centre lies outside are left out. */
	bbox?: BBox;
	from?: string;
	to?: string;
	categories: string[];
	audience: Audience;
}

function requirePermission(user: AuthUser, permission: 'export:create' | 'incidents:detail') {
	if (hasPermission(user, permission)) return;
	const what =
		permission === 'export:create' ? 'exports' : 'incident-level detail, which this export holds';
	throw new ServiceError('E_FORBIDDEN', `Your role does not include ${what}.`, 403);
}

function checkDates(q: { from?: string; to?: string }) {
	if (q.from && q.to && q.from > q.to) {
		throw new ServiceError('E_DATE_RANGE', 'from: must not be after `to`');
	}
}

async function requireArea(db: Queryable, id: number): Promise<void> {
	if ((await findAreas(db, [id])).length === 0) {
		throw new ServiceError('E_UNKNOWN_AREA', `area: there is no area with id ${id}`, 404);
	}
}

function checkRowCap(rows: number, options: ExportOptions) {
	const max = options.maxRows ?? EXPORT_MAX_ROWS;
	if (rows > max) {
		throw new ServiceError(
			'E_PARAMETER',
			`The export would hold ${rows.toLocaleString('en-GB')} rows, more than the limit of ` +
				`${max.toLocaleString('en-GB')}; narrow the dates, categories or area.`
		);
	}
}

function exactlyOne(a: unknown, b: unknown, names: string): void {
	if ((a === undefined) === (b === undefined)) {
		throw new ServiceError('E_PARAMETER', `${names}: give exactly one of them`);
	}
}

function fileName(kind: string, scope: string, q: { from?: string; to?: string }): string {
	const dates = [q.from && `from-${q.from}`, q.to && `to-${q.to}`].filter(Boolean).join('-');
	return `beatwise-${kind}-${scope}${dates ? `-${dates}` : ''}.csv`;
}

/** The cell of an incident export, lower-case, checked to be an H3 cell at resolution 5–10. */
function exportCell(raw: string): { hex: string; res: number } {
	const hex = raw.toLowerCase();
	if (!/^[0-9a-f]{15}$/.test(hex) || !isValidCell(hex)) {
		throw new ServiceError('E_PARAMETER', 'cell: must be an H3 cell index such as 8a194ad30067fff');
	}
	const res = getResolution(hex);
	if (res < INCIDENT_MIN_RES || res > INCIDENT_MAX_RES) {
		throw new ServiceError(
			'E_PARAMETER',
			`cell: resolution ${res} is outside ${INCIDENT_MIN_RES}–${INCIDENT_MAX_RES}`
		);
	}
	return { hex, res };
}

/** Incident records of one cell or area as CSV, restricted records withheld, audited. */
export async function exportIncidents(
	db: Queryable,
	scope: ReadScope,
	q: IncidentExportQuery,
	options: ExportOptions = {}
): Promise<CsvExport> {
	const { user } = scope;
	requirePermission(user, 'export:create');
	requirePermission(user, 'incidents:detail');
	exactlyOne(q.cell, q.area, 'cell, area');
	checkDates(q);
	let cell: IncidentExportFilter['cell'] = null;
	let cellHex: string | null = null;
	let what: string;
	if (q.cell !== undefined) {
		const c = exportCell(q.cell);
		const id = BigInt(`0x${c.hex}`);
		cell = { id: id.toString(), res: c.res, envelope: cellEnvelope(c.hex) };
		cellHex = c.hex;
		what = `cell:${c.hex}`;
	} else {
		await requireArea(db, q.area as number);
		what = `area:${q.area}`;
	}
	const areaIds = scope.areaIds;
	const filter: IncidentExportFilter = {
		cell,
		areaId: q.area ?? null,
		areaIds,
		from: q.from,
		to: q.to,
		categories: q.categories
	};
	// Counted per handling mark so the disclosure rule decides, not SQL: restricted records never
	// leave in a file, even for roles that may see them on screen.
	const groups = await countIncidentsByMarks(db, filter);
	const allowed = groups.filter((g) => !isRestricted(g));
	const exportable = allowed.reduce((s, g) => s + g.n, 0);
	const restricted = groups.reduce((s, g) => s + g.n, 0) - exportable;
	checkRowCap(exportable, options);
	const listed = await listIncidentsForExport(db, filter, allowed, exportable);
	// A file is an output for an audience outside the product's screens: the public rule applies.
	const { records, withheld: slipped } = filterRecords(listed, user, 'public');
	const withheld = restricted + slipped;
	const csv = toCsv(
		INCIDENT_EXPORT_COLUMNS,
		records.map((r): CsvValue[] => [
			r.source,
			r.externalId,
			r.category,
			r.furtherCategories,
			r.originalType,
			r.occurredFrom,
			r.occurredTo,
			r.reportedAt,
			r.locationPrecision,
			r.locationText,
			r.longitude,
			r.latitude,
			r.h3
		])
	);
	await scope.audit(db, 'export', `incidents:${what}`, {
		kind: 'incidents',
		cell: cellHex,
		res: cell?.res ?? null,
		area: q.area ?? null,
		from: q.from ?? null,
		to: q.to ?? null,
		categories: q.categories,
		rows: records.length,
		withheld
	});
	return {
		filename: fileName('incidents', what.replace(':', '-'), q),
		csv,
		rows: records.length,
		withheld
	};
}

/**
 * The period of a public cell export: one calendar month or year as asked, by default the month of the
 * data's last day (none without data); refused otherwise, and for more than one category.
 */
async function publicExportPeriod(
	db: Queryable,
	q: CellCountExportQuery
): Promise<{ from?: string; to?: string }> {
	if (q.categories.length > 1)
		throw new ServiceError(
			'E_PARAMETER',
			'categories: public cell counts are published for all categories or for one (a table per set of categories could be combined with the others)'
		);
	if (q.from === undefined && q.to === undefined) {
		const last = (await rollupRange(db))?.to;
		return last ? monthOf(last) : {};
	}
	const p = q.from && q.to ? asPublicPeriod(q.from, q.to) : null;
	if (p) return p;
	const near = q.from && q.to ? publicPeriodFor(q.from, q.to) : null;
	throw new ServiceError(
		'E_PARAMETER',
		'from, to: public cell counts are published for one calendar month or one calendar year ' +
			'(overlapping periods could be combined)' +
			(near ? `; the nearest is from=${near.from}&to=${near.to}` : '; give both or neither')
	);
}

/**
 * Incident counts per H3 cell as CSV, for internal use or (audience `public`) through the disclosure
 * policy: sensitive records left out of cells finer than `SENSITIVE_MAX_PUBLIC_RES`, every count
 * perturbed by the cell-key method (no count from 1 to the threshold minus one is published, and the
 * same records get the same value at every resolution and in every table), and cells shown as 0
 * dropped. Public tables are a fixed set: one calendar month (default: the data's last) or year, all
 * categories or one, whole cells (an area chooses cells, it does not clip them), so that no figure can
 * be asked for in many overlapping ways whose noise would average out. Aggregates, so not
 * area-limited (as the map).
 */
export async function exportCellCounts(
	db: Queryable,
	read: ReadScope,
	q: CellCountExportQuery,
	options: ExportOptions = {}
): Promise<CsvExport> {
	const { user, origin } = read;
	requirePermission(user, 'export:create');
	if (!Number.isInteger(q.res) || q.res < EXPORT_CELLS_MIN_RES || q.res > EXPORT_CELLS_MAX_RES) {
		throw new ServiceError(
			'E_PARAMETER',
			`res: must be a resolution from ${EXPORT_CELLS_MIN_RES} to ${EXPORT_CELLS_MAX_RES}`
		);
	}
	exactlyOne(q.area, q.bbox, 'area, bbox');
	checkDates(q);
	if (q.area !== undefined) await requireArea(db, q.area);
	const scope = q.area !== undefined ? `area:${q.area}` : `bbox:${q.bbox!.join(',')}`;
	let from: string | undefined;
	let to: string | undefined;
	if (q.audience === 'public') ({ from, to } = await publicExportPeriod(db, q));
	else {
		const range = q.from && q.to ? null : await rollupRange(db);
		from = q.from ?? range?.from;
		to = q.to ?? range?.to;
	}
	const filter = {
		res: q.res,
		from: from!,
		to: to!,
		categories: q.categories.length ? q.categories : null,
		areaId: q.area ?? null
	};
	const inBox = (cell: string) => {
		if (!q.bbox) return true;
		const [lat, lon] = cellToLatLng(cell);
		const [w, s, e, n] = q.bbox;
		return lon >= w && lon <= e && lat >= s && lat <= n;
	};
	const rows: [string, number, number][] = [];
	let withheld = 0;
	let perturbed = 0;
	if (from && to && q.audience === 'internal') {
		for (const c of await cellCountsForExport(db, filter))
			if (inBox(c.cell)) rows.push([c.cell, q.res, c.n]);
	} else if (from && to) {
		const sensitiveShown = sensitiveAllowedAt({ kind: 'cell', res: q.res }, q.audience);
		const threshold = env().suppressBelow;
		for (const c of await keyedCellCounts(db, filter)) {
			if (!inBox(c.cell)) continue;
			if (!sensitiveShown) withheld += c.sensitive;
			const shown = disclosePublicCellCount({ ...c, res: q.res }, threshold);
			perturbed++;
			if (shown !== 0) rows.push([c.cell, q.res, shown]);
		}
	}
	checkRowCap(rows.length, options);
	const csv = toCsv(CELL_EXPORT_COLUMNS, rows);
	await recordAudit(db, {
		actor: user,
		action: 'export',
		object: `cells:${scope}`,
		detail: {
			kind: 'cells',
			audience: q.audience,
			res: q.res,
			area: q.area ?? null,
			bbox: q.bbox ?? null,
			from: from ?? null,
			to: to ?? null,
			categories: q.categories,
			rows: rows.length,
			withheld,
			perturbed
		},
		origin
	});
	const fileScope = q.area !== undefined ? `area-${q.area}` : 'bbox';
	return {
		filename: fileName(`cells-res${q.res}-${q.audience}`, fileScope, { from, to }),
		csv,
		rows: rows.length,
		withheld
	};
}
