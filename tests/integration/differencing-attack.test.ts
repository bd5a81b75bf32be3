/**
 * Issue 10, finding 4: public outputs must not combine to reveal a small count. The finding: a res-9
 * cell published as 8 and its res-10 children as 7 and "<5" give 8 − 7 = 1.
 *
 * Here a police.uk-style file puts known counts (the finding's 7 + 1 among them) in the seven res-10
 * children of one res-9 cell over two adjacent months and two categories, and an area covers exactly
 * those children. The attacker collects every public figure the product gives for them — the public
 * cell export at resolutions 10, 9, 8 and 7 for each month and the calendar year, each category and
 * all (public tables are a fixed set: calendar months and years, one category or all, whole cells); the community team's neighbourhood view (each category and the area total, this month, last
 * month, the three-month trend) — and derives, exactly, every count consistent with all of them
 * (tests/helpers/differencing.ts). No true count from 1 to 4, of one cell-month-category or of any
 * published figure, may be pinned down. The same attacker against the "<5" rule the cell-key method
 * replaced recovers the finding's 1, so the attacker is not blind.
 *
 * Record keys are set from seeds (the importer draws them at random): the full product path for a few
 * seeds on each engine, and the same figures computed by the disclosure rule for many more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToBoundary, cellToChildren, cellToLatLng, latLngToCell } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { consistent, revealedSmallCounts, type Figure } from '../helpers/differencing';
import { importPaths } from '../../src/lib/server/ingest/import';
import { replaceAreaCells } from '../../src/lib/server/db/queries/areas';
import { exportCellCounts } from '../../src/lib/server/services/exports';
import { neighbourhoodForViewer } from '../../src/lib/server/services/neighbourhood';
import { disclosePublicCount } from '../../src/lib/server/auth/disclosure';
import { preimage } from '../../src/lib/server/auth/cell-key';
import { mulberry32 } from '../../src/lib/server/analysis/random';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { scopeFor } from '../../src/lib/server/auth/read-scope';

const origin = { ip: null, userAgent: 'differencing' };

const THRESHOLD = 5;
const P9 = latLngToCell(51.5155, -0.0922, 9);
const CHILDREN = cellToChildren(P9, 10);
const MONTHS = [
	{ month: '2024-01', from: '2024-01-01', to: '2024-01-31' },
	{ month: '2024-02', from: '2024-02-01', to: '2024-02-29' }
];
const CATEGORIES = [
	{ code: 'burglary', crimeType: 'Burglary' },
	{ code: 'robbery', crimeType: 'Robbery' }
];
/** True counts by month, category and child: January's burglary is the finding's 7 + 1 = 8. */
const TRUE: number[][][] = [
	[
		[7, 1, 0, 0, 0, 0, 0],
		[0, 0, 2, 0, 0, 0, 0]
	],
	[
		[3, 6, 0, 4, 0, 0, 0],
		[0, 0, 1, 0, 5, 0, 0]
	]
];
const K = CHILDREN.length;
const unknown = (m: number, c: number, k: number) => (m * CATEGORIES.length + c) * K + k;
const TRUTH = TRUE.flat(2);
const label = (v: number) => {
	const k = v % K;
	const c = Math.floor(v / K) % CATEGORIES.length;
	const m = Math.floor(v / K / CATEGORIES.length);
	return `${CATEGORIES[c].code} ${MONTHS[m].month} res-10 child ${k}`;
};

/**
 * One incident record per true count, at its child's centre: its own cell at res 10 is the child, and
 * at coarser resolutions the cell its point lies in (`cellOf`), as the product counts it.
 */
const RECORDS = TRUE.flatMap((byCat, m) =>
	byCat.flatMap((byChild, c) =>
		byChild.flatMap((n, k) =>
			Array.from({ length: n }, (_, j) => ({
				id: `t-${m}-${c}-${k}-${j}`,
				unknown: unknown(m, c, k),
				at: cellToLatLng(CHILDREN[k])
			}))
		)
	)
);

/** The cell at `res` that child k's records lie in (`latLngToCell` of their point). */
function cellOf(k: number, res: number): string {
	const [lat, lng] = cellToLatLng(CHILDREN[k]);
	return latLngToCell(lat, lng, res);
}

/** Record keys for a seed, by record id. */
function keysFor(seed: number): Map<string, number> {
	const rand = mulberry32(seed);
	return new Map(RECORDS.map((r) => [r.id, Math.floor(rand() * 256)]));
}

/** The sets of unknowns behind every public figure, by what the product publishes. */
const PERIODS = [
	{ label: '2024-01', months: [0], from: MONTHS[0].from, to: MONTHS[0].to },
	{ label: '2024-02', months: [1], from: MONTHS[1].from, to: MONTHS[1].to },
	// The calendar year: here January and February.
	{ label: '2024', months: [0, 1], from: '2024-01-01', to: '2024-12-31' }
];
const CATEGORY_SETS = [[0], [1], [0, 1]];
const RESOLUTIONS = [10, 9, 8, 7];

