/**
 * Issue 14 on both engines: an import is followed by the early-warning check (in the background,
 * the import does not wait for it); its alarms per area × category equal `beatwise early-warning`
 * (itself equal to R surveillance) on the same constructed series, EARS C2 on a short history and the
 * improved Farrington once five years are imported; the inbox keeps to the reader's areas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToLatLng, latLngToCell, polygonToCells } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { main } from '../../src/cli/main';
import { captureIo } from '../../src/cli/test-io';
import { dayToIso, isoToDay } from '../../src/lib/server/analysis/days';
import { replaceAreaCells, upsertAreas } from '../../src/lib/server/db/queries/areas';
import { importPaths } from '../../src/lib/server/ingest/import';
import { earlyWarningIdle, scheduleAfterImports } from '../../src/lib/server/jobs/early-warning';
import { computeInline } from '../../src/lib/server/jobs/tasks';
import {
	alarmInbox,
	alarmSeries,
	handleAlarm,
	type AlarmRow
} from '../../src/lib/server/services/alerts';
import {
	addResponse,
	createProblem,
	evaluateResponse,
	linkProblem,
	problemDetail,
	problemList,
	setProblemCells
} from '../../src/lib/server/services/problems';
import { binomialTwoSidedP } from '../../src/lib/server/analysis/exact-binomial';
import { draftAlarmNotice } from '../../src/lib/server/products/notice';
import {
	getProduct,
	publishProduct,
	reviewProduct,
	type Product
} from '../../src/lib/server/services/products';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import type { AuthUser } from '../../src/lib/server/auth/permissions';

/** Two squares in London, ~1.1 km apart; every incident of an area at a cell centre inside it. */
const SQUARES = {
	A: { lat: 51.5, lon: -0.1 },
	B: { lat: 51.51, lon: -0.1 }
};
const SIDE = 0.006;

type CliAlarm = { area: string; week: string; observed: number; threshold: number | null };
const asCli = (a: AlarmRow): CliAlarm => ({
	area: a.areaCode,
	week: a.week,
	observed: a.observed,
	threshold: a.threshold
});
const sorted = (list: CliAlarm[]) =>
	[...list].sort((x, y) => (x.area + x.week < y.area + y.week ? -1 : 1));

function square(c: { lat: number; lon: number }): number[][] {
	return [
		[c.lon, c.lat],
		[c.lon + SIDE, c.lat],
		[c.lon + SIDE, c.lat + SIDE],
		[c.lon, c.lat + SIDE],
		[c.lon, c.lat]
	];
}

/** Weekly counts: a seasonal level with a spike in the last week for area A, flat for B. */
function weeklyCounts(weeks: number, area: 'A' | 'B', spikeLast: boolean): number[] {
	return Array.from({ length: weeks }, (_, i) => {
		if (spikeLast && area === 'A' && i === weeks - 1) return 24;
		const base = area === 'A' ? 5 + Math.round(2 * Math.sin((2 * Math.PI * i) / 52)) : 3;
		return base + ((i * 7) % 3);
	});
}

