/**
 * Intelligence work on observations (issue 13): the source register, single reports from the entry
 * form, the review queue and its decisions, duplicate candidates, merges and links. Read limits (area,
 * handling code) come from the caller's read scope through the services; these queries apply them.
 */
import type { Queryable } from '../client';

export interface SourceRegisterRow {
	id: number;
	name: string;
	kind: string;
	category: string;
	owner: string | null;
	defaultReliability: number;
	defaultHandlingCode: string;
	timezone: string;
	/** Observations received from the source (merged duplicates included). */
	reports: number;
	accepted: number;
	rejected: number;
	/** Reports later corroborated: with at least one `corroborates` link. */
	corroborated: number;
	/** Reports judged false: graded E (suspected to be false). */
	judgedFalse: number;
	/** Records imported from it (incident imports), from the import batches. */
	recordsImported: number;
}

/** Every source with its history, by name. */
export async function sourceRegister(db: Queryable): Promise<SourceRegisterRow[]> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT s.id, s.name, s.kind, s.category, s.owner, s.default_reliability,
		        s.default_handling_code, s.timezone,
		        coalesce(o.reports, 0)::int AS reports, coalesce(o.accepted, 0)::int AS accepted,
		        coalesce(o.rejected, 0)::int AS rejected, coalesce(o.corroborated, 0)::int AS corroborated,
		        coalesce(o.judged_false, 0)::int AS judged_false,
		        coalesce(b.records, 0)::int AS records_imported
		 FROM sources s
		 LEFT JOIN (
		   SELECT ob.source_id, count(*) AS reports,
		          count(*) FILTER (WHERE ob.review_status IN ('accepted', 'reviewed')) AS accepted,
		          count(*) FILTER (WHERE ob.review_status = 'rejected') AS rejected,
		          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM observation_links l
		            WHERE l.observation_id = ob.id AND l.kind = 'corroborates')) AS corroborated,
		          count(*) FILTER (WHERE ob.intelligence_assessment = 'E') AS judged_false
		   FROM observations ob GROUP BY ob.source_id
		 ) o ON o.source_id = s.id
		 LEFT JOIN (
		   SELECT source_id, sum(imported) AS records FROM import_batches
		   WHERE format <> 'observations' GROUP BY source_id
		 ) b ON b.source_id = s.id
		 ORDER BY s.name`
	);
	return rows.map((r) => ({
		id: Number(r.id),
		name: String(r.name),
		kind: String(r.kind),
		category: String(r.category),
		owner: (r.owner as string | null) ?? null,
		defaultReliability: Number(r.default_reliability),
		defaultHandlingCode: String(r.default_handling_code),
		timezone: String(r.timezone),
		reports: Number(r.reports),
		accepted: Number(r.accepted),
		rejected: Number(r.rejected),
		corroborated: Number(r.corroborated),
		judgedFalse: Number(r.judged_false),
		recordsImported: Number(r.records_imported)
	}));
}

export interface SourceFields {
	name: string;
	kind: 'internal' | 'open';
	category: string;
	owner: string | null;
	defaultReliability: number;
	defaultHandlingCode: 'P' | 'C';
}

/** A new source; null when the name is taken. */
export async function insertSource(db: Queryable, f: SourceFields): Promise<number | null> {
	const rows = await db.query<{ id: number }>(
		`INSERT INTO sources (name, kind, category, owner, default_reliability, default_handling_code)
		 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id`,
		[f.name, f.kind, f.category, f.owner, f.defaultReliability, f.defaultHandlingCode]
	);
	return rows.length ? Number(rows[0].id) : null;
}

/** Edit a source; false when there is none with this id or the new name is another's. */
export async function updateSource(db: Queryable, id: number, f: SourceFields): Promise<boolean> {
	const rows = await db.query<{ id: number }>(
		`UPDATE sources SET name = $2, kind = $3, category = $4, owner = $5, default_reliability = $6,
		        default_handling_code = $7
		 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM sources o WHERE o.name = $2 AND o.id <> $1)
		 RETURNING id`,
		[id, f.name, f.kind, f.category, f.owner, f.defaultReliability, f.defaultHandlingCode]
	);
	return rows.length > 0;
}

export interface SourceBrief {
	id: number;
	name: string;
	kind: string;
	category: string;
	defaultReliability: number;
	defaultHandlingCode: string;
}

export async function sourceBrief(db: Queryable, id: number): Promise<SourceBrief | null> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT id, name, kind, category, default_reliability, default_handling_code
		 FROM sources WHERE id = $1`,
		[id]
	);
	if (!rows.length) return null;
	const r = rows[0];
	return {
		id: Number(r.id),
		name: String(r.name),
		kind: String(r.kind),
		category: String(r.category),
		defaultReliability: Number(r.default_reliability),
		defaultHandlingCode: String(r.default_handling_code)
	};
}

