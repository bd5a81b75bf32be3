/**
 * Scale benchmark (issue 16): the real Chicago aggravated assaults resampled (bench/scale/generate.ts)
 * to `copies` × 148,636 incidents, imported through Beatwise's own import into PostgreSQL + PostGIS,
 * then three requests at the service, cold (analysis caches emptied) and warm (the same request again):
 *   1. ten-year hot spots at res 9 over every police district, beside the naive `GROUP BY h3_r9` over
 *      the raw incidents in the same run;
 *   2. the last-28-days supervisor ranking (late shift) for one district;
 *   3. the map cells at res 9 for one year (2019).
 * Reports incidents, rollup rows (all and res 9), import time and the machine's load, and writes the
 * "Scale" section of bench/RESULTS.md (one row per size and variant of this run).
 *
 *   npx tsx bench/scale/run.ts --copies 1,10,100 [--keep-times] [--rounds 3] [--keep-db]
 *
 * Each size gets a fresh database `bw_scale_x<copies>[_kept]` (dropped afterwards unless --keep-db;
 * BENCH_DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres). 100
 * copies (14.9 M incidents) need about 4 GB of disk for the database and run unattended for hours on
 * a 2-core machine. Not measured here: the same requests through HTTP (bench/hotspots does that for
 * request 1 at 150 k).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { text } from 'node:stream/consumers';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { clearAnalysisCaches, hotspotsForArea } from '../../src/lib/server/services/hotspots';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { cellCountsForMap } from '../../src/lib/server/services/cells';
import { writeResultsSection } from '../results';
import { parseAssaults, writeResample } from './generate';

const { values } = parseArgs({
	options: {
		copies: { type: 'string', default: '1,10' },
		'keep-times': { type: 'boolean', default: false },
		rounds: { type: 'string', default: '3' },
		seed: { type: 'string', default: '16' },
		'keep-db': { type: 'boolean', default: false },
		'no-write': { type: 'boolean', default: false }
	}
});
const ROUNDS = Number(values.rounds);
const SHARED = resolve('../shared/data/chicago-cpd');
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const urlFor = (name: string) => {
	const u = new URL(base);
	u.pathname = `/${name}`;
	return u.toString();
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now() / 1000;

async function admin(sql: string) {
	const a = postgres(base, { max: 1, onnotice: () => {} });
	try {
		await a.unsafe(sql);
	} finally {
		await a.end();
	}
}

interface Row {
	label: string;
	incidents: number;
	rollup: number;
	rollup9: number;
	importS: number;
	hot: { cold: number; warm: number; naive: number };
	rank: { cold: number; warm: number };
	cells: { cold: number; warm: number };
	load: number[];
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
	const t = now();
	const r = await f();
	JSON.stringify(r);
	return [now() - t, r];
}

async function measure(db: Database, label: string, importS: number): Promise<Row> {
	for (const t of ['incidents', 'cell_counts', 'area_cells', 'area_coarse_cells'])
		await db.query(`VACUUM ANALYZE ${t}`);
	const [c] = await db.query<{ incidents: number; rollup: number; rollup9: number }>(
		`SELECT (SELECT count(*) FROM incidents)::int AS incidents,
		        (SELECT count(*) FROM cell_counts)::int AS rollup,
		        (SELECT count(*) FROM cell_counts WHERE res = 9)::int AS rollup9`
	);
	const [{ code }] = await db.query<{ code: string }>(
		`SELECT code FROM areas WHERE kind = 'district' ORDER BY code LIMIT 1`
	);
	const hotReq = {
		area: ['district:*'],
		res: 9,
		from: '2010-01-01',
		to: '2019-12-31',
		categories: ['violence-and-sexual-offences']
	};
	const rankReq = {
		area: `district:${code}`,
		shift: 'late' as const,
		date: '2019-12-31',
		today: '2019-12-31',
		windowDays: 28
	};
	const cellsReq = { res: 9, from: '2019-01-01', to: '2019-12-31', categories: [] };
	const naiveSql = `SELECT h3_r9, count(*)::int AS n FROM incidents
		WHERE category = 'violence-and-sexual-offences' AND h3_r9 IS NOT NULL
		  AND local_day BETWEEN '2010-01-01' AND '2019-12-31' GROUP BY 1`;
	// One untimed pass (connections, JIT).
	await hotspotsForArea(db, hotReq);
	await riskForShift(db, rankReq);
	await cellCountsForMap(db, cellsReq);
	const t: Record<string, number[]> = {};
	const add = (k: string, s: number) => (t[k] ??= []).push(s);
	for (let r = 0; r < ROUNDS; r++) {
		clearAnalysisCaches();
		add('hotCold', (await timed(() => hotspotsForArea(db, hotReq)))[0]);
		add('hotWarm', (await timed(() => hotspotsForArea(db, hotReq)))[0]);
		add('naive', (await timed(() => db.query(naiveSql)))[0]);
		clearAnalysisCaches();
		add('rankCold', (await timed(() => riskForShift(db, rankReq)))[0]);
		add('rankWarm', (await timed(() => riskForShift(db, rankReq)))[0]);
		clearAnalysisCaches();
		add('cellsCold', (await timed(() => cellCountsForMap(db, cellsReq)))[0]);
		add('cellsWarm', (await timed(() => cellCountsForMap(db, cellsReq)))[0]);
	}
	const m = (k: string) => median(t[k]);
	return {
		label,
		incidents: Number(c.incidents),
		rollup: Number(c.rollup),
		rollup9: Number(c.rollup9),
		importS,
		hot: { cold: m('hotCold'), warm: m('hotWarm'), naive: m('naive') },
		rank: { cold: m('rankCold'), warm: m('rankWarm') },
		cells: { cold: m('cellsCold'), warm: m('cellsWarm') },
		load: loadavg()
	};
}

async function runSize(
	copies: number,
	keepTimes: boolean,
	input: ReturnType<typeof parseAssaults>
) {
	const name = `bw_scale_x${copies}${keepTimes ? '_kept' : ''}`;
	const work = mkdtempSync(join(tmpdir(), 'beatwise-scale-'));
	const file = join(work, `assaults-x${copies}.csv.gz`);
	try {
		await writeResample(input, file, { copies, seed: Number(values.seed), keepTimes });
		await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin(`CREATE DATABASE ${name}`);
		const own = postgres(urlFor(name), { max: 1, onnotice: () => {} });
		await own.unsafe('CREATE EXTENSION postgis');
		await own.end();
		const db = await openDatabase({ databaseUrl: urlFor(name) });
		try {
			await importAreaFile(db, join(SHARED, 'boundaries/police_districts.zip.geojson'), {
				kind: 'district'
			});
			const mapping = JSON.parse(
				readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
			);
			const t0 = now();
			const result = await importPaths(db, { inputs: [file], format: 'csv', mapping });
			const importS = now() - t0;
			if (result.failed.length) throw new Error(`import failed: ${JSON.stringify(result.failed)}`);
			const label =
				copies === 1
					? 'real data (×1)'
					: `×${copies}, ${keepTimes ? 'times kept' : 'times shifted ±180 d'}`;
			const row = await measure(db, label, importS);
			console.log(JSON.stringify(row));
			return row;
		} finally {
			await db.close();
			if (!values['keep-db']) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

async function main() {
	const loadStart = loadavg();
	const input = parseAssaults(
		await text(
			createReadStream(join(SHARED, 'derived/chicago_aggravated_assaults.csv.gz')).pipe(
				createGunzip()
			)
		)
	);
	const rows: Row[] = [];
	for (const c of values.copies.split(',').map(Number))
		rows.push(await runSize(c, values['keep-times'] && c > 1, input));
	const s = (x: number) => x.toFixed(x < 0.1 ? 4 : 3);
	const n = (x: number) => x.toLocaleString('en-GB');
	const l = (x: number[]) => x.map((v) => v.toFixed(1)).join(' / ');
	const lines = [
		`Run ${new Date().toISOString()} on this machine (2 cores, shared with other engineers' work), PostgreSQL 15 + PostGIS through postgres.js, medians of ${ROUNDS} rounds, seed ${values.seed}. Load average (1/5/15 min) ${l(loadStart)} at the start. Cold: analysis caches emptied before the request; warm: the same request again. Seconds.`,
		'',
		'| data | incidents | rollup rows (all / res 9) | import s (rows/s) | hot spots cold | warm | naive GROUP BY | cold vs naive | 28-day ranking cold | warm | cells 1 year cold | warm | load at end |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.label} | ${n(r.incidents)} | ${n(r.rollup)} / ${n(r.rollup9)} | ${r.importS.toFixed(0)} (${n(Math.round(r.incidents / r.importS))}) | ${s(r.hot.cold)} | ${s(r.hot.warm)} | ${s(r.hot.naive)} | ${(r.hot.naive / r.hot.cold).toFixed(1)}× | ${s(r.rank.cold)} | ${s(r.rank.warm)} | ${s(r.cells.cold)} | ${s(r.cells.warm)} | ${l(r.load)} |`
		)
	];
	console.log(lines.join('\n'));
	if (!values['no-write'])
		await writeResultsSection(
			`Scale: ×${values.copies}${values['keep-times'] ? ', times kept' : ''}`,
			lines.join('\n')
		);
}

await main();
