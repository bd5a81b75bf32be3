/**
 * Load while heavy statistics run (issue 10, finding 1): 50 concurrent clients on the map's cell
 * counts and on hot spots, first on a quiet server and then while near-repeat jobs compute (four
 * background jobs of 9,999 permutations on the City of London, plus a client asking the interactive
 * near-repeat test with 99 permutations over and over). p50/p95/p99 of both rounds, errors (must be
 * zero), and what the near-repeat requests got, go to bench/RESULTS.md.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/load/jobs.ts [--seconds 20]
 *   npx tsx bench/load/jobs.ts --engine pglite
 *
 * With PostgreSQL a fresh database is created (and dropped) on that server; the demo is loaded into it.
 */
import autocannon from 'autocannon';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { sessionCookie, type DemoRole } from '../../tests/e2e/auth';
import { startServer, type RunningServer } from '../../tests/e2e/server';
import { writeResultsSection } from '../results';
import { medianServiceMs, percentile } from './measure';

const { values } = parseArgs({
	options: {
		seconds: { type: 'string', default: '20' },
		connections: { type: 'string', default: '50' },
		engine: { type: 'string', default: 'postgres' }
	}
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ENGINE = values.engine === 'pglite' ? 'pglite' : 'postgres';
const BBOX = '-0.1150,51.5050,-0.0700,51.5250';
const CITY = 'borough:E09000001';
const TARGETS = [
	{ name: 'cells', path: `/api/cells?res=9&format=bin` },
	{ name: 'hot spots', path: `/api/analysis/hotspots?bbox=${BBOX}&res=9` }
];

interface Row {
	round: string;
	name: string;
	path: string;
	requests: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	errors: number;
	non2xx: number;
}

async function load(server: RunningServer, cookie: string, round: string): Promise<Row[]> {
	const rows: Row[] = [];
	for (const t of TARGETS) {
		const url = server.url + t.path;
		const serviceMs = await medianServiceMs(url, cookie);
		const amount = Math.min(
			50_000,
			Math.max(CONNECTIONS * 2, Math.round((SECONDS * 1000) / Math.max(1, serviceMs)))
		);
		const latencies: number[] = [];
		const instance = autocannon({
			url,
			connections: CONNECTIONS,
			amount,
			headers: { cookie },
			timeout: 60
		});
		instance.on('response', (_c: unknown, _s: number, _b: number, ms: number) =>
			latencies.push(ms)
		);
		const r = await instance;
		const row: Row = {
			round,
			name: t.name,
			path: t.path,
			requests: r.requests.total,
			p50: r.latency.p50,
			p95: Math.round(percentile(latencies, 0.95)),
			p99: r.latency.p99,
			max: r.latency.max,
			errors: r.errors + r.timeouts,
			non2xx: r.non2xx
		};
		console.log(
			`${round} ${t.name}: ${row.requests} requests, p50 ${row.p50} ms, p95 ${row.p95} ms, p99 ${row.p99} ms, errors ${row.errors}, non-2xx ${row.non2xx}`
		);
		rows.push(row);
	}
	return rows;
}

async function main() {
	let databaseUrl: string | undefined;
	let dropDatabase = async () => {};
	if (ENGINE === 'postgres') {
		const base = process.env.BENCH_DATABASE_URL || process.env.BEATWISE_TEST_DATABASE_URL;
		if (!base)
			throw new Error(
				'Set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server (or use --engine pglite)'
			);
		const name = `beatwise_bench_jobs_${Date.now().toString(36)}`;
		const admin = postgres(base, { max: 1, onnotice: () => {} });
		await admin.unsafe(`CREATE DATABASE ${name}`);
		const u = new URL(base);
		u.pathname = `/${name}`;
		databaseUrl = u.toString();
		const own = postgres(databaseUrl, { max: 1, onnotice: () => {} });
		await own.unsafe('CREATE EXTENSION IF NOT EXISTS postgis');
		await own.end();
		dropDatabase = async () => {
			await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await admin.end();
		};
	}
	console.log(`Starting the production build on ${ENGINE} with the demo…`);
	const server = await startServer(
		{ BEATWISE_DEMO: '1', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
		{ privateBuild: 'load-jobs', readyTimeoutMs: 600_000 }
	);
	const rows: Row[] = [];
	const nearRepeat = new Map<number, number>();
	let jobsStillRunning = 0;
	try {
		const cookies = {} as Record<DemoRole, string>;
		for (const role of ['analyst', 'planner', 'supervisor', 'admin'] as const)
			cookies[role] = await sessionCookie(server.url, role, server.dataDir);
		rows.push(...(await load(server, cookies.analyst, 'quiet')));

		// Background near-repeat jobs: two each for two users (the per-user limit), hours of work.
		const jobIds: [DemoRole, number][] = [];
		for (const role of ['planner', 'admin'] as const)
			for (let i = 0; i < 2; i++) {
				const res = await fetch(`${server.url}/api/jobs`, {
					method: 'POST',
					headers: {
						cookie: cookies[role],
						origin: server.url,
						'content-type': 'application/json'
					},
					body: JSON.stringify({
						kind: 'near-repeat',
						params: { area: CITY, permutations: 9999, seed: i + 1 }
					})
				});
				if (res.status !== 202)
					throw new Error(`starting a job: ${res.status} ${await res.text()}`);
				jobIds.push([role, (await res.json()).id]);
			}
		const jobStatus = async ([role, id]: [DemoRole, number]) =>
			(await (
				await fetch(`${server.url}/api/jobs/${id}`, { headers: { cookie: cookies[role] } })
			).json()) as {
				status: string;
				progress: number;
			};
		// Wait until a job's permutations are under way (the others wait for the background worker).
		for (;;) {
			const states = await Promise.all(jobIds.map(jobStatus));
			if (states.some((s) => s.status === 'running' && s.progress > 0)) break;
			const ended = states.find((s) => s.status !== 'queued' && s.status !== 'running');
			if (ended) throw new Error(`a job ended early: ${JSON.stringify(ended)}`);
			await new Promise((r) => setTimeout(r, 500));
		}
		// And a user asking the finding's interactive request again and again meanwhile.
		let stop = false;
		const asker = (async () => {
			while (!stop) {
				const res = await fetch(
					`${server.url}/api/analysis/near-repeat?area=${CITY}&permutations=99`,
					{ headers: { cookie: cookies.supervisor } }
				);
				await res.arrayBuffer();
				nearRepeat.set(res.status, (nearRepeat.get(res.status) ?? 0) + 1);
			}
		})();
		rows.push(...(await load(server, cookies.analyst, 'near-repeat jobs running')));
		stop = true;
		await asker;
		for (const j of jobIds)
			if (['queued', 'running'].includes((await jobStatus(j)).status)) jobsStillRunning++;
		for (const [role, id] of jobIds)
			await fetch(`${server.url}/api/jobs/${id}`, {
				method: 'DELETE',
				headers: { cookie: cookies[role], origin: server.url }
			});
	} finally {
		await server.stop();
		await dropDatabase();
	}
	const failed = rows.filter((r) => r.errors > 0 || r.non2xx > 0);
	const table = [
		'| while | endpoint | requests | p50 ms | p95 ms | p99 ms | max ms | errors | non-2xx |',
		'| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.round} | ${r.name} \`${r.path}\` | ${r.requests.toLocaleString('en-GB')} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.errors} | ${r.non2xx} |`
		)
	].join('\n');
	const asked = [...nearRepeat].map(([s, n]) => `${n} × ${s}`).join(', ') || 'none finished';
	await writeResultsSection(
		`Load while near-repeat jobs run (${ENGINE === 'postgres' ? 'PostgreSQL' : 'embedded engine'})`,
		`Run ${new Date().toISOString()} on this machine (${cpus().length} cores, shared with other engineers' builds and tests: load average ${loadavg()[0].toFixed(1)} at the end). Production build (\`node build\`) on ${ENGINE === 'postgres' ? 'PostgreSQL + PostGIS (a fresh database)' : 'the embedded engine (PGlite)'} with the demo (City of London, 15,935 incidents), analysis workers at their defaults (cores − 1 = ${Math.max(1, cpus().length - 1)} for requests, 1 for background jobs). ${CONNECTIONS} autocannon clients per endpoint, signed in as the demo analyst, first on a quiet server, then while four background near-repeat jobs (City, 9,999 permutations; two users × the per-user limit of 2) compute and a supervisor asks \`/api/analysis/near-repeat?area=City&permutations=99\` over and over (answers: ${asked}). ${jobsStillRunning} of the 4 jobs were still queued or running when the load ended (then cancelled; one computes at a time on the background worker). Script: \`npx tsx bench/load/jobs.ts${ENGINE === 'pglite' ? ' --engine pglite' : ''}\`.

${table}

${failed.length === 0 ? '**Zero errors and zero non-2xx answers.**' : `**Errors: ${failed.map((f) => `${f.round} ${f.name}`).join(', ')}.**`}`
	);
	console.log(failed.length ? 'FAILED: errors under load' : 'OK: zero errors');
	process.exitCode = failed.length ? 1 : 0;
}

await main();
