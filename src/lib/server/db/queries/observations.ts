/**
 * Observations (graded intelligence reports): the importer's batch insert and the map's read by box.
 * Handling decisions (restricted records, which text) are made by the services; these queries apply
 * them.
 */
import type { Queryable } from '../client';

/** Columns of one staged observation, in COPY order. */
export const OBSERVATION_COPY_COLUMNS = [
	'source_id',
	'external_id',
	'text',
	'sanitised_text',
	'source_evaluation',
	'intelligence_assessment',
	'handling_code',
	'observed_at',
	'geom',
	'created_by',
	'batch_id',
	// The exact cells, coarsest first (`CELL_COLUMNS` order: h3_r5 … h3_r10, h3).
	'h3_r5',
	'h3_r6',
	'h3_r7',
	'h3_r8',
	'h3_r9',
	'h3_r10',
	'h3'
];

/**
 * Store one batch (COPY text of `OBSERVATION_COPY_COLUMNS`) inside the caller's transaction: rows whose
 * `(source_id, external_id)` is already stored are skipped by the unique index. Returns how many rows
 * were inserted (the rest are duplicates) and how many of those have a location.
 */
export async function insertObservationBatch(
	tx: Queryable,
	copyText: string
): Promise<{ inserted: number; located: number }> {
	if (!copyText) return { inserted: 0, located: 0 };
	const cols = OBSERVATION_COPY_COLUMNS.join(', ');
	await tx.query(
		`CREATE TEMP TABLE observation_stage ON COMMIT DROP AS
		 SELECT ${cols} FROM observations WITH NO DATA`
	);
	await tx.copyIn('observation_stage', OBSERVATION_COPY_COLUMNS, copyText);
	const rows = await tx.query<{ inserted: number; located: number }>(
		`WITH ins AS (
		   INSERT INTO observations (${cols}) SELECT ${cols} FROM observation_stage
		   ON CONFLICT (source_id, external_id) DO NOTHING
		   RETURNING h3 IS NOT NULL AS located
		 )
		 SELECT count(*)::int AS inserted, (count(*) FILTER (WHERE located))::int AS located FROM ins`
	);
	await tx.query('DROP TABLE observation_stage');
	return { inserted: Number(rows[0].inserted), located: Number(rows[0].located) };
}

export interface ObservationBoxFilter {
	/** [west, south, east, north] in WGS84. */
	bbox: readonly [number, number, number, number];
	/** Local days in the source's time zone, inclusive. */
	from?: string;
	to?: string;
	/** Only inside this area's polygon; null: anywhere in the box. */
	areaId: number | null;
	/** The user's area limits; null: everywhere. */
	allowedAreaIds: number[] | null;
	/** Handling code C rows included only when true (they are counted either way). */
	includeRestricted: boolean;
	/** The text as recorded (true) or the sanitised text where one was written (false). */
	rawText: boolean;
	limit: number;
}

export interface ObservationMapRow {
	id: number;
	observedAt: string;
	lon: number;
	lat: number;
	text: string;
	source: string;
	sourceCategory: string;
	sourceEvaluation: number;
	intelligenceAssessment: string;
	handlingCode: string;
	reviewStatus: string;
}

/**
 * Located, not rejected observations in a box (and area, and days), newest first, at most `limit`;
 * with how many match in all and how many of those have handling code C.
 */
