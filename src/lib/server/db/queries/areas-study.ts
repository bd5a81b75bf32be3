/**
 * Study areas and rollup counts for the analysis services: areas by reference (`kind:*` included),
 * their size before any cell is listed, their cells at a resolution, and counts per study cell per
 * period or time step, read from the rollups (`cell_counts`, never raw incidents).
 */
import type { Queryable } from '../client';
import { areaCoverCells, rollupRows } from './rollup';
import type { AreaRef } from './areas-counts';

/** An area with the version of its row (changes whenever the area and its cover are replaced). */
export interface VersionedArea extends AreaRef {
	version: string;
}

/** Areas named by id, `kind:code` or `kind:*`; `missing` lists the references that matched nothing. */
export async function findAreas(
	db: Queryable,
	refs: readonly string[]
): Promise<{ areas: VersionedArea[]; missing: string[] }> {
	const found = new Map<number, VersionedArea>();
	const missing: string[] = [];
	// xmin: the transaction that last wrote the row; the import replaces an area and its cover together.
	const cols = 'id, kind, code, name, xmin::text AS version';
	for (const ref of refs) {
		const m = /^([a-z0-9_-]+):(.+)$/.exec(ref);
		const rows = m
			? m[2] === '*'
				? await db.query<VersionedArea>(`SELECT ${cols} FROM areas WHERE kind = $1 ORDER BY code`, [
						m[1]
					])
				: await db.query<VersionedArea>(`SELECT ${cols} FROM areas WHERE kind = $1 AND code = $2`, [
						m[1],
						m[2]
					])
			: /^\d+$/.test(ref) && Number(ref) <= 2_147_483_647
				? await db.query<VersionedArea>(`SELECT ${cols} FROM areas WHERE id = $1`, [Number(ref)])
				: [];
		if (rows.length === 0) missing.push(ref);
		for (const r of rows) found.set(Number(r.id), { ...r, id: Number(r.id) });
	}
	return { areas: [...found.values()], missing };
}

/**
 * Approximate surface of the areas in square metres: planar area in degrees² scaled by cos(latitude)
 * of each area's centroid (within ~0.1 % of the spheroidal area for city-sized areas, and ~25× cheaper
 * than a geography cast). Enough to size a study area before listing its cells.
 */
export async function areasSquareMetres(db: Queryable, areaIds: number[]): Promise<number> {
	const rows = await db.query<{ m2: number | string | null }>(
		`SELECT (sum(ST_Area(geom) * cos(radians(ST_Y(ST_Centroid(geom))))) * 111319.49079327357 ^ 2)::float8 AS m2
		 FROM areas WHERE id = ANY($1::int[])`,
		[areaIds]
	);
	return Number(rows[0]?.m2 ?? 0);
}

/**
 * Distinct cells at `res` of the areas' covers (`areaCoverCells`: the resolution-10 cover, its parents
 * stored per resolution 5–9 in `area_coarse_cells`), hex, sorted.
 */
export async function areasCells(db: Queryable, areaIds: number[], res: number): Promise<string[]> {
	// Sorted as integers: the order of their fixed-length hex (JavaScript's sort), without collation.
	const rows = await db.query<{ cell: string }>(
		`SELECT to_hex(c.h3) AS cell FROM (
		   SELECT DISTINCT h3 FROM (${areaCoverCells(res, '$1::int[]')}) x
		 ) c ORDER BY c.h3`,
		[areaIds]
	);
	return rows.map((r) => r.cell);
}

/**
 * Changes whenever the rollups change: an import commits a batch (batches and their imported counters
 * move in the same transaction as the rollup), or incidents are deleted or updated (the rollup
 * trigger counts those in `rollup_edits`). Cached counts are therefore never older than the rollups.
 */
export async function rollupVersion(db: Queryable): Promise<string> {
	const rows = await db.query<{ v: string }>(
		`SELECT count(*)::text || ':' || coalesce(sum(imported), 0)::text || ':' || coalesce(max(id), 0)::text
		        || ':' || coalesce((SELECT sum(edits) FROM rollup_edits), 0)::text AS v
		 FROM import_batches`
	);
	return rows[0].v;
}

export interface StudyCountFilter {
	res: number;
	from: string;
	to: string;
	categories: string[] | null;
}

/** Study cells (hex) as the decimal bigint text PostgreSQL arrays take. */
function bigintCells(cells: readonly string[]): string[] {
	return cells.map((c) => BigInt('0x' + c).toString());
}

/**
 * Counts per study cell at `res` over the period (whole cells: every incident in a study cell counts,
 * also the part of a coarse cell that pokes out of an area). Cells without incidents are absent.
 */
export async function countsInStudyCells(
	db: Queryable,
	cells: readonly string[],
	f: StudyCountFilter
): Promise<{ cell: string; n: number }[]> {
	// Summed per cell first, then joined to the study cells: about 40 % faster than joining every
	// rollup row to the study cells and summing after.
	const rows = await db.query<{ cell: string; n: number }>(
		`SELECT to_hex(x.cell) AS cell, x.n
		 FROM (
		   SELECT c.h3 AS cell, sum(c.n)::int AS n
		   FROM ${rollupRows(f.res, f.from, f.to, 'year', { categories: '$2::text[]', per: 'set' })} c
		   WHERE ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		   GROUP BY 1
		 ) x
		 JOIN unnest($1::bigint[]) AS s(cell) ON s.cell = x.cell`,
		[bigintCells(cells), f.categories]
	);
	return rows.map((r) => ({ cell: r.cell, n: Number(r.n) }));
}

