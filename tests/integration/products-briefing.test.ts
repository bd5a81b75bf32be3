/**
 * Community-safety briefings on the demo data (City of London), on both engines:
 * - `beatwise briefing` as an operator runs it (a real process): a public PDF of 1–6 pages naming the
 *   neighbourhood and month, the map picture on page 1, no count from 1 to 4 anywhere in its tables'
 *   text (a category whose exact count is 1–4 shows its cell-key value), stored as a product and
 *   audited (first engine only: Chromium is slow on a busy machine);
 * - frozen content: a published briefing keeps its numbers after more incidents of its month are
 *   imported, while a briefing built now shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { openDatabase } from '../../src/lib/server/db/client';
import { briefingContent, draftBriefing } from '../../src/lib/server/products/briefing';
import { MONTHS, trendReportContent } from '../../src/lib/server/products/trend-report';
import { draftAssessment } from '../../src/lib/server/products/assessment';
import {
	getProduct,
	publishProduct,
	reviewProduct,
	type ProductActor
} from '../../src/lib/server/services/products';
import { importPaths } from '../../src/lib/server/ingest/import';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import type { ProductContent } from '../../src/lib/contracts/products';
import { latLngToCell } from 'h3-js';

const AREA = 'lsoa:E01000001';
const PERIOD = '2017-06';
const actor: ProductActor = { user: null, origin: CLI_ORIGIN, name: 'test operator' };
const analyst = {
	id: 0,
	username: 'briefing-analyst',
	displayName: 'Analyst',
	role: 'analyst' as const,
	areaIds: []
};

/** The "Top concerns" table of a briefing's content. */
function concerns(c: ProductContent): (string | number | null)[][] {
	const b = c.blocks.find((x) => x.kind === 'table' && x.heading === 'Top concerns');
	if (!b || b.kind !== 'table') throw new Error('no Top concerns table');
	return b.table.rows;
}

const tool = (cmd: string, args: string[]) => {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
	return r.stdout;
};