export async function observationsInBox(
	db: Queryable,
	f: ObservationBoxFilter
): Promise<{ total: number; restricted: number; rows: ObservationMapRow[] }> {
	const params: unknown[] = [...f.bbox, f.from ?? null, f.to ?? null, f.areaId, f.allowedAreaIds];
	const where = `o.review_status <> 'rejected' AND o.merged_into IS NULL AND o.geom IS NOT NULL
		AND o.geom && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)
		AND ($5::date IS NULL OR (o.observed_at AT TIME ZONE s.timezone)::date >= $5::date)
		AND ($6::date IS NULL OR (o.observed_at AT TIME ZONE s.timezone)::date <= $6::date)
		AND ($7::int IS NULL OR EXISTS (
			SELECT 1 FROM areas a WHERE a.id = $7::int AND ST_Covers(a.geom, o.geom)))
		AND ($8::int[] IS NULL OR EXISTS (
			SELECT 1 FROM areas a WHERE a.id = ANY($8::int[]) AND ST_Covers(a.geom, o.geom)))`;
	const [counts, rows] = await Promise.all([
		db.query<{ total: number; restricted: number }>(
			`SELECT count(*)::int AS total,
			        (count(*) FILTER (WHERE o.handling_code <> 'P'))::int AS restricted
			 FROM observations o JOIN sources s ON s.id = o.source_id WHERE ${where}`,
			params
		),
		db.query<{
			id: string;
			observed_at: string | Date;
			lon: number;
			lat: number;
			text: string;
			source: string;
			source_category: string;
			source_evaluation: number;
			intelligence_assessment: string;
			handling_code: string;
			review_status: string;
		}>(
			`SELECT o.id::text AS id, o.observed_at, ST_X(o.geom)::float8 AS lon, ST_Y(o.geom)::float8 AS lat,
			        CASE WHEN $10::boolean THEN o.text ELSE coalesce(o.sanitised_text, o.text) END AS text,
			        s.name AS source, s.category AS source_category, o.source_evaluation,
			        o.intelligence_assessment, o.handling_code, o.review_status
			 FROM observations o JOIN sources s ON s.id = o.source_id
			 WHERE ${where} AND ($9::boolean OR o.handling_code = 'P')
			 ORDER BY o.observed_at DESC, o.id DESC
			 LIMIT $11::int`,
			[...params, f.includeRestricted, f.rawText, f.limit]
		)
	]);
	return {
		total: Number(counts[0].total),
		restricted: Number(counts[0].restricted),
		rows: rows.map((r) => ({
			id: Number(r.id),
			observedAt: new Date(r.observed_at).toISOString(),
			lon: Number(r.lon),
			lat: Number(r.lat),
			text: r.text,
			source: r.source,
			sourceCategory: r.source_category,
			sourceEvaluation: Number(r.source_evaluation),
			intelligenceAssessment: r.intelligence_assessment,
			handlingCode: r.handling_code,
			reviewStatus: r.review_status
		}))
	};
}

export interface AcceptedObservationFilter {
	/** Served resolution of the cells (each report counts in its own cell at `res`). */
	res: number;
	/** Local days in the report's source's time zone, inclusive. */
	from: string;
	to: string;
	/** Only reports whose category is one of these; null: every report, with or without category. */
	categories: string[] | null;
	/** The reader's area limits; null: everywhere. */
	allowedAreaIds: readonly number[] | null;
	/** Handling code C reports counted only when true (the read scope's `restricted`). */
	includeRestricted: boolean;
	/**
	 * For inputs of shared products (tasking): a code-C report counts only with a sanitised text
	 * (docs/observations.md, "Sanitised text rule"), even for a reader allowed restricted records.
	 */
	sharedProduct?: boolean;
}

/**
 * Accepted intelligence reports (after review: `accepted`, or `reviewed` before migration 0011; not
 * merged into another) per cell at `res`, within the reader's area limits and handling codes — the
 * optional input of hot spots and the shift ranking, always counted apart from recorded crime.
 * `withheld`: reports of handling code C left out (for this reader, or for want of a sanitised text).
 */
export async function acceptedObservationCounts(
	db: Queryable,
	f: AcceptedObservationFilter
): Promise<{ perCell: Map<string, number>; withheld: number }> {
	if (!Number.isInteger(f.res) || f.res < 5 || f.res > 11)
		throw new RangeError(`res: ${f.res} is not a served H3 resolution`);
	const col = f.res === 11 ? 'h3' : `h3_r${f.res}`;
	const rows = await db.query<{ cell: string | null; n: number }>(
		`SELECT CASE WHEN o.handling_code = 'P'
		               OR ($5::boolean AND (NOT $6::boolean OR coalesce(btrim(o.sanitised_text), '') <> ''))
		             THEN to_hex(o.${col}) END AS cell,
		        count(*)::int AS n
		 FROM observations o JOIN sources s ON s.id = o.source_id
		 WHERE o.review_status IN ('accepted', 'reviewed') AND o.merged_into IS NULL
		   AND o.${col} IS NOT NULL
		   AND o.observed_at >= $1::date - 2 AND o.observed_at < $2::date + 3
		   AND (o.observed_at AT TIME ZONE s.timezone)::date BETWEEN $1::date AND $2::date
		   AND ($3::text[] IS NULL OR o.category = ANY($3::text[]))
		   AND ($4::int[] IS NULL OR EXISTS (
		     SELECT 1 FROM areas a WHERE a.id = ANY($4::int[]) AND ST_Covers(a.geom, o.geom)))
		 GROUP BY 1`,
		[
			f.from,
			f.to,
			f.categories,
			f.allowedAreaIds ? [...f.allowedAreaIds] : null,
			f.includeRestricted,
			f.sharedProduct ?? false
		]
	);
	const perCell = new Map<string, number>();
	let withheld = 0;
	for (const r of rows) {
		if (r.cell === null) withheld += Number(r.n);
		else perCell.set(r.cell, Number(r.n));
	}
	return { perCell, withheld };
}
