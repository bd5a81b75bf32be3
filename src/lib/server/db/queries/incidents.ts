/** Incident-level records of one H3 cell, for the incident list (detail access, audited by the service). */
import type { Queryable } from '../client';
import { cellColumn, type Envelope } from '../../cell-keys';

export interface IncidentListFilter {
	/** The cell as a bigint H3 index (decimal string) and its resolution (5–11). */
	cell: string;
	res: number;
	/** A box holding every point of the cell (`cellEnvelope`): lets the spatial index do the work. */
	envelope: Envelope | null;
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

/**
 * SQL matching the incidents whose own cell at `res` is `id` (the exact cell column), found through the
 * spatial index inside the cell's envelope. `p` adds a parameter and returns its placeholder.
 */
export function cellMatch(
	cell: { id: string; res: number; envelope: Envelope | null },
	p: (v: unknown) => string
): string {
	const exact = `i.${cellColumn(cell.res)} = ${p(cell.id)}::bigint`;
	if (!cell.envelope) return exact;
	const [w, s, e, n] = cell.envelope.map((v) => `${p(v)}::float8`);
	return `i.geom && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326) AND ${exact}`;
}

function where(f: IncidentListFilter): { sql: string; params: unknown[] } {
	const params: unknown[] = [];
	const p = (v: unknown) => {
		params.push(v);
		return `$${params.length}`;
	};
	const sql = `${cellMatch({ id: f.cell, res: f.res, envelope: f.envelope }, p)}
		AND (${p(f.areaIds)}::int[] IS NULL OR EXISTS (
			SELECT 1 FROM areas a WHERE a.id = ANY($${params.length}::int[]) AND ST_Covers(a.geom, i.geom)))
		AND (${p(f.from ?? null)}::date IS NULL OR (i.occurred_from AT TIME ZONE s.timezone)::date >= $${params.length}::date)
		AND (${p(f.to ?? null)}::date IS NULL OR (i.occurred_from AT TIME ZONE s.timezone)::date <= $${params.length}::date)
		AND (cardinality(${p(f.categories)}::text[]) = 0 AND i.category NOT LIKE 'road-collision-%' OR i.category = ANY($${params.length}::text[]) OR i.extra_categories && $${params.length}::text[])`;
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

/**
 * The attribute names of a source's newest incident (the columns of its last file that no mapping
 * field read and that were not blank); [] for a source without incidents.
 */
export async function newestAttributeKeys(db: Queryable, source: string): Promise<string[]> {
	const rows = await db.query<{ attributes: Record<string, unknown> | null }>(
		`SELECT i.attributes FROM incidents i
		 WHERE i.source_id = (SELECT id FROM sources WHERE name = $1)
		 ORDER BY i.id DESC LIMIT 1`,
		[source]
	);
	return Object.keys(rows[0]?.attributes ?? {});
}