describe.each(engines())('community-safety briefings (%s)', (engine) => {
	let t: TestDatabase;
	let db: TestDatabase['db'];
	const work = mkdtempSync(join(tmpdir(), 'beatwise-briefing-'));

	beforeAll(async () => {
		t = await createTestDatabase(engine, { demo: true });
		db = t.db;
	}, 900_000);
	afterAll(async () => {
		await db?.close().catch(() => undefined);
		await t?.drop();
		rmSync(work, { recursive: true, force: true });
	});

	it.runIf(engine === engines()[0])(
		'beatwise briefing writes a public PDF: 1–6 pages, names the area and month, map on page 1, no small count',
		async () => {
			const internal = await briefingContent(db, {
				area: AREA,
				period: PERIOD,
				audience: 'internal',
				mapPicture: false
			});
			// Categories whose exact count this month is 1–4: the public PDF must not show it.
			const small = concerns(internal.content).filter(
				(r) => typeof r[1] === 'number' && r[1] >= 1 && r[1] <= 4 && r[0] !== 'All categories'
			);
			expect(small.length, 'the test needs a small count to hide').toBeGreaterThan(0);
			if (engine === 'pglite') await db.close();
			const out = join(work, 'public.pdf');
			const r = spawnSync(
				process.execPath,
				[
					'bin/beatwise.js',
					'briefing',
					'--area',
					AREA,
					'--period',
					PERIOD,
					'--audience',
					'public',
					'--out',
					out
				],
				{
					encoding: 'utf8',
					env: { ...process.env, DATABASE_URL: t.url ?? '', BEATWISE_DATA: t.dataDir ?? '' }
				}
			);
			expect(r.status, r.stderr).toBe(0);
			expect(r.stdout).toMatch(
				/City of London 001A: community-safety briefing, June 2017: product \d+/
			);
			if (engine === 'pglite') db = await openDatabase({ dataDir: t.dataDir });

			const pages = Number(/Pages:\s+(\d+)/.exec(tool('pdfinfo', [out]))?.[1]);
			expect(pages).toBeGreaterThanOrEqual(1);
			expect(pages).toBeLessThanOrEqual(6);
			const text = tool('pdftotext', ['-raw', out, '-']).replace(/\s+/g, ' ');
			const page1 = tool('pdftotext', ['-raw', '-f', '1', '-l', '1', out, '-']).replace(
				/\s+/g,
				' '
			);
			expect(page1).toContain('City of London 001A');
			expect(page1).toContain('June 2017');
			// The map picture (1200 × 760) is on page 1.
			const images = tool('pdfimages', ['-list', '-f', '1', '-l', '1', out]);
			expect(images).toMatch(/^\s*1\s+\d+\s+image\s+1200\s+760/m);
			mkdirSync('test-output', { recursive: true });
			writeFileSync(join('test-output', 'briefing-public.pdf'), readFileSync(out));
			tool('pdftoppm', [
				'-r',
				'60',
				'-f',
				'1',
				'-l',
				'1',
				'-png',
				out,
				'test-output/briefing-public-page'
			]);

			const [stored] = await db.query<{ id: number; content: unknown }>(
				`SELECT id, content FROM products ORDER BY id DESC LIMIT 1`
			);
			const product = await getProduct(db, Number(stored.id), scopeFor(analyst, CLI_ORIGIN));
			expect(product).toMatchObject({ type: 'briefing', audience: 'public', status: 'draft' });
			const shown = concerns(product.content);
			for (const row of shown)
				for (const v of row.slice(1, 4))
					if (typeof v === 'number') expect(v < 1 || v > 4, `${row[0]}: ${v}`).toBe(true);
			for (const [label, exact] of small) {
				const row = shown.find((x) => x[0] === label);
				const m = new RegExp(`${String(label)} (\\S+) (\\S+)`).exec(text);
				if (!row) {
					// Left out: every count of the category is published as 0.
					expect(text.includes(`${label} ${exact} `)).toBe(false);
					continue;
				}
				expect(m, `${label} in the PDF`).not.toBeNull();
				expect(m![1]).toBe(String(row[1]));
				expect(m![1]).not.toBe(String(exact));
			}
			const audit = await db.query<{ action: string }>(
				`SELECT action FROM audit_log WHERE object = $1 ORDER BY id`,
				[`product:${product.id}`]
			);
			expect(audit.map((a) => a.action)).toEqual([
				'product.create',
				'product.download',
				'product.view'
			]);
			expect(statSync(out).size).toBeGreaterThan(50_000);
		},
		900_000
	);

	it('what police are doing: patrol visits and minutes by week, tasked hot spots; public: no call signs, small counts hidden', async () => {
		const [area] = await db.query<{ id: number }>(
			`SELECT id FROM areas WHERE kind = 'lsoa' AND code = 'E01000001'`
		);
		const cells = await db.query<{ h3: string }>(
			`SELECT h3::text AS h3 FROM area_cells WHERE area_id = $1 ORDER BY h3 LIMIT 2`,
			[area.id]
		);
		// Cells at resolution 10 inside the LSOA, and one far outside (Westminster).
		const [inside, control] = cells.map((c) => c.h3);
		const outside = BigInt('0x' + latLngToCell(51.4975, -0.1357, 10)).toString();
		const units = await db.query<{ id: number }>(
			`INSERT INTO shift_units (shift_date, shift, call_sign, unit_type, area_id)
			 VALUES ('2017-06-05', 'early', 'CL21', 'foot', $1), ('2017-06-05', 'early', 'CL22', 'vehicle', $1)
			 RETURNING id`,
			[area.id]
		);
		const [tasking] = await db.query<{ id: number }>(
			`INSERT INTO taskings (area_id, shift_date, shift, forecast, data_version, cadence, visit_minutes,
			   target_visits, max_visits, spots_per_unit, seed, randomised)
			 VALUES ($1, '2017-06-05', 'early', '{}', '{}', 'koper', 15, 2, 3, 2, 7, true) RETURNING id`,
			[area.id]
		);
		await db.query(
			`INSERT INTO tasking_spots (tasking_id, h3, unit_id, rank, risk, origin, why, arm) VALUES
			 ($1, $2::bigint, $4, 1, 0.9, 'forecast', '{"place": "Test Street"}', 'patrol'),
			 ($1, $3::bigint, $5, 2, 0.8, 'forecast', '{"place": "Control Lane"}', 'control')`,
			[tasking.id, inside, control, units[0].id, units[1].id]
		);
		const visit = (h3: string, unit: number, start: string, minutes: number) =>
			db.query(
				`INSERT INTO patrol_visits (tasking_id, unit_id, h3, started_at, ended_at, source)
				 VALUES ($1, $2, $3::bigint, $4::timestamptz, $4::timestamptz + make_interval(mins => $5), 'phone')`,
				[tasking.id, unit, h3, start, minutes]
			);
		// Week of 5 June: 7 visits of 15 minutes; week of 19 June: 2 of 20; one visit outside the LSOA.
		for (let i = 0; i < 7; i++)
			await visit(inside, units[0].id, `2017-06-0${5 + (i % 3)}T0${7 + (i % 2)}:1${i}:00Z`, 15);
		for (let i = 0; i < 2; i++) await visit(inside, units[0].id, `2017-06-2${i}T14:0${i}:00Z`, 20);
		await visit(outside, units[1].id, '2017-06-06T10:00:00Z', 30);

		const police = (c: ProductContent) => {
			const i = c.blocks.findIndex((b) => b.heading === 'What police are doing');
			return c.blocks.slice(i, i + 3);
		};
		const internal = await briefingContent(db, {
			area: AREA,
			period: PERIOD,
			audience: 'internal',
			mapPicture: false
		});
		const [words, weekly, spots] = police(internal.content);
		expect(words.kind === 'text' && words.paragraphs[0]).toContain(
			'1 hot spot was tasked for patrol in City of London 001A on 1 shift tasking, and officers logged 9 patrol visits there (145 minutes in all)'
		);
		expect(weekly.kind === 'table' && weekly.table.rows).toEqual([
			['2017-05-29', 0, null],
			['2017-06-05', 7, 105],
			['2017-06-12', 0, null],
			['2017-06-19', 2, 40],
			['2017-06-26', 0, null]
		]);
		// The control spot of the randomised tasking is never listed.
		expect(spots.kind === 'table' && spots.table.rows).toEqual([
			['Test Street', 1, 9, 145, 'CL21']
		]);

		const pub = await briefingContent(db, {
			area: AREA,
			period: PERIOD,
			audience: 'public',
			mapPicture: false
		});
		const [, pWeekly, pSpots] = police(pub.content);
		const text = JSON.stringify(police(pub.content));
		expect(text).not.toContain('CL2');
		expect(text).not.toContain('Control Lane');
		expect(text).not.toMatch(/\d\d:\d\d/);
		if (pWeekly.kind !== 'table' || pSpots.kind !== 'table') throw new Error('tables expected');
		expect(pWeekly.table.columns).toEqual([
			'week starting (Monday)',
			'patrol visits',
			'time on patrol'
		]);
		const week = (w: string) => pWeekly.table.rows.find((r) => r[0] === w)!;
		// 2 visits: published as 0 or 5, never 2, and no time given.
		expect([0, 5]).toContain(week('2017-06-19')[1]);
		expect(week('2017-06-19')[2]).toBe('–');
		expect(Math.abs(Number(week('2017-06-05')[1]) - 7)).toBeLessThanOrEqual(2);
		expect(week('2017-06-05')[2]).toBe('about 2 h');
		expect(pSpots.table.columns).toEqual(['hot spot', 'shifts tasked', 'patrol visits']);
	}, 600_000);

	it('every chart and map of a trend report and an assessment has its text equivalent', async () => {
		const trend = await trendReportContent(db, {
			area: 'borough:E09000001',
			fromYear: 2017,
			toYear: 2018,
			mapPicture: false
		});
		const tables = (c: ProductContent) =>
			c.blocks.flatMap((b) => (b.kind === 'chart' || b.kind === 'map' ? [b] : []));
		expect(tables(trend.content).length).toBeGreaterThanOrEqual(2);
		// The small multiples draw each category month by month: the table gives every month too.
		const multiples = trend.content.blocks.find((b) => b.heading === 'Categories month by month');
		if (multiples?.kind !== 'chart') throw new Error('no small multiples');
		expect(multiples.table.columns.slice(1, 13)).toEqual([...MONTHS]);
		for (const row of multiples.table.rows) {
			expect(row).toHaveLength(14);
			const months = row.slice(1, 13).filter((v): v is number => typeof v === 'number');
			// A year without data has no total (missing, not zero).
			expect(row[13]).toBe(months.length ? months.reduce((a, v) => a + v, 0) : null);
		}
		// A map's table says where its cells are, not only how many.
		const emerging = trend.content.blocks.find((b) => b.kind === 'map');
		if (emerging?.kind === 'map')
			for (const row of emerging.table.rows)
				if (row[0] !== 'No Pattern Detected' && Number(row[1]) > 0)
					expect(String(row[2])).toMatch(/^51\.\d{3}, -0\.\d{3}/);

		const memo = await draftAssessment(
			db,
			{
				type: 'intelligence-memo',
				area: AREA,
				from: '2017-04-01',
				to: '2017-06-30',
				handlingCode: 'P',
				mapPicture: false
			},
			actor
		);
		const map = memo.content.blocks.find((b) => b.kind === 'map');
		if (map?.kind !== 'map') throw new Error('no map in the memo');
		expect(map.table.columns).toEqual([
			'confidence',
			'cells',
			'where (cell centres, to about 100 m)'
		]);
		const hot = map.geojson.features.filter(
			(f) => (f as { properties: { fill?: string } }).properties.fill
		).length;
		expect(map.table.rows.reduce((a, r) => a + Number(r[1]), 0)).toBe(hot);
		for (const r of map.table.rows) if (Number(r[1]) > 0) expect(String(r[2])).toMatch(/^51\./);
	}, 600_000);

	it('a published briefing keeps its numbers after more incidents of its month are imported', async () => {
		const p = await draftBriefing(
			db,
			{ area: AREA, period: PERIOD, audience: 'internal', mapPicture: false },
			actor
		);
		await reviewProduct(db, p.id, actor);
		const published = await publishProduct(db, p.id, actor);
		const before = JSON.stringify(published.content);
		// Eight more burglaries in the LSOA in June 2017 (a late police.uk file).
		const file = join(work, '2017-06-extra-street.csv');
		const header =
			'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
		const rows = Array.from(
			{ length: 8 },
			(_, i) =>
				`extra-${i},2017-06,City of London Police,City of London Police,-0.097736,51.520206,On or near Test Street,E01000001,City of London 001A,Burglary,,`
		);
		writeFileSync(file, [header, ...rows].join('\n') + '\n');
		const imported = await importPaths(db, {
			inputs: [file],
			format: 'police-uk',
			importedBy: 'test',
			origin: CLI_ORIGIN
		});
		expect(imported.imported).toBe(8);
		const now = await briefingContent(db, {
			area: AREA,
			period: PERIOD,
			audience: 'internal',
			mapPicture: false
		});
		const total = (c: ProductContent) => concerns(c).find((r) => r[0] === 'All categories')![1];
		expect(Number(total(now.content))).toBe(Number(total(published.content)) + 8);
		const again = await getProduct(db, p.id, scopeFor(analyst, CLI_ORIGIN));
		expect(JSON.stringify(again.content)).toBe(before);
		expect(again.status).toBe('published');
	}, 600_000);
});