describe.each(engines())('early warning after an import on %s', { timeout: 300_000 }, (engine) => {
	let t: TestDatabase;
	let stop: () => void;
	const work = mkdtempSync(join(tmpdir(), 'beatwise-ew-int-'));
	const ids: Record<string, number> = {};
	const points: Record<string, { lat: number; lon: number }> = {};
	let rowId = 0;
	const allRows: string[] = [];
	const mapping = {
		timezone: 'UTC',
		id: 'id',
		time: { column: 'date' },
		category: { column: 'category' },
		location: { lon: 'lon', lat: 'lat' }
	};

	/** Write the weeks from `from` for both areas (A spiking in its last week if asked) and import them. */
	async function importWeeks(name: string, from: string, weeks: number, spike: boolean) {
		const rows: string[] = [];
		for (const area of ['A', 'B'] as const) {
			weeklyCounts(weeks, area, spike).forEach((n, w) => {
				for (let j = 0; j < n; j++) {
					const d = dayToIso(isoToDay(from) + 7 * w + (j % 7));
					const p = points[area];
					rows.push(`${++rowId},${d} 12:00,burglary,${p.lon},${p.lat},${area}`);
				}
			});
		}
		allRows.push(...rows);
		const file = join(work, `${name}.csv`);
		writeFileSync(file, 'id,date,category,lon,lat,zone\n' + rows.join('\n') + '\n');
		const summary = await importPaths(t.db, { inputs: [file], format: 'csv', mapping });
		expect(summary.failed).toEqual([]);
		expect(summary.imported).toBe(rows.length);
	}

	/** `beatwise early-warning --json` on every row imported so far, grouped by area. */
	async function cli(method: string, weeksFrom: string, weeksTo: string, checkFrom: string) {
		const file = join(work, `all-${method}.csv`);
		writeFileSync(file, 'id,date,category,lon,lat,zone\n' + allRows.join('\n') + '\n');
		const c = captureIo();
		const args = ['early-warning', '--input', file, '--date', 'date', '--group', 'zone'];
		args.push('--weeks-from', weeksFrom, '--weeks-to', weeksTo, '--check-from', checkFrom);
		expect(await main([...args, '--method', method, '--json'], c.io)).toBe(0);
		const r = JSON.parse(c.out()) as {
			series: {
				group: string;
				weeks: { week: string; observed: number; threshold: number | null; alarm: boolean }[];
			}[];
		};
		return r.series.flatMap((s) =>
			s.weeks
				.filter((w) => w.alarm)
				.map((w) => ({ area: s.group, week: w.week, observed: w.observed, threshold: w.threshold }))
		);
	}

	const everywhere = { userId: 0, areaIds: null };
	let analyst: AuthUser;
	const origin = { ip: '192.0.2.15', userAgent: 'vitest' };
	/** The published early-warning notice of the spike, as published (checked again after more imports). */
	let notice: Product;

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		stop = await scheduleAfterImports(t.db, () => computeInline);
		const made = await upsertAreas(
			t.db,
			(['A', 'B'] as const).map((code) => ({
				kind: 'test-district',
				code,
				name: `District ${code}`,
				properties: {},
				geometry: { type: 'Polygon', coordinates: [square(SQUARES[code])] },
				srid: 4326,
				sourceFile: 'test'
			}))
		);
		for (const a of made) ids[a.code] = a.id;
		const covers = (['A', 'B'] as const).map((code) => {
			const cells = polygonToCells(square(SQUARES[code]), 10, true);
			const [lat, lon] = cellToLatLng(cells[0]);
			points[code] = { lat, lon };
			return { areaId: ids[code], cells: cells.map((h) => BigInt('0x' + h).toString()) };
		});
		await replaceAreaCells(t.db, covers);
		const [{ id }] = await t.db.query<{ id: number }>(
			`INSERT INTO users (username, display_name, password_hash, role) VALUES ('ana', 'Ana', 'x', 'analyst') RETURNING id`
		);
		everywhere.userId = Number(id);
		analyst = {
			id: everywhere.userId,
			username: 'ana',
			displayName: 'Ana',
			role: 'analyst',
			areaIds: []
		};
	});
	afterAll(async () => {
		stop?.();
		await earlyWarningIdle();
		await t?.drop();
		rmSync(work, { recursive: true, force: true });
	});

	it('a short history: EARS C2, alarms equal to the CLI on the same series', async () => {
		// 20 weeks, Monday 2024-01-01 to Sunday 2024-05-19.
		await importWeeks('short', '2024-01-01', 20, true);
		const run = (await earlyWarningIdle())!;
		expect(run.status).toBe('done');
		expect(run.trigger).toBe('import');
		expect(run.series).toMatchObject({ method: 'ears-c2' });
		expect(run.weeksFrom).toBe('2024-01-01');
		expect(run.weeksTo).toBe('2024-05-19');
		// The import's first day is 1 January: the last 8 weeks are checked.
		expect(run.checkFrom).toBe('2024-03-25');
		const inbox = await alarmInbox(t.db, everywhere);
		const expected = await cli('ears-c2', '2024-01-01', '2024-05-19', run.checkFrom!);
		expect(expected.length).toBeGreaterThan(0);
		expect(sorted(inbox.map(asCli))).toEqual(sorted(expected));
		expect(inbox.every((a) => a.method === 'ears-c2' && a.category === 'burglary')).toBe(true);
		expect(
			inbox.some((a) => a.areaCode === 'A' && a.week === '2024-05-13' && a.observed === 24)
		).toBe(true);
	});

	it('the inbox keeps to the reader’s areas, and each reader handles an alarm for themself', async () => {
		const inA = await alarmInbox(t.db, { userId: everywhere.userId, areaIds: [ids.A] });
		const inB = await alarmInbox(t.db, { userId: everywhere.userId, areaIds: [ids.B] });
		expect(inA.length).toBeGreaterThan(0);
		expect(inA.every((a) => a.areaCode === 'A')).toBe(true);
		expect(inB.every((a) => a.areaCode === 'B')).toBe(true);
		const spike = inA.find((a) => a.week === '2024-05-13')!;
		await expect(
			handleAlarm(
				t.db,
				{ userId: everywhere.userId, areaIds: [ids.B] },
				spike.id,
				'acknowledged',
				null
			)
		).rejects.toThrow(/No alarm/);
		await expect(handleAlarm(t.db, everywhere, spike.id, 'dismissed', ' ')).rejects.toThrow(
			/reason/
		);
		const done = await handleAlarm(t.db, everywhere, spike.id, 'dismissed', 'known event');
		expect(done).toMatchObject({ status: 'dismissed', reason: 'known event' });
		expect((await alarmInbox(t.db, everywhere, { status: 'open' })).map((a) => a.id)).not.toContain(
			spike.id
		);
		const series = await alarmSeries(t.db, spike);
		const week = series.weeks.find((w) => w.week === '2024-05-13')!;
		expect(week).toMatchObject({ observed: 24, alarm: true });
		expect(week.threshold).toBe(spike.threshold);
	});

	it('an alarm becomes an early-warning notice: frozen series, method and parameters, linked, published', async () => {
		const spike = (await alarmInbox(t.db, everywhere, { status: null })).find(
			(a) => a.areaCode === 'A' && a.week === '2024-05-13'
		)!;
		expect(spike.noticeProductId).toBeNull();
		const actor = { user: analyst, origin };
		// Outside the reader's areas the alarm does not exist for them: no notice either.
		await expect(
			draftAlarmNotice(t.db, { userId: analyst.id, areaIds: [ids.B] }, spike.id, actor)
		).rejects.toThrow(/No alarm/);
		const drafted = await draftAlarmNotice(t.db, everywhere, spike.id, actor);
		expect(drafted.created).toBe(true);
		// The alarm links to it, and drafting again opens the same notice.
		expect(
			(await alarmInbox(t.db, everywhere, { status: null })).find((a) => a.id === spike.id)
		).toMatchObject({ noticeProductId: drafted.id });
		expect(await draftAlarmNotice(t.db, everywhere, spike.id, actor)).toEqual({
			id: drafted.id,
			created: false
		});
		const scope = scopeFor(analyst, origin);
		const p = await getProduct(t.db, drafted.id, scope);
		expect(p).toMatchObject({
			type: 'early-warning-notice',
			status: 'draft',
			audience: 'internal',
			areaCode: 'A',
			periodFrom: '2024-05-13',
			periodTo: '2024-05-19'
		});
		expect(p.content.parameters).toMatchObject({
			alarmId: spike.id,
			method: 'ears-c2',
			category: 'burglary',
			week: '2024-05-13',
			observed: 24,
			threshold: spike.threshold
		});
		// The chart's table is the alarm's series, week by week, with the alarm week marked.
		const series = await alarmSeries(t.db, spike);
		const chart = p.content.blocks.find((b) => b.kind === 'chart')!;
		expect(chart.kind === 'chart' && chart.svg.startsWith('<svg')).toBe(true);
		const rows = chart.kind === 'chart' ? chart.table.rows : [];
		expect(rows.map((r) => [r[0], r[1]])).toEqual(series.weeks.map((w) => [w.week, w.observed]));
		expect(rows.find((r) => r[0] === '2024-05-13')?.[4]).toBe('alarm (this notice)');
		const method = p.content.blocks.find((b) => b.heading === 'Method and parameters')!;
		expect(JSON.stringify(method)).toContain('"alpha","0.001"');
		expect(p.content.summary[0]).toMatch(/^24 incidents of burglary were recorded in District A/);
		await reviewProduct(t.db, p.id, actor);
		notice = await publishProduct(t.db, p.id, actor);
		expect(notice.status).toBe('published');
		const audited = await t.db.query<{ action: string }>(
			`SELECT action FROM audit_log WHERE object = $1 ORDER BY id`,
			[`product:${p.id}`]
		);
		expect(audited.map((a) => a.action)).toEqual(
			expect.arrayContaining([
				'product.create',
				'product.view',
				'product.review',
				'product.publish'
			])
		);
	});

	it('five more years of history: the improved Farrington, equal to the CLI', async () => {
		// 2018-12-31 … 2023-12-31: 261 weeks before the short series; then 2024's weeks again.
		await importWeeks('history', '2018-12-31', 261, false);
		const run = (await earlyWarningIdle())!;
		expect(run.series).toMatchObject({ method: 'farrington' });
		// The history's days are all before the checked weeks: only the last week is checked again.
		expect(run.checkFrom).toBe('2024-05-13');
		const farrington = (await alarmInbox(t.db, everywhere)).filter(
			(a) => a.method === 'farrington'
		);
		const expected = await cli('farrington', run.weeksFrom!, '2024-05-19', run.checkFrom!);
		expect(expected.length).toBeGreaterThan(0);
		expect(sorted(farrington.map(asCli))).toEqual(sorted(expected));
		// The published notice says what it said: the import and the new check changed nothing in it.
		const after = await getProduct(t.db, notice.id, scopeFor(analyst, origin));
		expect(after.content).toEqual(notice.content);
		expect(after.content.parameters).toMatchObject({ method: 'ears-c2' });
	});

	it('problem register: a response evaluated on the counts in the problem’s cells, within the reader’s areas', async () => {
		const reader = { userId: everywhere.userId, areaIds: [ids.A] };
		const id = await createProblem(t.db, reader, {
			title: 'Burglary run in district A',
			areaId: ids.A,
			scanning: 'Weekly alarm'
		});
		const cell = latLngToCell(points.A.lat, points.A.lon, 10);
		expect(await setProblemCells(t.db, reader, id, `${cell}`)).toBe(1);
		await expect(setProblemCells(t.db, reader, id, 'not-a-cell')).rejects.toThrow(
			/"not-a-cell" \(number 1\) is not an H3 cell/
		);
		const responseId = await addResponse(t.db, reader, id, {
			description: 'Target hardening',
			startedOn: '2024-05-13',
			endedOn: '2024-05-19'
		});
		const e = await evaluateResponse(t.db, reader, id, responseId);
		// The spike week (24) against the week before it in area A's series.
		const a = weeklyCounts(20, 'A', true);
		expect(e.after).toEqual({ from: '2024-05-13', to: '2024-05-19', count: 24, coveredDays: 7 });
		expect(e.before).toEqual({
			from: '2024-05-06',
			to: '2024-05-12',
			count: a[18],
			coveredDays: 7
		});
		expect(e.share).toBe(0.5);
		expect(e.p).toBeCloseTo(binomialTwoSidedP(24, 24 + a[18], 0.5), 12);
		expect(e.direction).toBe('up');
		expect((await problemDetail(t.db, reader, id)).responses[0].evaluation).toEqual(e);
		// Outside the reader's areas the problem does not exist for them.
		await expect(
			problemDetail(t.db, { userId: everywhere.userId, areaIds: [ids.B] }, id)
		).rejects.toThrow(/No problem/);
		expect((await problemList(t.db, { userId: everywhere.userId, areaIds: [ids.B] })).length).toBe(
			0
		);
		await expect(linkProblem(t.db, reader, id, 'alarm', '999999')).rejects.toThrow(
			/no alarm 999999/
		);
	});
});
