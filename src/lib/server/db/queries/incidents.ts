/** Incident-level records of one H3 cell, for the incident list (detail access, audited by the service). */
import type { Queryable } from '../client';

export interface IncidentListFilter {
	/** The cell as a bigint H3 index (decimal string) and its resolution (5–10). */
	cell: string;
	res: number;
	/** Bounds of the res-11 indexes under the cell: lets `incidents_h3_idx` do the work. */
	h3Low: string;
	h3High: string;
	/** Restricted records (handling code C, sensitive) included only when true. */
	includeRestricted: boolean;
	/** Only incidents inside these areas; null: anywhere. */
	areaIds: number[] | null;
	/** Local days in the source's time zone, inclusive. */
	from?: string;
	to?: string;
	categories: string[];
}

export interface IncidentListRow {
	sourceId: number;
	id: number;
	source: string;
	category: string;
	originalType: string;
	occurredFrom: string;
	occurredTo: string;
	reportedAt: string | null;
	locationPrecision: string;
	locationText: string | null;
	handlingCode: string;
	sensitive: boolean;
}

function where(f: IncidentListFilter): { sql: string; params: unknown[] } {
	const params: unknown[] = [
		f.h3Low,
		f.h3High,
		f.res,
		f.cell,
		f.areaIds,
		f.from ?? null,
		f.to ?? null,
		f.categories
	];
	const sql = `i.h3 BETWEEN $1::bigint AND $2::bigint AND h3_parent(i.h3, $3::int) = $4::bigint
		AND ($5::int[] IS NULL OR EXISTS (
			SELECT 1 FROM areas a WHERE a.id = ANY($5::int[]) AND ST_Covers(a.geom, i.geom)))
		AND ($6::date IS NULL OR (i.occurred_from AT TIME ZONE s.timezone)::date >= $6::date)
		AND ($7::date IS NULL OR (i.occurred_from AT TIME ZONE s.timezone)::date <= $7::date)
		AND (cardinality($8::text[]) = 0 OR i.category = ANY($8::text[]))`;
	return { sql, params };
}

const RESTRICTED = `(upper(i.handling_code) <> 'P' OR i.sensitive)`;

/** How many records match, and how many of those are restricted (withheld when not included). */
export async function countCellIncidents(
	db: Queryable,
	f: IncidentListFilter
): Promise<{ total: number; restricted: number }> {
	const w = where(f);
	const rows = await db.query<{ total: number; restricted: number }>(
		`SELECT count(*)::int AS total, (count(*) FILTER (WHERE ${RESTRICTED}))::int AS restricted
		 FROM incidents i JOIN sources s ON s.id = i.source_id WHERE ${w.sql}`,
		w.params
	);
	return { total: Number(rows[0].total), restricted: Number(rows[0].restricted) };
}

export async function listCellIncidents(
	db: Queryable,
	f: IncidentListFilter,
	page: { limit: number; offset: number }
): Promise<IncidentListRow[]> {
	const w = where(f);
	const n = w.params.length;
	const rows = await db.query<Record<string, unknown>>(
		`SELECT i.source_id, i.id::text AS id, s.name AS source, i.category, i.original_type,
		        i.occurred_from, i.occurred_to, i.reported_at, i.location_precision, i.location_text,
		        i.handling_code, i.sensitive
		 FROM incidents i JOIN sources s ON s.id = i.source_id
		 WHERE ${w.sql} AND ($${n + 1}::boolean OR NOT ${RESTRICTED})
		 ORDER BY i.occurred_from DESC, i.source_id, i.id
		 LIMIT $${n + 2} OFFSET $${n + 3}`,
		[...w.params, f.includeRestricted, page.limit, page.offset]
	);
	const iso = (v: unknown) =>
		v === null || v === undefined ? null : new Date(v as string).toISOString();
	return rows.map((r) => ({
		sourceId: Number(r.source_id),
		id: Number(r.id),
		source: String(r.source),
		category: String(r.category),
		originalType: String(r.original_type),
		occurredFrom: iso(r.occurred_from) as string,
		occurredTo: iso(r.occurred_to) as string,
		reportedAt: iso(r.reported_at),
		locationPrecision: String(r.location_precision),
		locationText: r.location_text === null ? null : String(r.location_text),
		handlingCode: String(r.handling_code),
		sensitive: Boolean(r.sensitive)
	}));
}
