/**
 * Checks on large published data in ../shared that need no database: moved out of the unit tier (which
 * must stay fast, issue 11) without change, and skipped with a message when ../shared is absent.
 * - the Chicago aggravated-assault file (148,636 rows) streamed whole through the shipped mapping
 *   (from src/lib/server/ingest/adapters/mapped-csv.spec.ts);
 * - `beatwise backtest` recent:28 on that file against a direct count (from src/cli/commands/backtest.spec.ts);
 * - the Gi* oracle's study area and counts equal a count of that file's rows (from
 *   src/lib/server/analysis/getis-ord.spec.ts, which compares with R from the in-repo fixture).
 */
import { readFileSync } from 'node:fs';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { withoutShared } from '../helpers/db';
import { main } from '../../src/cli/main';
import { captureIo as capture } from '../../src/cli/test-io';
import { readFixture, readShared, sharedPath } from '../../src/lib/server/analysis/test-data';
import { createAdapter } from '../../src/lib/server/ingest/adapters';
import { openCsv } from '../../src/lib/server/ingest/csv';

const EXAMPLE = 'examples/mappings/chicago-aggravated-assaults.json';
const DERIVED = sharedPath('data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz');

describe.skipIf(withoutShared())('large reference data, without a database', () => {
	it('streams all 148,636 rows of the derived file: every row accounted, ids unique and stable, memory flat', async () => {
		const mapping = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
		const run = async (collectIds: boolean) => {
			const adapter = createAdapter('csv', { mapping });
			const csv = await openCsv(DERIVED);
			adapter.begin(csv.header, DERIVED);
			const ids = collectIds ? new Set<string>() : null;
			let total = 0;
			let imported = 0;
			let rejected = 0;
			let located = 0;
			const base = process.memoryUsage().heapUsed;
			let peak = 0;
			for await (const row of csv.rows) {
				total++;
				const r = adapter.parse(row);
				if (r.ok) {
					imported++;
					if (r.incident.lon !== null) located++;
					ids?.add(r.incident.externalId);
				} else rejected++;
				if (total % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - base);
			}
			return { total, imported, rejected, located, ids, peak, first: ids ? [...ids][0] : '' };
		};
		const a = await run(false);
		expect(a.total).toBe(148_636);
		expect(a.imported + a.rejected).toBe(a.total);
		expect(a.rejected).toBe(0);
		expect(a.located).toBe(148_636);
		// Holding the rows would take well over 100 MB; streaming stays within GC noise and the
		// synthetic-id table (~40 bytes per distinct row).
		expect(a.peak).toBeLessThan(64 * 1024 * 1024);
		const b = await run(true);
		// 111 lines of the file occur more than once: ordinals keep every row a separate incident.
		expect(b.ids!.size).toBe(148_636);
		const c = await run(true);
		expect([...c.ids!].slice(0, 1000)).toEqual([...b.ids!].slice(0, 1000));
		console.log(`derived file: peak heap growth ${(a.peak / 1048576).toFixed(1)} MB`);
	});

	it('recent:28 on the shared Chicago assaults equals a direct count from the file', async () => {
		const file = DERIVED;
		const c = capture();
		const opts = [
			'--from',
			'2019-01-07',
			'--to',
			'2019-06-24',
			'--step-days',
			'7',
			'--horizon-days',
			'7',
			'--coverage',
			'0.05',
			'--model',
			'recent:28'
		];
		const code = await main(
			[
				'backtest',
				'--input',
				file,
				'--lon',
				'longitude',
				'--lat',
				'latitude',
				'--date',
				'date',
				'--res',
				'8',
				'--json',
				...opts
			],
			c.io
		);
		expect(code).toBe(0);
		const r = JSON.parse(c.out());
		// Direct: dates compared as text (YYYY-MM-DD HH:mm sorts as time), counts per cell by hand.
		const lines = readShared('data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz')
			.trim()
			.split('\n')
			.slice(1);
		const pts = lines.map((l) => {
			const [date, , lon, lat] = l.split(',');
			return { date, cell: latLngToCell(Number(lat), Number(lon), 8) };
		});
		const study = [...new Set(pts.map((p) => p.cell))];
		expect(r.studyCells).toBe(study.length);
		const k = Math.ceil(0.05 * study.length);
		const iso = (d: Date) => d.toISOString().slice(0, 10);
		expect(r.origins).toHaveLength(25);
		for (const o of r.origins) {
			const t = new Date(o.origin + 'T00:00:00Z');
			const from = iso(new Date(t.getTime() - 28 * 86_400_000));
			const end = iso(new Date(t.getTime() + 7 * 86_400_000));
			const past = new Map<string, number>();
			const future = new Map<string, number>();
			for (const p of pts) {
				if (p.date >= from && p.date < o.origin) past.set(p.cell, (past.get(p.cell) ?? 0) + 1);
				else if (p.date >= o.origin && p.date < end)
					future.set(p.cell, (future.get(p.cell) ?? 0) + 1);
			}
			const scores = study.map((cell) => past.get(cell) ?? 0).sort((x, y) => y - x);
			const kth = scores[k - 1];
			const selected = study.filter((cell) =>
				kth > 0 ? (past.get(cell) ?? 0) >= kth : (past.get(cell) ?? 0) > 0
			);
			const n = [...future.values()].reduce((s, v) => s + v, 0);
			const h = selected.reduce((s, cell) => s + (future.get(cell) ?? 0), 0);
			const best = [...future.values()]
				.sort((x, y) => y - x)
				.slice(0, selected.length)
				.reduce((s, v) => s + v, 0);
			expect(o).toEqual({
				origin: o.origin,
				selectedCells: selected.length,
				hits: h,
				incidents: n,
				hitRate: h / n,
				pai: h / n / (selected.length / study.length),
				pei: h / best
			});
		}
		// Chicago's first week of 2019 at res 8: a sanity anchor for the numbers above.
		expect(r.origins[0].origin).toBe('2019-01-07');
		expect(r.mean.pai).toBeGreaterThan(1);
	});

	it("the fixture's study area and counts are the raw file's (every r8 cell with an incident 2010-2019, its 2019 count)", () => {
		const csv = readShared('data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz');
		const counts = new Map<string, number>();
		const lines = csv.split('\n');
		const header = lines[0].split(',');
		const iDate = header.indexOf('date');
		const iLat = header.indexOf('latitude');
		const iLon = header.indexOf('longitude');
		for (let l = 1; l < lines.length; l++) {
			if (!lines[l]) continue;
			const f = lines[l].split(',');
			const cell = latLngToCell(Number(f[iLat]), Number(f[iLon]), 8);
			counts.set(cell, (counts.get(cell) ?? 0) + (f[iDate].startsWith('2019') ? 1 : 0));
		}
		expect(counts.size).toBe(815);
		const fixture = readFixture('gistar-chicago-r8-2019/gistar.csv')
			.trim()
			.split('\n')
			.slice(1)
			.map((line) => line.split(','));
		expect(new Map(fixture.map(([cell, count]) => [cell, Number(count)]))).toEqual(counts);
	});
});
