/** Reads of the community-safety briefing that no other view makes. */
import type { Queryable } from '../client';

export interface SanitisedObservation {
	observedOn: string;
	text: string;
	source: string;
}

/**
 * Community observations (sources of category `community`) inside an area in a period, as a public
 * text may quote them: handling code P, not rejected, and only those with a sanitised (dissemination)
 * text — the text as recorded never leaves. Day only, no place. Newest first, with the total.
 */
export async function sanitisedObservationsInArea(
	db: Queryable,
	areaId: number,
	from: string,
	to: string,
	limit: number
): Promise<{ total: number; rows: SanitisedObservation[] }> {
	const where = `o.review_status <> 'rejected' AND o.handling_code = 'P'
	   AND o.sanitised_text IS NOT NULL AND btrim(o.sanitised_text) <> ''
	   AND o.observed_at >= $2::date AND o.observed_at < $3::date + 1
	   AND o.source_id IN (SELECT id FROM sources WHERE category = 'community') AND (
	     o.h3_r10 IN (SELECT h3 FROM area_cells WHERE area_id = $1)
	     OR (o.h3_r10 IS NULL AND EXISTS (SELECT 1 FROM areas a WHERE a.id = $1 AND ST_Intersects(a.geom, o.geom))))`;
	const [count, rows] = await Promise.all([
		db.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations o WHERE ${where}`, [
			areaId,
			from,
			to
		]),
		db.query<{ day: string; text: string; source: string }>(
			`SELECT (o.observed_at AT TIME ZONE 'UTC')::date::text AS day, o.sanitised_text AS text,
			        s.name AS source
			 FROM observations o JOIN sources s ON s.id = o.source_id
			 WHERE ${where} ORDER BY o.observed_at DESC, o.id DESC LIMIT $4::int`,
			[areaId, from, to, limit]
		)
	]);
	return {
		total: Number(count[0]?.n ?? 0),
		rows: rows.map((r) => ({ observedOn: r.day, text: r.text, source: r.source }))
	};
}

/** Whether a table exists in the database (features whose tables another part of the product adds). */
export async function tableExists(db: Queryable, table: string): Promise<boolean> {
	const rows = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]);
	return Boolean(rows[0]?.ok);
}

/** An area's boundary as GeoJSON geometry, simplified for a map picture (about 2 m). */
export async function areaOutline(db: Queryable, areaId: number): Promise<unknown | null> {
	const rows = await db.query<{ g: string }>(
		`SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.00002), 6) AS g FROM areas WHERE id = $1`,
		[areaId]
	);
	return rows[0] ? JSON.parse(rows[0].g) : null;
}

export interface SourceGrading {
	source: string;
	evaluation: number;
	assessment: string;
	handling: string;
	reports: number;
}

/**
 * The sources of the observations inside an area in a period, by 3x5x2 grading, with how many reports
 * each: what an assessment cites. Handling code C only with `includeRestricted`; rejected reports never.
 */
export async function sourceGradingsInArea(
	db: Queryable,
	areaId: number,
	from: string,
	to: string,
	includeRestricted: boolean
): Promise<SourceGrading[]> {
	const rows = await db.query<{
		source: string;
		evaluation: number;
		assessment: string;
		handling: string;
		reports: number;
	}>(
		`SELECT s.name AS source, o.source_evaluation AS evaluation, o.intelligence_assessment AS assessment,
		        o.handling_code AS handling, count(*)::int AS reports
		 FROM observations o JOIN sources s ON s.id = o.source_id
		 WHERE o.review_status <> 'rejected' AND ($4::boolean OR o.handling_code = 'P')
		   AND o.observed_at >= $2::date AND o.observed_at < $3::date + 1
		   AND (o.h3_r10 IN (SELECT h3 FROM area_cells WHERE area_id = $1)
		     OR (o.h3_r10 IS NULL AND EXISTS (SELECT 1 FROM areas a WHERE a.id = $1 AND ST_Intersects(a.geom, o.geom))))
		 GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC, 1, 2, 3, 4`,
		[areaId, from, to, includeRestricted]
	);
	return rows.map((r) => ({ ...r, evaluation: Number(r.evaluation), reports: Number(r.reports) }));
}
