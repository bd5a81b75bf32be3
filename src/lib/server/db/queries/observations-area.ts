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

/** A logged patrol visit as the briefing counts it (cell as a decimal H3 index). */
export interface BriefingVisit {
	id: number;
	h3: string;
	startedAt: string;
	endedAt: string | null;
	createdAt: string;
	callSign: string;
}

/** Patrol visits started in [from, to] (days, inclusive), oldest first. */
export async function patrolVisitsInPeriod(
	db: Queryable,
	from: string,
	to: string
): Promise<BriefingVisit[]> {
	const rows = await db.query<{
		id: number;
		h3: string;
		started_at: unknown;
		ended_at: unknown;
		created_at: unknown;
		call_sign: string;
	}>(
		`SELECT v.id, v.h3::text AS h3, v.started_at, v.ended_at, v.created_at, u.call_sign
		 FROM patrol_visits v JOIN shift_units u ON u.id = v.unit_id
		 WHERE v.started_at >= $1::date AND v.started_at < $2::date + 1
		 ORDER BY v.started_at, v.id`,
		[from, to]
	);
	const iso = (v: unknown) =>
		v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
	return rows.map((r) => ({
		id: Number(r.id),
		h3: String(r.h3),
		startedAt: iso(r.started_at),
		endedAt: r.ended_at === null ? null : iso(r.ended_at),
		createdAt: iso(r.created_at),
		callSign: r.call_sign
	}));
}

/** A spot of a tasking as the briefing lists it: patrolled spots only (never a randomised control). */
export interface BriefingTaskedSpot {
	taskingId: number;
	shiftDate: string;
	h3: string;
	place: string | null;
	callSign: string;
}

/** The patrolled spots of taskings of shifts in [from, to] (never the control arm of a randomised one). */
export async function taskedSpotsInPeriod(
	db: Queryable,
	from: string,
	to: string
): Promise<BriefingTaskedSpot[]> {
	const rows = await db.query<{
		tasking_id: number;
		shift_date: string;
		h3: string;
		place: string | null;
		call_sign: string;
	}>(
		`SELECT t.id AS tasking_id, t.shift_date::text AS shift_date, s.h3::text AS h3,
		        s.why->>'place' AS place, u.call_sign
		 FROM taskings t JOIN tasking_spots s ON s.tasking_id = t.id JOIN shift_units u ON u.id = s.unit_id
		 WHERE t.shift_date BETWEEN $1::date AND $2::date AND s.arm IS DISTINCT FROM 'control'
		 ORDER BY t.shift_date, t.id, s.rank`,
		[from, to]
	);
	return rows.map((r) => ({
		taskingId: Number(r.tasking_id),
		shiftDate: String(r.shift_date).slice(0, 10),
		h3: String(r.h3),
		place: r.place ?? null,
		callSign: r.call_sign
	}));
}

/** An area's resolution-10 cover cells (decimal H3 indexes). */
export async function areaCoverCells10(db: Queryable, areaId: number): Promise<Set<string>> {
	const rows = await db.query<{ h3: string }>(
		`SELECT h3::text AS h3 FROM area_cells WHERE area_id = $1`,
		[areaId]
	);
	return new Set(rows.map((r) => String(r.h3)));
}