export interface NewObservation {
	sourceId: number;
	/** The entry form's client id (a UUID): a report sent twice from the offline queue is stored once. */
	externalId: string;
	text: string;
	sanitisedText: string | null;
	sourceEvaluation: number;
	intelligenceAssessment: string;
	handlingCode: string;
	observedAt: string;
	lon: number;
	lat: number;
	/** Exact cells, coarsest first (`CELL_COLUMNS` order: h3_r5 … h3_r10, h3). */
	cells: string[];
	category: string | null;
	locationText: string | null;
	createdBy: string;
}

/** Store one report; a repeat of the same (source, client id) returns the stored one. */
export async function insertObservation(
	db: Queryable,
	o: NewObservation
): Promise<{ id: number; created: boolean }> {
	const ins = await db.query<{ id: string }>(
		`INSERT INTO observations (source_id, external_id, text, sanitised_text, source_evaluation,
		   intelligence_assessment, handling_code, observed_at, geom, category, location_text, created_by,
		   h3_r5, h3_r6, h3_r7, h3_r8, h3_r9, h3_r10, h3)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_SetSRID(ST_MakePoint($9, $10), 4326), $11, $12, $13,
		   $14, $15, $16, $17, $18, $19, $20)
		 ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id::text AS id`,
		[
			o.sourceId,
			o.externalId,
			o.text,
			o.sanitisedText,
			o.sourceEvaluation,
			o.intelligenceAssessment,
			o.handlingCode,
			o.observedAt,
			o.lon,
			o.lat,
			o.category,
			o.locationText,
			o.createdBy,
			...o.cells
		]
	);
	if (ins.length) return { id: Number(ins[0].id), created: true };
	const found = await db.query<{ id: string }>(
		`SELECT id::text AS id FROM observations WHERE source_id = $1 AND external_id = $2`,
		[o.sourceId, o.externalId]
	);
	return { id: Number(found[0].id), created: false };
}

/** One report as reviewers see it. */
export interface ReportRow {
	id: number;
	sourceId: number;
	source: string;
	sourceKind: string;
	sourceCategory: string;
	text: string;
	sanitisedText: string | null;
	sourceEvaluation: number;
	intelligenceAssessment: string;
	handlingCode: string;
	observedAt: string;
	lon: number | null;
	lat: number | null;
	category: string | null;
	locationText: string | null;
	reviewStatus: string;
	mergedInto: number | null;
	createdBy: string | null;
}

const REPORT_COLUMNS = `o.id::text AS id, o.source_id, s.name AS source, s.kind AS source_kind,
	s.category AS source_category, o.text, o.sanitised_text, o.source_evaluation,
	o.intelligence_assessment, o.handling_code, o.observed_at, ST_X(o.geom)::float8 AS lon,
	ST_Y(o.geom)::float8 AS lat, o.category, o.location_text, o.review_status,
	o.merged_into::text AS merged_into, o.created_by`;

function reportRow(r: Record<string, unknown>): ReportRow {
	return {
		id: Number(r.id),
		sourceId: Number(r.source_id),
		source: String(r.source),
		sourceKind: String(r.source_kind),
		sourceCategory: String(r.source_category),
		text: String(r.text),
		sanitisedText: (r.sanitised_text as string | null) ?? null,
		sourceEvaluation: Number(r.source_evaluation),
		intelligenceAssessment: String(r.intelligence_assessment),
		handlingCode: String(r.handling_code),
		observedAt: new Date(r.observed_at as string).toISOString(),
		lon: r.lon === null ? null : Number(r.lon),
		lat: r.lat === null ? null : Number(r.lat),
		category: (r.category as string | null) ?? null,
		locationText: (r.location_text as string | null) ?? null,
		reviewStatus: String(r.review_status),
		mergedInto: r.merged_into === null ? null : Number(r.merged_into),
		createdBy: (r.created_by as string | null) ?? null
	};
}