interface FigureSpec {
	label: string;
	vars: number[];
	res: number;
	cell: string;
	period: (typeof PERIODS)[number];
	categories: number[];
}

function exportFigures(): FigureSpec[] {
	const out: FigureSpec[] = [];
	for (const res of RESOLUTIONS)
		for (const period of PERIODS)
			for (const categories of CATEGORY_SETS) {
				const cells = [...new Set(CHILDREN.map((_, k) => cellOf(k, res)))];
				for (const cell of cells) {
					const vars: number[] = [];
					for (const m of period.months)
						for (const c of categories)
							CHILDREN.forEach((_, k) => {
								if (cellOf(k, res) === cell) vars.push(unknown(m, c, k));
							});
					const cats = categories.map((c) => CATEGORIES[c].code).join('+');
					out.push({
						label: `export res ${res} ${cell} ${period.label} ${cats}`,
						vars,
						res,
						cell,
						period,
						categories
					});
				}
			}
	return out;
}

/** The neighbourhood view's figures: per category and in total, this month, last month, the trend. */
function viewFigures(): {
	label: string;
	vars: number[];
	months: number[];
	categories: number[];
}[] {
	const periods = [
		{ name: 'briefing', months: [1] },
		{ name: 'previous', months: [0] },
		// December 2023 to February 2024: December holds nothing.
		{ name: 'trend', months: [0, 1] }
	];
	return CATEGORY_SETS.flatMap((categories) =>
		periods.map((p) => ({
			label: `view ${p.name} ${categories.length > 1 ? 'total' : CATEGORIES[categories[0]].code}`,
			vars: p.months.flatMap((m) =>
				categories.flatMap((c) => CHILDREN.map((_, k) => unknown(m, c, k)))
			),
			months: p.months,
			categories
		}))
	);
}

const sum = (vars: number[], table: number[]) => vars.reduce((s, v) => s + table[v], 0);

/** Every single unknown and every published set: the quantities that must not be revealed. */
function quantities(figures: { label: string; vars: number[] }[]) {
	const seen = new Set<string>();
	const out: { label: string; vars: number[] }[] = [];
	for (const q of [...TRUTH.map((_, v) => ({ label: label(v), vars: [v] })), ...figures]) {
		const key = [...q.vars].sort((a, b) => a - b).join(',');
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(q);
	}
	return out;
}

/** What the cell-key rule publishes for a set of records with these keys. */
function cellKeyValue(vars: number[], keys: Map<string, number>): number {
	const mine = RECORDS.filter((r) => vars.includes(r.unknown));
	return disclosePublicCount(
		{ n: mine.length, keySum: mine.reduce((s, r) => s + keys.get(r.id)!, 0) },
		THRESHOLD
	);
}

const ALL_FIGURES = [...exportFigures(), ...viewFigures()];
const QUANTITIES = quantities(ALL_FIGURES);

describe('the differencing attacker', () => {
	it('recovers the finding’s count from the "<5" rule the cell-key method replaced', () => {
		// The replaced rule: 1–4 shown as "<5" (the attacker knows 1–4), everything else exact, 0 rows left out.
		const figures: Figure[] = ALL_FIGURES.map((f) => {
			const s = sum(f.vars, TRUTH);
			return {
				label: f.label,
				vars: f.vars,
				allowed: s >= 1 && s < THRESHOLD ? [1, 2, 3, 4] : [s]
			};
		});
		const revealed = revealedSmallCounts(TRUTH, figures, QUANTITIES, THRESHOLD);
		// 8 − 7: January's burglary in child 1 is 1.
		expect(revealed).toContainEqual({
			label: 'burglary 2024-01 res-10 child 1',
			vars: [unknown(0, 0, 1)],
			truth: 1
		});
		expect(revealed.length).toBeGreaterThan(1);
	});

	it('recovers no count from 1 to 4 from cell-key figures, for 100 sets of record keys', () => {
		let published = 0;
		for (let seed = 1; seed <= 100; seed++) {
			const keys = keysFor(seed);
			const figures: Figure[] = ALL_FIGURES.map((f) => ({
				label: f.label,
				vars: f.vars,
				allowed: preimage(cellKeyValue(f.vars, keys), THRESHOLD)
			}));
			expect(consistent(TRUTH, figures)).toEqual([]);
			expect(revealedSmallCounts(TRUTH, figures, QUANTITIES, THRESHOLD), `seed ${seed}`).toEqual(
				[]
			);
			published += figures.length;
		}
		expect(published).toBe(100 * ALL_FIGURES.length);
	});
});

