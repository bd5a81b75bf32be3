/**
 * Reads behind the CSV exports: incident records of one cell or one area (the service decides which
 * handling marks may leave), and cell counts with their sensitive part from the rollup.
 */
import type { Queryable } from '../client';
import type { Envelope } from '../../cell-keys';
import { cellMatch, type IncidentListRow } from './incidents';
import { areaCoverCells, rollupRows } from './rollup';

export interface IncidentExportFilter {
	/** A cell export: the cell (decimal bigint) at `res`, and a box holding its points (`cellEnvelope`). */
	cell: { id: string; res: number; envelope: Envelope | null } | null;
	/** An area export: incidents whose point the area's polygon covers. */
	areaId: number | null;
	/** The user's area limits: only incidents inside one of these; null: anywhere. */
	areaIds: number[] | null;
	/** Local days in the source's time zone, inclusive. */
	from?: string;
	to?: string;
	categories: string[];
}

/** Handling code (upper case) and sensitive flag: what decides whether a record may leave. */
export interface IncidentMarks {
	handlingCode: string;
	sensitive: boolean;
}

/** As a row of the incident list, without internal ids, with the record's own id and its point. */
export interface IncidentExportRow extends Omit<IncidentListRow, 'sourceId' | 'id'> {
	externalId: string;
	/** The incident's further categories (several offences per incident), `;`-separated; '' for none. */
	furtherCategories: string;
	longitude: number | null;
	latitude: number | null;
	/** The incident's res-11 cell as hexadecimal. */
	h3: string | null;
}

/** A timestamptz as ISO 8601 UTC text with milliseconds (as `Date.toISOString`), whatever the session zone. */
function isoUtc(column: string): string {
	return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

function incidentWhere(f: IncidentExportFilter): { sql: string; params: unknown[] } {
	const params: unknown[] = [];
	const p = (v: unknown) => {
		params.push(v);
		return `$${params.length}`;
	};
	const clauses: string[] = [];
	if (f.cell) clauses.push(cellMatch(f.cell, p));
	if (f.areaId !== null) {
		clauses.push(`EXISTS (SELECT 1 FROM areas x WHERE x.id = ${p(f.areaId)}::int
			AND ST_Covers(x.geom, i.geom))`);
	}
	if (f.areaIds !== null) {
		clauses.push(`EXISTS (SELECT 1 FROM areas a WHERE a.id = ANY(${p(f.areaIds)}::int[])
			AND ST_Covers(a.geom, i.geom))`);
	}
	if (f.from) clauses.push(`(i.occurred_from AT TIME ZONE s.timezone)::date >= ${p(f.from)}::date`);
	if (f.to) clauses.push(`(i.occurred_from AT TIME ZONE s.timezone)::date <= ${p(f.to)}::date`);
	if (f.categories.length) {
		const set = `${p(f.categories)}::text[]`;
		clauses.push(`(i.category = ANY(${set}) OR i.extra_categories && ${set})`);
	}
	// No category chosen means every crime category: road collisions are another domain.
	else clauses.push(`i.category NOT LIKE 'road-collision-%'`);
	return { sql: clauses.length ? clauses.join(' AND ') : 'true', params };
}

/** How many records match, per combination of handling marks. */
export async function countIncidentsByMarks(
	db: Queryable,
	f: IncidentExportFilter
): Promise<(IncidentMarks & { n: number })[]> {
	const w = incidentWhere(f);
	const rows = await db.query<{ handling_code: string; sensitive: boolean; n: number }>(
		`SELECT upper(i.handling_code) AS handling_code, i.sensitive, count(*)::int AS n
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${w.sql} GROUP BY 1, 2 ORDER BY 1, 2`,
		w.params
	);
	return rows.map((r) => ({
		handlingCode: String(r.handling_code),
		sensitive: Boolean(r.sensitive),
		n: Number(r.n)
	}));
}

/**
 * The matching records whose marks are one of `marks` (upper-case handling code and sensitive flag, as
 * `countIncidentsByMarks` returns them), oldest first, at most `limit`.
 */
export async function listIncidentsForExport(
	db: Queryable,
	f: IncidentExportFilter,
	marks: IncidentMarks[],
	limit: number
): Promise<IncidentExportRow[]> {
	if (marks.length === 0 || limit <= 0) return [];
	const w = incidentWhere(f);
	const n = w.params.length;
	return db.query<IncidentExportRow>(
		`SELECT s.name AS source, i.external_id AS "externalId", i.category,
		        array_to_string(coalesce(i.extra_categories, '{}'), ';') AS "furtherCategories",
		        i.original_type AS "originalType", ${isoUtc('i.occurred_from')} AS "occurredFrom",
		        ${isoUtc('i.occurred_to')} AS "occurredTo", ${isoUtc('i.reported_at')} AS "reportedAt",
		        i.location_precision AS "locationPrecision", i.location_text AS "locationText",
		        round(ST_X(i.geom)::numeric, 5)::float8 AS longitude,
		        round(ST_Y(i.geom)::numeric, 5)::float8 AS latitude,
		        to_hex(i.h3) AS h3, upper(i.handling_code) AS "handlingCode", i.sensitive
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${w.sql}
		   AND (upper(i.handling_code), i.sensitive) IN (
		     SELECT * FROM unnest($${n + 1}::text[], $${n + 2}::boolean[]))
		 ORDER BY i.occurred_from, i.source_id, i.id
		 LIMIT $${n + 3}`,
		[...w.params, marks.map((m) => m.handlingCode), marks.map((m) => m.sensitive), limit]
	);
}

export interface CellCountExportFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
	/** Only the cells of this area's cover at `res`; null: everywhere. */
	areaId: number | null;
}

/** Counts per cell at `res` (hex index), with how many of them are sensitive records, sorted by cell. */
export async function cellCountsForExport(
	db: Queryable,
	f: CellCountExportFilter
): Promise<{ cell: string; n: number; sensitive: number }[]> {
	const params: unknown[] = [f.categories];
	let inArea = '';
	if (f.areaId !== null) {
		params.push(f.areaId);
		inArea = `AND c.h3 IN (${areaCoverCells(f.res, 'ARRAY[$2::int]')})`;
	}
	const rows = await db.query<{ cell: string; n: number; sensitive: number }>(
		`SELECT to_hex(c.h3) AS cell, sum(c.n)::int AS n, sum(c.sensitive)::int AS sensitive
		 FROM ${rollupRows(f.res, f.from, f.to, 'year', { categories: '$1::text[]', per: 'set' })} c
		 WHERE ($1::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($1::text[])) ${inArea}
		 GROUP BY c.h3 ORDER BY c.h3`,
		params
	);
	return rows.map((r) => ({ cell: r.cell, n: Number(r.n), sensitive: Number(r.sensitive) }));
}