/** Read limits of one reader: area ids (null: everywhere) and whether handling code C is theirs. */
export interface ReportLimits {
	allowedAreaIds: readonly number[] | null;
	includeRestricted: boolean;
}

/** SQL condition on `o` for `limits` with the area ids in `$areas` and the flag in `$restricted`. */
function limitsWhere(areas: string, restricted: string): string {
	return `(${restricted}::boolean OR o.handling_code = 'P')
		AND (${areas}::int[] IS NULL OR EXISTS (
		  SELECT 1 FROM areas a WHERE a.id = ANY(${areas}::int[]) AND ST_Covers(a.geom, o.geom)))`;
}

/** One report inside the reader's limits, or null. */
export async function reportById(
	db: Queryable,
	id: number,
	limits: ReportLimits
): Promise<ReportRow | null> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT ${REPORT_COLUMNS} FROM observations o JOIN sources s ON s.id = o.source_id
		 WHERE o.id = $1 AND ${limitsWhere('$2', '$3')}`,
		[id, limits.allowedAreaIds ? [...limits.allowedAreaIds] : null, limits.includeRestricted]
	);
	return rows.length ? reportRow(rows[0]) : null;
}

/** New (unreviewed, not merged) reports inside the reader's limits, oldest first, at most `limit`. */
export async function newReports(
	db: Queryable,
	limits: ReportLimits,
	limit: number
): Promise<{ total: number; rows: ReportRow[] }> {
	const where = `o.review_status = 'new' AND o.merged_into IS NULL AND ${limitsWhere('$1', '$2')}`;
	const params = [
		limits.allowedAreaIds ? [...limits.allowedAreaIds] : null,
		limits.includeRestricted
	];
	const [count, rows] = await Promise.all([
		db.query<{ n: number }>(`SELECT count(*)::int AS n FROM observations o WHERE ${where}`, params),
		db.query<Record<string, unknown>>(
			`SELECT ${REPORT_COLUMNS} FROM observations o JOIN sources s ON s.id = o.source_id
			 WHERE ${where} ORDER BY o.created_at, o.id LIMIT $3::int`,
			[...params, limit]
		)
	]);
	return { total: Number(count[0].n), rows: rows.map(reportRow) };
}

export interface NearbyIncident {
	sourceId: number;
	id: number;
	source: string;
	category: string;
	occurredFrom: string;
	lon: number;
	lat: number;
	metres: number;
}

export interface NearbyReport {
	id: number;
	sourceId: number;
	source: string;
	category: string | null;
	observedAt: string;
	grading: string;
	lon: number;
	lat: number;
	metres: number;
}

/**
 * Incidents and other reports within `metres` and `days` of a point and time, nearest first, inside the
 * reader's limits (incidents: handling code C and sensitive ones only with `includeRestricted`).
 */
export async function nearbyItems(
	db: Queryable,
	at: { lon: number; lat: number; time: string; excludeId: number },
	within: { metres: number; days: number; limit: number },
	limits: ReportLimits
): Promise<{ incidents: NearbyIncident[]; reports: NearbyReport[] }> {
	const areas = limits.allowedAreaIds ? [...limits.allowedAreaIds] : null;
	const point = `ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)`;
	const [incidents, reports] = await Promise.all([
		db.query<Record<string, unknown>>(
			`SELECT i.source_id, i.id::text AS id, s.name AS source, i.category, i.occurred_from,
			        ST_X(i.geom)::float8 AS lon, ST_Y(i.geom)::float8 AS lat,
			        ST_Distance(i.geom::geography, ${point}::geography)::float8 AS metres
			 FROM incidents i JOIN sources s ON s.id = i.source_id
			 WHERE i.geom && ST_Expand(${point}, $4::float8 / 25000.0)
			   AND ST_DWithin(i.geom::geography, ${point}::geography, $4::float8)
			   AND i.occurred_from BETWEEN $3::timestamptz - make_interval(days => $5::int)
			                           AND $3::timestamptz + make_interval(days => $5::int)
			   AND ($7::boolean OR (i.handling_code = 'P' AND NOT i.sensitive))
			   AND ($6::int[] IS NULL OR EXISTS (
			     SELECT 1 FROM areas a WHERE a.id = ANY($6::int[]) AND ST_Covers(a.geom, i.geom)))
			 ORDER BY metres, i.occurred_from LIMIT $8::int`,
			[
				at.lon,
				at.lat,
				at.time,
				within.metres,
				within.days,
				areas,
				limits.includeRestricted,
				within.limit
			]
		),
		db.query<Record<string, unknown>>(
			`SELECT o.id::text AS id, o.source_id, s.name AS source, o.category, o.observed_at,
			        o.source_evaluation || '/' || o.intelligence_assessment || '/' || o.handling_code AS grading,
			        ST_X(o.geom)::float8 AS lon, ST_Y(o.geom)::float8 AS lat,
			        ST_Distance(o.geom::geography, ${point}::geography)::float8 AS metres
			 FROM observations o JOIN sources s ON s.id = o.source_id
			 WHERE o.id <> $9 AND o.review_status <> 'rejected' AND o.merged_into IS NULL
			   AND o.geom && ST_Expand(${point}, $4::float8 / 25000.0)
			   AND ST_DWithin(o.geom::geography, ${point}::geography, $4::float8)
			   AND o.observed_at BETWEEN $3::timestamptz - make_interval(days => $5::int)
			                         AND $3::timestamptz + make_interval(days => $5::int)
			   AND ${limitsWhere('$6', '$7')}
			 ORDER BY metres, o.observed_at LIMIT $8::int`,
			[
				at.lon,
				at.lat,
				at.time,
				within.metres,
				within.days,
				areas,
				limits.includeRestricted,
				within.limit,
				at.excludeId
			]
		)
	]);
	return {
		incidents: incidents.map((r) => ({
			sourceId: Number(r.source_id),
			id: Number(r.id),
			source: String(r.source),
			category: String(r.category),
			occurredFrom: new Date(r.occurred_from as string).toISOString(),
			lon: Number(r.lon),
			lat: Number(r.lat),
			metres: Number(r.metres)
		})),
		reports: reports.map((r) => ({
			id: Number(r.id),
			sourceId: Number(r.source_id),
			source: String(r.source),
			category: (r.category as string | null) ?? null,
			observedAt: new Date(r.observed_at as string).toISOString(),
			grading: String(r.grading),
			lon: Number(r.lon),
			lat: Number(r.lat),
			metres: Number(r.metres)
		}))
	};
}

/** Set a report's status and grading (and sanitised text when given) after a decision. */
export async function setReviewOutcome(
	tx: Queryable,
	id: number,
	o: {
		status: 'new' | 'accepted' | 'rejected';
		sourceEvaluation: number;
		intelligenceAssessment: string;
		handlingCode: string;
		sanitisedText?: string | null;
		mergedInto?: number | null;
		reviewedBy: string;
	}
): Promise<void> {
	await tx.query(
		`UPDATE observations SET review_status = $2, source_evaluation = $3, intelligence_assessment = $4,
		        handling_code = $5,
		        sanitised_text = CASE WHEN $6::boolean THEN $7 ELSE sanitised_text END,
		        merged_into = CASE WHEN $8::boolean THEN $9::bigint ELSE merged_into END,
		        reviewed_by = $10, reviewed_at = now()
		 WHERE id = $1`,
		[
			id,
			o.status,
			o.sourceEvaluation,
			o.intelligenceAssessment,
			o.handlingCode,
			o.sanitisedText !== undefined,
			o.sanitisedText ?? null,
			o.mergedInto !== undefined,
			o.mergedInto ?? null,
			o.reviewedBy
		]
	);
}

export interface ReviewEntry {
	observationId: number;
	decision: 'accept' | 'regrade' | 'reject' | 'merge' | 'keep-apart' | 'corroborate' | 'conflict';
	reason: string;
	gradingBefore: string;
	gradingAfter: string;
	other: string | null;
	decidedBy: string;
}

export async function insertReview(tx: Queryable, e: ReviewEntry): Promise<number> {
	const rows = await tx.query<{ id: string }>(
		`INSERT INTO observation_reviews (observation_id, decision, reason, grading_before, grading_after,
		   other, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text AS id`,
		[e.observationId, e.decision, e.reason, e.gradingBefore, e.gradingAfter, e.other, e.decidedBy]
	);
	return Number(rows[0].id);
}

export interface ReviewRecord extends ReviewEntry {
	id: number;
	decidedAt: string;
}

/** The decisions on a report, oldest first. */
export async function reviewsOf(db: Queryable, observationId: number): Promise<ReviewRecord[]> {
	const rows = await db.query<Record<string, unknown>>(
		`SELECT id::text AS id, observation_id::text AS observation_id, decision, reason, grading_before,
		        grading_after, other, decided_by, decided_at
		 FROM observation_reviews WHERE observation_id = $1 ORDER BY decided_at, id`,
		[observationId]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		observationId: Number(r.observation_id),
		decision: r.decision as ReviewEntry['decision'],
		reason: String(r.reason),
		gradingBefore: String(r.grading_before),
		gradingAfter: String(r.grading_after),
		other: (r.other as string | null) ?? null,
		decidedBy: String(r.decided_by),
		decidedAt: new Date(r.decided_at as string).toISOString()
	}));
}

export interface PairReport {
	id: number;
	sourceId: number;
	source: string;
	lon: number;
	lat: number;
	observedAt: number;
	category: string | null;
	locationText: string | null;
	intelligenceAssessment: string;
	grading: string;
	text: string;
}

/**
 * Reports (not rejected, not merged, located, inside the reader's limits) that have another such report
 * within `metres` and `minutes`, in pairs not decided yet: the input of the duplicate scorer. At most
 * `limit` pairs, most recent first.
 */
export async function nearPairs(
	db: Queryable,
	within: { metres: number; minutes: number; limit: number },
	limits: ReportLimits,
	recordedText: boolean
): Promise<{ pairs: [number, number][]; reports: PairReport[] }> {
	const areas = limits.allowedAreaIds ? [...limits.allowedAreaIds] : null;
	const eligible = (alias: string) =>
		limitsWhere('$3', '$4').replaceAll('o.', `${alias}.`) +
		` AND ${alias}.review_status <> 'rejected' AND ${alias}.merged_into IS NULL AND ${alias}.geom IS NOT NULL`;
	const pairs = await db.query<{ a: string; b: string }>(
		`SELECT a.id::text AS a, b.id::text AS b
		 FROM observations a JOIN observations b
		   ON b.id > a.id
		  AND b.geom && ST_Expand(a.geom, $1::float8 / 25000.0)
		  AND ST_DWithin(a.geom::geography, b.geom::geography, $1::float8)
		  AND b.observed_at BETWEEN a.observed_at - make_interval(mins => $2::int)
		                        AND a.observed_at + make_interval(mins => $2::int)
		 WHERE ${eligible('a')} AND ${eligible('b')}
		   AND NOT EXISTS (SELECT 1 FROM duplicate_decisions d WHERE d.first_id = a.id AND d.second_id = b.id)
		 ORDER BY greatest(a.observed_at, b.observed_at) DESC, a.id, b.id
		 LIMIT $5::int`,
		[within.metres, within.minutes, areas, limits.includeRestricted, within.limit]
	);
	const ids = [...new Set(pairs.flatMap((p) => [Number(p.a), Number(p.b)]))];
	if (!ids.length) return { pairs: [], reports: [] };
	const rows = await db.query<Record<string, unknown>>(
		`SELECT o.id::text AS id, o.source_id, s.name AS source, ST_X(o.geom)::float8 AS lon,
		        ST_Y(o.geom)::float8 AS lat, (extract(epoch FROM o.observed_at) * 1000)::float8 AS t,
		        o.category, o.location_text, o.intelligence_assessment,
		        o.source_evaluation || '/' || o.intelligence_assessment || '/' || o.handling_code AS grading,
		        CASE WHEN $2::boolean THEN o.text ELSE coalesce(o.sanitised_text, o.text) END AS text
		 FROM observations o JOIN sources s ON s.id = o.source_id WHERE o.id = ANY($1::bigint[])`,
		[ids, recordedText]
	);
	return {
		pairs: pairs.map((p) => [Number(p.a), Number(p.b)]),
		reports: rows.map((r) => ({
			id: Number(r.id),
			sourceId: Number(r.source_id),
			source: String(r.source),
			lon: Number(r.lon),
			lat: Number(r.lat),
			observedAt: Number(r.t),
			category: (r.category as string | null) ?? null,
			locationText: (r.location_text as string | null) ?? null,
			intelligenceAssessment: String(r.intelligence_assessment),
			grading: String(r.grading),
			text: String(r.text)
		}))
	};
}

/** Record a merge or keep-apart decision on a pair (lower id first); false when already decided. */
export async function insertPairDecision(
	tx: Queryable,
	d: {
		first: number;
		second: number;
		decision: 'merged' | 'kept-apart';
		score: number;
		explanation: string;
		decidedBy: string;
	}
): Promise<boolean> {
	const rows = await tx.query<{ first_id: string }>(
		`INSERT INTO duplicate_decisions (first_id, second_id, decision, score, explanation, decided_by)
		 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING first_id::text`,
		[d.first, d.second, d.decision, d.score, d.explanation, d.decidedBy]
	);
	return rows.length > 0;
}

/** Incident summary for a link, or null when there is none (or it is outside the reader's limits). */
export async function incidentForLink(
	db: Queryable,
	sourceId: number,
	id: number,
	limits: ReportLimits
): Promise<{ sourceId: number; id: number; category: string } | null> {
	const rows = await db.query<{ category: string }>(
		`SELECT i.category FROM incidents i
		 WHERE i.source_id = $1 AND i.id = $2
		   AND ($4::boolean OR (i.handling_code = 'P' AND NOT i.sensitive))
		   AND ($3::int[] IS NULL OR EXISTS (
		     SELECT 1 FROM areas a WHERE a.id = ANY($3::int[]) AND ST_Covers(a.geom, i.geom)))`,
		[
			sourceId,
			id,
			limits.allowedAreaIds ? [...limits.allowedAreaIds] : null,
			limits.includeRestricted
		]
	);
	return rows.length ? { sourceId, id, category: rows[0].category } : null;
}

export interface LinkRow {
	id: number;
	observationId: number;
	kind: 'corroborates' | 'conflicts';
	otherObservationId: number | null;
	incidentSourceId: number | null;
	incidentId: number | null;
	independent: boolean;
	note: string;
	createdBy: string;
	createdAt: string;
}

export async function insertLink(
	tx: Queryable,
	l: Omit<LinkRow, 'id' | 'createdAt'>
): Promise<number> {
	const rows = await tx.query<{ id: string }>(
		`INSERT INTO observation_links (observation_id, kind, other_observation_id, incident_source_id,
		   incident_id, independent, note, created_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::text AS id`,
		[
			l.observationId,
			l.kind,
			l.otherObservationId,
			l.incidentSourceId,
			l.incidentId,
			l.independent,
			l.note,
			l.createdBy
		]
	);
	return Number(rows[0].id);
}

/** Links of the given reports (either end), newest first. */
export async function linksOf(db: Queryable, ids: readonly number[]): Promise<LinkRow[]> {
	if (!ids.length) return [];
	const rows = await db.query<Record<string, unknown>>(
		`SELECT id::text AS id, observation_id::text AS observation_id, kind,
		        other_observation_id::text AS other_observation_id, incident_source_id,
		        incident_id::text AS incident_id, independent, note, created_by, created_at
		 FROM observation_links
		 WHERE observation_id = ANY($1::bigint[]) OR other_observation_id = ANY($1::bigint[])
		 ORDER BY created_at DESC, id DESC LIMIT 200`,
		[[...ids]]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		observationId: Number(r.observation_id),
		kind: r.kind as LinkRow['kind'],
		otherObservationId: r.other_observation_id === null ? null : Number(r.other_observation_id),
		incidentSourceId: r.incident_source_id === null ? null : Number(r.incident_source_id),
		incidentId: r.incident_id === null ? null : Number(r.incident_id),
		independent: Boolean(r.independent),
		note: String(r.note),
		createdBy: String(r.created_by),
		createdAt: new Date(r.created_at as string).toISOString()
	}));
}