describe.each(engines())('public outputs against the differencing attacker (%s)', (engine) => {
	let t: TestDatabase;
	let areaId = 0;
	let dir = '';
	const analyst: AuthUser = {
		id: 1,
		username: 'a',
		displayName: 'a',
		role: 'analyst',
		areaIds: []
	};
	const community = (): AuthUser => ({
		id: 2,
		username: 'c',
		displayName: 'c',
		role: 'community',
		areaIds: [areaId]
	});

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		dir = mkdtempSync(join(tmpdir(), 'beatwise-differencing-'));
		const header =
			'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
		MONTHS.forEach(({ month }, m) => {
			const lines = RECORDS.filter((r) => Math.floor(r.unknown / K / CATEGORIES.length) === m).map(
				(r) => {
					const c = Math.floor(r.unknown / K) % CATEGORIES.length;
					return `${r.id},${month},Test Police,Test Police,${r.at[1]},${r.at[0]},On or near Test Street,,,${CATEGORIES[c].crimeType},,`;
				}
			);
			writeFileSync(join(dir, `${month}-test-street.csv`), [header, ...lines].join('\n') + '\n');
		});
		const r = await importPaths(t.db, { inputs: [dir], format: 'police-uk' });
		expect(r.imported).toBe(RECORDS.length);
		// An area whose resolution-10 cover is exactly the seven children.
		const ring = cellToBoundary(P9).map(([lat, lng]) => `${lng} ${lat}`);
		const [a] = await t.db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom)
			 VALUES ('beat', 'T1', 'Test beat', ST_Multi(ST_GeomFromText($1, 4326))) RETURNING id`,
			[`POLYGON((${[...ring, ring[0]].join(', ')}))`]
		);
		areaId = Number(a.id);
		await replaceAreaCells(t.db, [
			{ areaId, cells: CHILDREN.map((c) => BigInt(`0x${c}`).toString()) }
		]);
	});
	afterAll(async () => {
		await t?.drop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('draws a record key for every imported incident', async () => {
		const [k] = await t.db.query<{ n: number; lo: number; hi: number; distinct: number }>(
			`SELECT count(*)::int AS n, min(record_key)::int AS lo, max(record_key)::int AS hi,
			        count(DISTINCT record_key)::int AS distinct FROM incidents`
		);
		expect(Number(k.n)).toBe(RECORDS.length);
		expect(Number(k.lo)).toBeGreaterThanOrEqual(0);
		expect(Number(k.hi)).toBeLessThanOrEqual(255);
		// 44 uniform draws from 256 values: all equal would mean no randomness (chance ~ 10^-104).
		expect(Number(k.distinct)).toBeGreaterThan(1);
	});

	for (const seed of [1, 2, 3]) {
		it(`reveals no count from 1 to 4 through the product’s public outputs (record keys ${seed})`, async () => {
			const keys = keysFor(seed);
			await t.db.query(
				`UPDATE incidents i SET record_key = u.k FROM unnest($1::text[], $2::smallint[]) AS u(id, k)
				 WHERE i.external_id = u.id`,
				[[...keys.keys()], [...keys.values()]]
			);
			const figures: Figure[] = [];
			const files = new Map<string, Map<string, number>>();
			for (const f of exportFigures()) {
				const key = `${f.res}|${f.period.label}|${f.categories.join()}`;
				if (!files.has(key)) {
					const file = await exportCellCounts(t.db, scopeFor(analyst, origin), {
						res: f.res,
						area: areaId,
						from: f.period.from,
						to: f.period.to,
						// Both categories are all categories: public tables take all or one.
						categories: f.categories.length > 1 ? [] : f.categories.map((c) => CATEGORIES[c].code),
						audience: 'public'
					});
					const lines = file.csv
						.replace(/^\uFEFF/, '')
						.trim()
						.split(/\r?\n/)
						.slice(1);
					files.set(key, new Map(lines.map((l) => [l.split(',')[0], Number(l.split(',')[2])])));
				}
				// A cell without a row is published as 0.
				const value = files.get(key)!.get(f.cell) ?? 0;
				expect(value, f.label).toBe(cellKeyValue(f.vars, keys));
				figures.push({ label: f.label, vars: f.vars, allowed: preimage(value, THRESHOLD) });
			}
			const view = (await neighbourhoodForViewer(t.db, {
				area: String(areaId),
				scope: scopeFor(community(), origin)
			}))!;
			expect(view.audience).toBe('public');
			expect(view.periods.briefing).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
			for (const f of viewFigures()) {
				const row =
					f.categories.length > 1
						? view.total
						: view.categories.find((c) => c.code === CATEGORIES[f.categories[0]].code);
				const name = f.label.split(' ')[1];
				const value = !row
					? 0
					: name === 'briefing'
						? row.briefingCount
						: name === 'previous'
							? row.sinceLastBriefing!.before
							: row.trendCount;
				expect(value, f.label).toBe(cellKeyValue(f.vars, keys));
				figures.push({ label: f.label, vars: f.vars, allowed: preimage(value, THRESHOLD) });
			}
			expect(figures).toHaveLength(ALL_FIGURES.length);
			expect(consistent(TRUTH, figures)).toEqual([]);
			expect(revealedSmallCounts(TRUTH, figures, QUANTITIES, THRESHOLD)).toEqual([]);
		});
	}
});
