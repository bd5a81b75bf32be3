/**
 * Ingest benchmark (issue 16, item 4): import the 362,296 police.uk rows of August 2021 (40 forces)
 * into real PostgreSQL + PostGIS with Beatwise, and in the same run time a bare `psql \copy` of the
 * same rows pre-converted to the incidents table's final columns into an unindexed table with the
 * same columns (the engine's own limit: no keys, indexes or triggers, no parsing, no H3, no rollups,
 * no accounting). Target: Beatwise's throughput ≥ 0.25× the bare copy's.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/ingest/run.ts [rounds]
 *
 * Each round uses fresh databases (created with PostGIS, dropped after). Results go to stdout and to
 * the "Ingest" section of bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../src/lib/server/db/client';
import { INCIDENT_COLUMNS } from '../../src/lib/server/db/queries/ingest';
import { importPaths } from '../../src/lib/server/ingest/import';
import { writeResultsSection } from '../results';

const DIR = resolve('../shared/data/uk-policeuk-2021-08-allforces/2021-08');
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const rounds = Number(process.argv[2] ?? 3);
/**
 * Files in flight per round, cycled (`BENCH_FILES_IN_FLIGHT=3,2`: odd rounds 3, even rounds 2, to
 * compare both in one run); unset: the import's default (`FILES_IN_FLIGHT`).
 */
const inFlight: (number | undefined)[] = process.env.BENCH_FILES_IN_FLIGHT
	? process.env.BENCH_FILES_IN_FLIGHT.split(',').map(Number)
	: [undefined];
const DB_A = process.env.BENCH_DB_PREFIX ? `${process.env.BENCH_DB_PREFIX}_a` : 'beatwise_bench_a';
const DB_B = process.env.BENCH_DB_PREFIX ? `${process.env.BENCH_DB_PREFIX}_b` : 'beatwise_bench_b';

function urlFor(name: string): string {
	const u = new URL(base);
	u.pathname = `/${name}`;
	return u.toString();
}

async function freshDatabase(name: string): Promise<string> {
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await admin.unsafe(`CREATE DATABASE ${name}`);
	await admin.end();
	const own = postgres(urlFor(name), { max: 1, onnotice: () => {} });
	await own.unsafe('CREATE EXTENSION postgis');
	await own.end();
	return urlFor(name);
}

async function dropDatabase(name: string): Promise<void> {
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	await admin.end();
}

const psql = (url: string, command: string) =>
	execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', command], { stdio: 'pipe' });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
	const loadStart = loadavg();
	const work = mkdtempSync(join(tmpdir(), 'beatwise-bench-'));
	const copyFile = join(work, 'incidents.copy');
	const cols = INCIDENT_COLUMNS.join(', ');
	const ours: number[] = [];
	const bare: number[] = [];
	let rows = 0;
	try {
		for (let r = 0; r < rounds; r++) {
			// Beatwise: parse, validate, H3, COPY per batch, rollups, accounting.
			const urlA = await freshDatabase(DB_A);
			const dbA = await openDatabase({ databaseUrl: urlA });
			const t0 = performance.now();
			const filesInFlight = inFlight[r % inFlight.length];
			const result = await importPaths(dbA, { inputs: [DIR], format: 'police-uk', filesInFlight });
			const t = (performance.now() - t0) / 1000;
			if (result.failed.length || result.total !== 362_296) {
				throw new Error(`import failed: ${JSON.stringify(result.failed)} total ${result.total}`);
			}
			rows = result.total;
			ours.push(t);
			await dbA.close();
			// The same rows in their final columns, as the baseline's input.
			psql(urlA, `\\copy incidents (${cols}) TO '${copyFile}'`);
			psql(urlA, `\\copy sources TO '${copyFile}.sources'`);
			psql(urlA, `\\copy import_batches TO '${copyFile}.batches'`);
			await dropDatabase(DB_A);

			// Baseline: bare \copy into an unindexed table with the incidents table's columns (no
			// keys, no indexes, no constraints but NOT NULL, no triggers): the engine's own limit.
			const urlB = await freshDatabase(DB_B);
			const dbB = await openDatabase({ databaseUrl: urlB });
			await dbB.close();
			psql(urlB, 'CREATE TABLE bare_incidents (LIKE incidents INCLUDING DEFAULTS)');
			const t1 = performance.now();
			psql(urlB, `\\copy bare_incidents (${cols}) FROM '${copyFile}'`);
			bare.push((performance.now() - t1) / 1000);
			await dropDatabase(DB_B);
			console.log(
				`round ${r + 1}${inFlight[r % inFlight.length] ? ` (${inFlight[r % inFlight.length]} files in flight)` : ''}: beatwise ${ours[r].toFixed(2)} s, bare \\copy ${bare[r].toFixed(2)} s, ratio ${(ours[r] / bare[r]).toFixed(2)}`
			);
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	const mo = median(ours);
	const mb = median(bare);
	const share = mb / mo;
	const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
	const lines = [
		`Run ${new Date().toISOString()} on ${process.env.BENCH_MACHINE ?? 'this machine (2 cores, shared)'}, PostgreSQL 15 + PostGIS via postgres.js, ${rounds} rounds, fresh databases each round, medians. Load average (1/5/15 min) ${load(loadStart)} at the start, ${load(loadavg())} at the end.`,
		'',
		'| what | seconds | rows/s |',
		'| --- | ---: | ---: |',
		`| Beatwise import (40 police.uk files: parse, validate, exact H3 cells at res 5–11, staged COPY per batch, every rollup (7 resolutions × day/month/year, or month-only for month-dated rows), accounting; up to three files in flight, batches stored side by side) | ${mo.toFixed(2)} | ${Math.round(rows / mo).toLocaleString('en-GB')} |`,
		`| bare \`psql \\copy\` of the same rows, pre-converted to the final columns, into an unindexed table with the same columns (\`LIKE incidents INCLUDING DEFAULTS\`: no keys, indexes, triggers) | ${mb.toFixed(2)} | ${Math.round(rows / mb).toLocaleString('en-GB')} |`,
		'',
		`**Throughput ${share.toFixed(2)}× the bare copy's** (target ≥ 0.25×): ${share >= 0.25 ? 'met' : 'NOT met'}. Per round: ${ours.map((o, i) => (bare[i] / o).toFixed(2)).join(', ')}.`
	];
	console.log(lines.join('\n'));
	if (!process.env.BENCH_NO_WRITE) await writeResultsSection('Ingest', lines.join('\n'));
}

await main();
