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
 * Each size gets a fresh database `bw_scale_x<copies>[_kept]` (dropped afterwards unless --keep-db or
 * --load-only; BENCH_DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres).
 * Sizes below --bulk-from copies (default 100) are imported whole through the product's import; from
 * there on by the bulk path (bench/scale/bulk.ts: copy 0 through the import, the other copies COPYed
 * with the import's own row code, the rollups recounted by `rebuildRollups` and checked against the
 * raw counts). 100 copies (14.9 M incidents) take about 10 GB of disk and about an hour on the shared
 * 2-core machine. `--load-only` loads and keeps the databases; `--measure-only` measures kept ones.
 * The same three requests are also timed through HTTP (production build: run `npm run build` first).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { hotspotsForArea } from '../../src/lib/server/services/hotspots';
import { clearAnalysisCaches } from '../../src/lib/server/study/caches';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { cellCountsForMap } from '../../src/lib/server/services/cells';
import { writeResultsSection } from '../results';
import { benchAnalyst } from '../account';
import { startServer } from '../../tests/e2e/server';
import { signInCookie } from '../../tests/e2e/auth';
import { parseAssaults, writeResample } from './generate';
import { bulkAppendCopies, type BulkTimes } from './bulk';

const { values } = parseArgs({
	options: {
		copies: { type: 'string', default: '1,10' },
		'keep-times': { type: 'boolean', default: false },
		rounds: { type: 'string', default: '3' },
		seed: { type: 'string', default: '16' },
		'keep-db': { type: 'boolean', default: false },
		/**
		 * Sizes from this many copies on are loaded by the bulk path (bench/scale/bulk.ts: copy 0 through
		 * the import, the rest COPYed with the import's own row code, rollups recounted); default 100.
		 */
		'bulk-from': { type: 'string', default: '100' },
		'no-write': { type: 'boolean', default: false },
		/** Measure a database kept by an earlier run (--keep-db) again, without importing. */
		'measure-only': { type: 'boolean', default: false },
		/** Load each size and keep its database, without measuring (measure later with --measure-only). */
		'load-only': { type: 'boolean', default: false },
		/** Time at the service only (no production server). */
		'no-http': { type: 'boolean', default: false },
		/** Port of the production server for the HTTP timings (default: a free one). */
		port: { type: 'string' },
		/** Append each size's row (JSON) to this file, for --report. */
		'rows-out': { type: 'string' },
		/** Write the RESULTS section from rows saved with --rows-out (comma-separated files), no run. */
		report: { type: 'string' }
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
	/** Set when the size was loaded by the bulk path: its phases (seconds). */
	bulk?: BulkTimes & { importS: number };
	hot: { cold: number; warm: number; naive: number };
	rank: { cold: number; warm: number };
	cells: { cold: number; warm: number };
	/** The same three requests through HTTP (production build, signed in): client seconds. */
	http: { hot: ColdWarm; rank: ColdWarm; cells: ColdWarm };
	loadStart: number[];
	load: number[];
}
interface ColdWarm {
	cold: number;
	warm: number;
}

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
	const t = now();
	const r = await f();
	JSON.stringify(r);
	return [now() - t, r];
}

async function measure(
	db: Database,
	url: string,
	label: string,
	importS: number,
	loadStart: number[],
	bulk?: Row['bulk']
): Promise<Row> {
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
	const nan = { cold: NaN, warm: NaN };
	const http = values['no-http']
		? { hot: nan, rank: nan, cells: nan }
		: await measureHttp(db, url, {
				hot: `/api/analysis/hotspots?area=district:*&res=9&from=${hotReq.from}&to=${hotReq.to}&categories=${hotReq.categories[0]}`,
				rank: `/supervisor?area=${encodeURIComponent(rankReq.area)}&shift=late&date=${rankReq.date}&window=28`,
				cells: `/api/cells?res=9&from=${cellsReq.from}&to=${cellsReq.to}&format=bin`
			});
	return {
		label,
		incidents: Number(c.incidents),
		rollup: Number(c.rollup),
		rollup9: Number(c.rollup9),
		importS,
		...(bulk ? { bulk } : {}),
		hot: { cold: m('hotCold'), warm: m('hotWarm'), naive: m('naive') },
		rank: { cold: m('rankCold'), warm: m('rankWarm') },
		cells: { cold: m('cellsCold'), warm: m('cellsWarm') },
		http,
		loadStart,
		load: loadavg()
	};
}

/**
 * The three requests through HTTP: the production build (`node build`, as `npm start` runs it) on the
 * scale database, signed in as a bench analyst. Per round a fresh server (its caches empty; `/api/meta`
 * first opens its connections, and each route is run once for 2018 so its code is loaded), then each
 * request (2019 or 2010–2019) cold and again warm; the supervisor ranking is its
 * page (`/supervisor?area=…`, server-rendered), the others their JSON / binary API. Client seconds to
 * the whole body over loopback; medians of the rounds.
 */
async function measureHttp(
	db: Database,
	url: string,
	paths: { hot: string; rank: string; cells: string }
): Promise<Row['http']> {
	const { username, password } = await benchAnalyst(db, 'bench/scale');
	const t: Record<string, number[]> = {};
	const add = (k: string, s: number) => (t[k] ??= []).push(s);
	for (let r = 0; r < ROUNDS; r++) {
		const running = await startServer(
			{ DATABASE_URL: url, BEATWISE_DEMO: '0' },
			{
				privateBuild: `bench-scale-${new URL(url).pathname.slice(1)}`,
				...(values.port ? { port: Number(values.port) } : {})
			}
		);
		try {
			const cookie = await signInCookie(running.url, { username, password });
			const get = async (p: string) => {
				const t0 = now();
				const res = await fetch(running.url + p, { headers: { cookie } });
				const body = await res.arrayBuffer();
				if (!res.ok)
					throw new Error(`${p}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
				return now() - t0;
			};
			await get('/api/meta');
			// Code paths warm (each route once with another query: 2018 instead of 2019, another
			// period), the timed request's own answer not cached: cold is a running server's first
			// such request, not its start-up.
			for (const k of ['hot', 'rank', 'cells'] as const)
				await get(paths[k].replaceAll('2019-', '2018-'));
			for (const k of ['hot', 'rank', 'cells'] as const) {
				add(`${k}Cold`, await get(paths[k]));
				add(`${k}Warm`, await get(paths[k]));
			}
		} finally {
			await running.stop();
		}
	}
	const m = (k: string) => median(t[k]);
	return {
		hot: { cold: m('hotCold'), warm: m('hotWarm') },
		rank: { cold: m('rankCold'), warm: m('rankWarm') },
		cells: { cold: m('cellsCold'), warm: m('cellsWarm') }
	};
}

async function runSize(
	copies: number,
	keepTimes: boolean,
	input: ReturnType<typeof parseAssaults>
) {
	const name = `bw_scale_x${copies}${keepTimes ? '_kept' : ''}`;
	const loadStart = loadavg();
	const work = mkdtempSync(join(tmpdir(), 'beatwise-scale-'));
	const file = join(work, `assaults-x${copies}.csv.gz`);
	try {
		const fresh = !values['measure-only'];
		const bulkLoad = copies >= Number(values['bulk-from']);
		if (fresh) {
			// The bulk path imports copy 0 only; the rest it COPYs itself.
			await writeResample(input, file, {
				copies: bulkLoad ? 1 : copies,
				seed: Number(values.seed),
				keepTimes
			});
			await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin(`CREATE DATABASE ${name}`);
			const own = postgres(urlFor(name), { max: 1, onnotice: () => {} });
			await own.unsafe('CREATE EXTENSION postgis');
			await own.end();
		}
		const db = await openDatabase({ databaseUrl: urlFor(name) });
		try {
			let importS: number;
			let bulk: Row['bulk'];
			if (fresh) {
				await importAreaFile(db, join(SHARED, 'boundaries/police_districts.zip.geojson'), {
					kind: 'district'
				});
				const mapping = JSON.parse(
					readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
				);
				const t0 = now();
				const result = await importPaths(db, { inputs: [file], format: 'csv', mapping });
				importS = now() - t0;
				if (result.failed.length)
					throw new Error(`import failed: ${JSON.stringify(result.failed)}`);
				if (bulkLoad) {
					const times = await bulkAppendCopies(
						db,
						input,
						mapping,
						{ copies, seed: Number(values.seed), keepTimes },
						(l) => console.log(`${name}:${l}`)
					);
					bulk = { ...times, importS };
					importS += times.copyS + times.indexS + times.rollupS;
				}
				// Kept with the database, for a later --measure-only run.
				await db.query(
					`COMMENT ON DATABASE ${name} IS 'import_s=${importS.toFixed(1)}${bulk ? ' bulk=' + JSON.stringify(bulk) : ''}'`
				);
			} else {
				const [c] = await db.query<{ c: string | null }>(
					`SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1`,
					[name]
				);
				importS = Number(/import_s=([\d.]+)/.exec(c?.c ?? '')?.[1] ?? NaN);
				const b = / bulk=(\{.*\})/.exec(c?.c ?? '')?.[1];
				if (b) bulk = JSON.parse(b);
			}
			if (values['load-only']) return null;
			const label =
				copies === 1
					? 'real data (×1)'
					: `×${copies}, ${keepTimes ? 'times kept' : 'times shifted ±180 d'}`;
			const row = await measure(db, urlFor(name), label, importS, loadStart, bulk);
			console.log(JSON.stringify(row));
			if (values['rows-out']) appendFileSync(values['rows-out'], JSON.stringify(row) + '\n');
			return row;
		} finally {
			await db.close();
			if (fresh && !values['keep-db'] && !values['load-only'])
				await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** The RESULTS tables: at the service and through HTTP, each size against the ×1 row of the rows given. */
function table(rows: Row[]): string[] {
	const s = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 0.1 ? 4 : 3) : '—');
	const n = (x: number) => x.toLocaleString('en-GB');
	const l = (x: number[]) => x.map((v) => v.toFixed(1)).join(' / ');
	const base = rows.find((r) => r.incidents < 200_000);
	const vs = (x: number, b: number | undefined) =>
		b && Number.isFinite(x) ? ` (${(x / b).toFixed(1)}×)` : '';
	return [
		`At the service (in-process, postgres.js). In brackets: the time against the real data's (×1) in the same table.`,
		'',
		'| data | incidents | rollup rows (all / res 9) | import s (rows/s) | hot spots cold | warm | naive GROUP BY | naive / cold | 28-day ranking cold | warm | cells 1 year cold | warm | load at start / end (1 min) |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.label} | ${n(r.incidents)} | ${n(r.rollup)} / ${n(r.rollup9)} | ${r.importS.toFixed(0)} (${n(Math.round(r.incidents / r.importS))})${r.bulk ? ' bulk' : ''} | ${s(r.hot.cold)}${vs(r.hot.cold, base?.hot.cold)} | ${s(r.hot.warm)} | ${s(r.hot.naive)} | ${(r.hot.naive / r.hot.cold).toFixed(1)}× | ${s(r.rank.cold)}${vs(r.rank.cold, base?.rank.cold)} | ${s(r.rank.warm)} | ${s(r.cells.cold)}${vs(r.cells.cold, base?.cells.cold)} | ${s(r.cells.warm)} | ${r.loadStart[0].toFixed(1)} / ${r.load[0].toFixed(1)} |`
		),
		...rows
			.filter((r) => r.bulk)
			.map(
				(r) =>
					`\n"bulk": ${r.label} was loaded by the bench's bulk path (bench/scale/bulk.ts), not the per-batch import: copy 0 (${n(r.incidents - r.bulk!.rows)} rows) through the import in ${r.bulk!.importS.toFixed(0)} s, the other ${n(r.bulk!.rows)} rows COPYed with the import's row code in ${r.bulk!.copyS.toFixed(0)} s, secondary indexes rebuilt in ${r.bulk!.indexS.toFixed(0)} s, rollups recounted (\`rebuildRollups\`) in ${r.bulk!.rollupS.toFixed(0)} s; rollup sums checked equal to the raw counts at every resolution and grain (${r.bulk!.checkS.toFixed(0)} s).`
			),
		'',
		"Through HTTP (production build, signed in; a fresh server per round, each route first run once for 2018 so its code is loaded: cold is the running server's first request for this period, warm the same again; the ranking is the server-rendered `/supervisor` page, hot spots `/api/analysis/hotspots` JSON, cells `/api/cells?format=bin`). Client seconds to the whole body.",
		'',
		'| data | hot spots cold | warm | naive / cold | 28-day ranking cold | warm | cells 1 year cold | warm | load at end (1/5/15 min) |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows
			.filter((r) => Number.isFinite(r.http.hot.cold))
			.map(
				(r) =>
					`| ${r.label} | ${s(r.http.hot.cold)}${vs(r.http.hot.cold, base?.http.hot.cold)} | ${s(r.http.hot.warm)} | ${(r.hot.naive / r.http.hot.cold).toFixed(1)}× | ${s(r.http.rank.cold)}${vs(r.http.rank.cold, base?.http.rank.cold)} | ${s(r.http.rank.warm)} | ${s(r.http.cells.cold)}${vs(r.http.cells.cold, base?.http.cells.cold)} | ${s(r.http.cells.warm)} | ${l(r.load)} |`
			)
	];
}

async function main() {
	let rows: Row[] = [];
	if (values.report) {
		for (const f of values.report.split(','))
			rows.push(
				...readFileSync(f, 'utf8')
					.split('\n')
					.filter(Boolean)
					.map((l) => JSON.parse(l) as Row)
			);
	} else {
		const input = parseAssaults(
			await text(
				createReadStream(join(SHARED, 'derived/chicago_aggravated_assaults.csv.gz')).pipe(
					createGunzip()
				)
			)
		);
		for (const c of values.copies.split(',').map(Number)) {
			const row = await runSize(c, values['keep-times'] && c > 1, input);
			if (row) rows.push(row);
		}
		if (values['load-only']) return;
	}
	rows = rows.sort((a, b) => a.incidents - b.incidents || a.label.localeCompare(b.label));
	const lines = [
		`Run ${new Date().toISOString()} on this machine (2 cores, shared with other engineers' work), PostgreSQL 15 + PostGIS, medians of ${ROUNDS} rounds, seed ${values.seed}. Cold: analysis caches emptied before the request (HTTP: see below); warm: the same request again. Seconds.`,
		'',
		...table(rows)
	];
	console.log(lines.join('\n'));
	if (!values['no-write']) await writeResultsSection('Scale: runs', lines.join('\n'));
}

await main();
