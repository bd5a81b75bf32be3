/** The problem register (SARA): problems, their cells, links and responses. */
import type { Queryable } from '../client';
import { grainIs } from './rollup';

export const SARA_STAGES = ['scanning', 'analysis', 'response', 'assessment', 'closed'] as const;
export type SaraStage = (typeof SARA_STAGES)[number];
export const LINK_KINDS = ['product', 'tasking', 'alarm'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface ProblemRow {
	id: number;
	title: string;
	areaId: number | null;
	areaName: string | null;
	stage: SaraStage;
	scanning: string;
	analysis: string;
	assessment: string;
	createdBy: string | null;
	createdAt: string;
	updatedAt: string;
	cells: number;
	responses: number;
}

/**
 * Problems visible within `areaIds` (null: all): those without an area, in one of the areas, or in an
 * area whose resolution-10 cover lies inside theirs.
 */
const VISIBLE = `($1::int[] IS NULL OR p.area_id IS NULL OR p.area_id = ANY($1::int[])
	OR NOT EXISTS (SELECT 1 FROM area_cells c WHERE c.area_id = p.area_id
	  AND NOT EXISTS (SELECT 1 FROM area_cells u WHERE u.area_id = ANY($1::int[]) AND u.h3 = c.h3)))`;

function toProblem(r: Record<string, unknown>): ProblemRow {
	return {
		id: Number(r.id),
		title: String(r.title),
		areaId: r.area_id === null ? null : Number(r.area_id),
		areaName: (r.area_name as string | null) ?? null,
		stage: r.stage as SaraStage,
		scanning: String(r.scanning),
		analysis: String(r.analysis),
		assessment: String(r.assessment),
		createdBy: (r.created_by as string | null) ?? null,
		createdAt: new Date(r.created_at as string).toISOString(),
		updatedAt: new Date(r.updated_at as string).toISOString(),
		cells: Number(r.cells),
		responses: Number(r.responses)
	};
}

const PROBLEM_SELECT = `SELECT p.id, p.title, p.area_id, a.kind || ' ' || a.code || ' · ' || a.name AS area_name,
	  p.stage, p.scanning, p.analysis, p.assessment, u.display_name AS created_by, p.created_at, p.updated_at,
	  (SELECT count(*) FROM problem_cells pc WHERE pc.problem_id = p.id)::int AS cells,
	  (SELECT count(*) FROM problem_responses r WHERE r.problem_id = p.id)::int AS responses
	FROM problems p LEFT JOIN areas a ON a.id = p.area_id LEFT JOIN users u ON u.id = p.created_by`;

export async function problemsWithin(
	db: Queryable,
	areaIds: number[] | null,
	id?: number
): Promise<ProblemRow[]> {
	const rows = await db.query(
		`${PROBLEM_SELECT} WHERE ${VISIBLE} AND ($2::int IS NULL OR p.id = $2::int)
		 ORDER BY p.stage = 'closed', p.updated_at DESC, p.id DESC`,
		[areaIds, id ?? null]
	);
	return rows.map(toProblem);
}

export async function insertProblem(
	db: Queryable,
	p: { title: string; areaId: number | null; scanning: string; createdBy: number }
): Promise<number> {
	const rows = await db.query<{ id: number }>(
		`INSERT INTO problems (title, area_id, scanning, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
		[p.title, p.areaId, p.scanning, p.createdBy]
	);
	return Number(rows[0].id);
}

export async function updateProblem(
	db: Queryable,
	id: number,
	p: { title: string; stage: SaraStage; scanning: string; analysis: string; assessment: string }
): Promise<void> {
	await db.query(
		`UPDATE problems SET title = $2, stage = $3, scanning = $4, analysis = $5, assessment = $6,
		   updated_at = now() WHERE id = $1`,
		[id, p.title, p.stage, p.scanning, p.analysis, p.assessment]
	);
}

export async function problemCells(
	db: Queryable,
	id: number
): Promise<{ h3: string; res: number }[]> {
	const rows = await db.query<{ h3: string; res: number }>(
		`SELECT h3::text AS h3, res FROM problem_cells WHERE problem_id = $1 ORDER BY res, h3`,
		[id]
	);
	return rows.map((r) => ({ h3: String(r.h3), res: Number(r.res) }));
}

/** Replace the problem's cells (decimal H3 indexes with their resolution). */
export async function replaceProblemCells(
	db: Queryable,
	id: number,
	cells: { h3: string; res: number }[]
): Promise<void> {
	await db.query(`DELETE FROM problem_cells WHERE problem_id = $1`, [id]);
	if (cells.length)
		await db.query(
			`INSERT INTO problem_cells (problem_id, h3, res)
			 SELECT $1, h, r FROM unnest($2::bigint[], $3::int[]) AS u(h, r) ON CONFLICT DO NOTHING`,
			[id, cells.map((c) => c.h3), cells.map((c) => c.res)]
		);
	await db.query(`UPDATE problems SET updated_at = now() WHERE id = $1`, [id]);
}

export interface LinkRow {
	kind: LinkKind;
	refId: number;
	createdAt: string;
}

export async function problemLinks(db: Queryable, id: number): Promise<LinkRow[]> {
	const rows = await db.query(
		`SELECT kind, ref_id, created_at FROM problem_links WHERE problem_id = $1 ORDER BY kind, ref_id`,
		[id]
	);
	return rows.map((r) => ({
		kind: r.kind as LinkKind,
		refId: Number(r.ref_id),
		createdAt: new Date(r.created_at as string).toISOString()
	}));
}

/** The table holding a link kind's records, and whether it exists in this database yet. */
const LINK_TABLES: Record<LinkKind, string> = {
	product: 'products',
	tasking: 'taskings',
	alarm: 'early_warning_alarms'
};

/** Whether a record of `kind` with `refId` exists; null when its table does not exist (yet). */
export async function linkTargetExists(
	db: Queryable,
	kind: LinkKind,
	refId: number
): Promise<boolean | null> {
	const table = LINK_TABLES[kind];
	const [t] = await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [
		`public.${table}`
	]);
	if (!t?.t) return null;
	const rows = await db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [refId]);
	return rows.length > 0;
}

export async function insertLink(
	db: Queryable,
	id: number,
	kind: LinkKind,
	refId: number
): Promise<void> {
	await db.query(
		`INSERT INTO problem_links (problem_id, kind, ref_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		[id, kind, refId]
	);
}

export async function deleteLink(
	db: Queryable,
	id: number,
	kind: LinkKind,
	refId: number
): Promise<boolean> {
	const rows = await db.query(
		`DELETE FROM problem_links WHERE problem_id = $1 AND kind = $2 AND ref_id = $3 RETURNING 1`,
		[id, kind, refId]
	);
	return rows.length > 0;
}

export interface ResponseRow {
	id: number;
	description: string;
	startedOn: string;
	endedOn: string | null;
	evaluation: unknown;
	evaluatedAt: string | null;
	createdBy: string | null;
}

export async function problemResponses(db: Queryable, id: number): Promise<ResponseRow[]> {
	const rows = await db.query(
		`SELECT r.id, r.description, r.started_on::text AS started_on, r.ended_on::text AS ended_on,
		        r.evaluation, r.evaluated_at, u.display_name AS created_by
		 FROM problem_responses r LEFT JOIN users u ON u.id = r.created_by
		 WHERE r.problem_id = $1 ORDER BY r.started_on, r.id`,
		[id]
	);
	return rows.map((r) => ({
		id: Number(r.id),
		description: String(r.description),
		startedOn: String(r.started_on),
		endedOn: (r.ended_on as string | null) ?? null,
		evaluation:
			typeof r.evaluation === 'string' ? JSON.parse(r.evaluation) : (r.evaluation ?? null),
		evaluatedAt: r.evaluated_at ? new Date(r.evaluated_at as string).toISOString() : null,
		createdBy: (r.created_by as string | null) ?? null
	}));
}

export async function insertResponse(
	db: Queryable,
	id: number,
	r: { description: string; startedOn: string; endedOn: string | null; createdBy: number }
): Promise<number> {
	const rows = await db.query<{ id: number }>(
		`INSERT INTO problem_responses (problem_id, description, started_on, ended_on, created_by)
		 VALUES ($1, $2, $3::date, $4::date, $5) RETURNING id`,
		[id, r.description, r.startedOn, r.endedOn, r.createdBy]
	);
	await db.query(`UPDATE problems SET updated_at = now() WHERE id = $1`, [id]);
	return Number(rows[0].id);
}

export async function saveEvaluation(
	db: Queryable,
	responseId: number,
	evaluation: unknown
): Promise<void> {
	await db.query(
		`UPDATE problem_responses SET evaluation = $2::jsonb, evaluated_at = now() WHERE id = $1`,
		[responseId, JSON.stringify(evaluation)]
	);
}

/**
 * Incidents in `cells` (decimal H3 indexes, each at its resolution) from `from` to `to` (inclusive
 * local days), from the exact day rollups; and how many of those days some day-dated source covers.
 */
export async function countsInCells(
	db: Queryable,
	cells: { h3: string; res: number }[],
	from: string,
	to: string
): Promise<{ count: number; coveredDays: number }> {
	const [r] = await db.query<{ n: number; days: number }>(
		`SELECT
		   (SELECT coalesce(sum(cc.n), 0)::int FROM cell_counts cc
		    JOIN unnest($1::bigint[], $2::int[]) AS u(h, r) ON cc.h3 = u.h AND cc.res = u.r
		    WHERE ${grainIs('day', 'cc.grain')} AND cc.period BETWEEN $3::date AND $4::date) AS n,
		   (SELECT count(DISTINCT period_start)::int FROM source_coverage
		    WHERE grain = 'day' AND period_start BETWEEN $3::date AND $4::date) AS days`,
		[cells.map((c) => c.h3), cells.map((c) => c.res), from, to]
	);
	return { count: Number(r.n), coveredDays: Number(r.days) };
}

/** The last day holding data of the day-dated sources (the end of an open response's "after"). */
export async function lastDataDay(db: Queryable): Promise<string | null> {
	const [r] = await db.query<{ d: string | null }>(
		`SELECT max(period_start)::text AS d FROM source_coverage WHERE grain = 'day'`
	);
	return r?.d ?? null;
}