/** Counts per study cell and step (`week` from Monday, or `month`); step is its first day. */
export async function countsInStudyCellsByStep(
	db: Queryable,
	cells: readonly string[],
	f: StudyCountFilter,
	step: 'week' | 'month'
): Promise<{ cell: string; step: string; n: number }[]> {
	const rows = await db.query<{ cell: string; step: string; n: number }>(
		`SELECT to_hex(s.cell) AS cell, date_trunc('${step === 'week' ? 'week' : 'month'}', c.period)::date::text AS step,
		        sum(c.n)::int AS n
		 FROM ${rollupRows(f.res, f.from, f.to, step === 'week' ? 'day' : 'month', { categories: '$2::text[]', per: 'set' })} c
		 JOIN unnest($1::bigint[]) AS s(cell) ON s.cell = c.h3
		 WHERE ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		 GROUP BY 1, 2`,
		[bigintCells(cells), f.categories]
	);
	return rows.map((r) => ({ cell: r.cell, step: r.step, n: Number(r.n) }));
}

/**
 * Daily counts per category inside the areas' covers (or everywhere when `areaIds` is null). `part`
 * says where a count belongs: `both` (total and category), `total` (an incident with several
 * categories, counted once in the total of the selected ones), `category` (a further category of an
 * incident, counted in that category only).
 */
export async function dailyCountsByCategoryInAreas(
	db: Queryable,
	areaIds: number[] | null,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ day: string; category: string; n: number; part: 'both' | 'total' | 'category' }[]> {
	const rows = await db.query<{
		day: string;
		category: string;
		n: number;
		part: 'both' | 'total' | 'category';
	}>(
		`SELECT c.period::text AS day, c.category, c.part, sum(c.n)::int AS n
		 FROM ${rollupRows(areaIds === null ? 5 : 10, from, to, 'day', { categories: '$1::text[]', per: 'both' })} c
		 WHERE ($1::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($1::text[]))
		   AND ($2::int[] IS NULL OR c.h3 IN (SELECT h3 FROM area_cells WHERE area_id = ANY($2::int[])))
		 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
		[categories, areaIds]
	);
	return rows.map((r) => ({ day: r.day, category: r.category, n: Number(r.n), part: r.part }));
}

/** Monthly counts per area of a kind (month = its first day); areas with none are absent. */
export async function monthlyCountsByArea(
	db: Queryable,
	kind: string,
	from: string,
	to: string,
	categories: string[] | null
): Promise<{ areaId: number; month: string; n: number }[]> {
	const rows = await db.query<{ area_id: number; month: string; n: number }>(
		`SELECT ac.area_id, date_trunc('month', c.period)::date::text AS month, sum(c.n)::int AS n
		 FROM areas a
		 JOIN area_cells ac ON ac.area_id = a.id
		 JOIN ${rollupRows(10, from, to, 'month', { categories: '$2::text[]', per: 'set' })} c ON c.h3 = ac.h3
		 WHERE a.kind = $1
		   AND ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		 GROUP BY 1, 2`,
		[kind, categories]
	);
	return rows.map((r) => ({ areaId: Number(r.area_id), month: r.month, n: Number(r.n) }));
}

/** Every area of a kind with its counts in two periods (zeros included). */
export async function twoPeriodCountsByArea(
	db: Queryable,
	kind: string,
	now: { from: string; to: string },
	before: { from: string; to: string },
	categories: string[] | null
): Promise<{ areaId: number; code: string; name: string; now: number; before: number }[]> {
	const match = { categories: '$2::text[]', per: 'set' } as const;
	const rows = await db.query<{
		area_id: number;
		code: string;
		name: string;
		now: number;
		before: number;
	}>(
		`SELECT a.id AS area_id, a.code, a.name,
		        coalesce(sum(c.n) FILTER (WHERE c.now), 0)::int AS now,
		        coalesce(sum(c.n) FILTER (WHERE NOT c.now), 0)::int AS before
		 FROM areas a
		 LEFT JOIN area_cells ac ON ac.area_id = a.id
		 LEFT JOIN (
		   SELECT true AS now, h3, category, n FROM ${rollupRows(10, now.from, now.to, 'year', match)} x
		   UNION ALL
		   SELECT false, h3, category, n FROM ${rollupRows(10, before.from, before.to, 'year', match)} y
		 ) c ON c.h3 = ac.h3 AND ($2::text[] IS NULL AND c.category NOT LIKE 'road-collision-%' OR c.category = ANY($2::text[]))
		 WHERE a.kind = $1
		 GROUP BY a.id, a.code, a.name ORDER BY a.code`,
		[kind, categories]
	);
	return rows.map((r) => ({
		areaId: Number(r.area_id),
		code: r.code,
		name: r.name,
		now: Number(r.now),
		before: Number(r.before)
	}));
}

/** Areas of a kind (id, code, name), ordered by code. */
export async function areasOfKind(db: Queryable, kind: string): Promise<AreaRef[]> {
	const rows = await db.query<AreaRef>(
		`SELECT id, kind, code, name FROM areas WHERE kind = $1 ORDER BY code`,
		[kind]
	);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
