/**
 * Load with and without a read replica (issue 16 §6): the same 50-client load on the map and analysis
 * reads, first against a server on the PostgreSQL primary alone, then against a second server on the
 * same database with `DATABASE_READ_URL` naming a streaming standby of it. Both servers run the
 * production build on one fresh database holding the demo; each set-up is loaded while the other
 * server idles. The replica's committed transactions in that database are counted per set-up (from
 * its pg_stat_database), which shows where the reads went. p50/p95/p99, errors (must be zero) go to
 * bench/RESULTS.md, "Load: primary only and primary + read replica".
 *
 *   bench/replica/setup.sh start 5433     # a loopback standby of 127.0.0.1:5432 (prints its URL)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   BENCH_READ_URL=postgres://postgres@127.0.0.1:5433/postgres npx tsx bench/load/replica.ts [--seconds 20]
 *
 * On one machine the standby shares the primary's cores, so this measures what routing reads to a
 * replica costs or saves per request, not the capacity a replica on its own machine adds.
 */
import autocannon from 'autocannon';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { sessionCookie } from '../../tests/e2e/auth';
import { startServer, type RunningServer } from '../../tests/e2e/server';
import { writeResultsSection } from '../results';
import { medianServiceMs, percentile } from './measure';

const { values } = parseArgs({
	options: {
		seconds: { type: 'string', default: '20' },
		connections: { type: 'string', default: '50' }
	}
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const BBOX = '-0.1150,51.5050,-0.0700,51.5250';
const TARGETS = [
	{ name: 'cells', path: `/api/cells?res=9&format=bin` },
	{ name: 'hot spots', path: `/api/analysis/hotspots?bbox=${BBOX}&res=9` },
	{ name: 'trends', path: `/api/analysis/trends?bbox=${BBOX}&res=9` },
	{ name: 'change', path: `/api/analysis/change?bbox=${BBOX}&res=9` }
];

interface Row {
	setup: string;
	name: string;
	path: string;
	requests: number;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	errors: number;
	non2xx: number;
}

async function load(server: RunningServer, cookie: string, setup: string): Promise<Row[]> {
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
			setup,
			name: t.name,
			path: t.path,
			requests: r.requests.total,
			rps: r.requests.average,
			p50: r.latency.p50,
			p95: Math.round(percentile(latencies, 0.95)),
			p99: r.latency.p99,
			max: r.latency.max,
			errors: r.errors + r.timeouts,
			non2xx: r.non2xx
		};
		console.log(
			`${setup} ${t.name}: ${row.requests} requests, p50 ${row.p50} ms, p95 ${row.p95} ms, errors ${row.errors}, non-2xx ${row.non2xx}`
		);
		rows.push(row);
	}
	return rows;
}

function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

async function main() {
	const base = process.env.BENCH_DATABASE_URL || process.env.BEATWISE_TEST_DATABASE_URL;
	const readBase = process.env.BENCH_READ_URL || process.env.BEATWISE_TEST_READ_URL;
	if (!base || !readBase)
		throw new Error(
			'Set BENCH_DATABASE_URL (the primary) and BENCH_READ_URL (a streaming standby of it: bench/replica/setup.sh)'
		);
	const name = `beatwise_bench_replica_${Date.now().toString(36)}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	const standby = postgres(withDatabase(readBase, 'postgres'), { max: 1, onnotice: () => {} });
	await admin.unsafe(`CREATE DATABASE ${name}`);
	const databaseUrl = withDatabase(base, name);
	const own = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	await own.unsafe('CREATE EXTENSION IF NOT EXISTS postgis');
	await own.end();
	const replicaCommits = async () => {
		const [r] = await standby<{ n: string }[]>`
			SELECT coalesce(sum(xact_commit), 0)::text AS n FROM pg_stat_database WHERE datname = ${name}`;
		return Number(r.n);
	};

	const rows: Row[] = [];
	const commits: Record<string, number> = {};
	const loads: string[] = [];
	let primary: RunningServer | undefined;
	let withReplica: RunningServer | undefined;
	try {
		console.log('Starting the production build on the primary with the demo…');
		primary = await startServer(
			{ BEATWISE_DEMO: '1', DATABASE_URL: databaseUrl },
			{ privateBuild: 'load-primary', readyTimeoutMs: 600_000 }
		);
		// The demo is loaded: the standby must have it before the second server starts.
		const [{ lsn }] = await admin<{ lsn: string }[]>`SELECT pg_current_wal_lsn()::text AS lsn`;
		for (;;) {
			const [r] = await standby<{ ok: boolean }[]>`
				SELECT pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn AS ok`;
			if (r.ok) break;
			await new Promise((ok) => setTimeout(ok, 200));
		}
		console.log('Starting a second server with DATABASE_READ_URL…');
		withReplica = await startServer(
			{
				BEATWISE_DEMO: '0',
				DATABASE_URL: databaseUrl,
				DATABASE_READ_URL: withDatabase(readBase, name)
			},
			{ privateBuild: 'load-replica', readyTimeoutMs: 600_000 }
		);
		const cookie = await sessionCookie(primary.url, 'analyst', primary.dataDir);
		const cookieB = await sessionCookie(withReplica.url, 'analyst', primary.dataDir);
		for (const [setup, server, c] of [
			['primary only', primary, cookie],
			['primary + read replica', withReplica, cookieB]
		] as const) {
			const before = await replicaCommits();
			loads.push(`${setup}: ${loadavg()[0].toFixed(1)}`);
			rows.push(...(await load(server, c, setup)));
			commits[setup] = (await replicaCommits()) - before;
		}
		if (!/read replica: analysis and map reads go to DATABASE_READ_URL/.test(withReplica.log()))
			throw new Error(`the second server did not use the replica:\n${withReplica.log()}`);
	} finally {
		await withReplica?.stop();
		await primary?.stop();
		await standby.end();
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await admin.end();
	}
	const failed = rows.filter((r) => r.errors > 0 || r.non2xx > 0);
	const table = [
		'| set-up | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | non-2xx |',
		'| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(
			(r) =>
				`| ${r.setup} | ${r.name} \`${r.path}\` | ${r.requests.toLocaleString('en-GB')} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.errors} | ${r.non2xx} |`
		)
	].join('\n');
	await writeResultsSection(
		'Load: primary only and primary + read replica',
		`Run ${new Date().toISOString()} on this machine (${cpus().length} cores, shared with other engineers' builds and tests: load average (1 min) at the start of each set-up ${loads.join(', ')}; ${loadavg()[0].toFixed(1)} at the end). Production build (\`node build\`), two servers on one fresh PostgreSQL 15 + PostGIS database with the demo (City of London, 15,935 incidents): one on the primary alone, one with \`DATABASE_READ_URL\` naming a streaming standby of it on loopback (\`bench/replica/setup.sh\`, \`pg_basebackup -R\`); each loaded while the other idles. ${CONNECTIONS} autocannon clients per endpoint, signed in as the demo analyst, each endpoint for a fixed number of requests sized to last about ${SECONDS} s. Transactions committed on the standby in the bench database during each set-up: ${Object.entries(
			commits
		)
			.map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`)
			.join(
				', '
			)}. Script: \`npx tsx bench/load/replica.ts\`. The standby shares the primary's 2 cores here, so this shows what routing reads through one snapshot on a replica costs per request, not the capacity a replica on its own machine adds.

${table}

${failed.length === 0 ? '**Zero errors and zero non-2xx answers.**' : `**Errors: ${failed.map((f) => `${f.setup} ${f.name}`).join(', ')}.**`}`
	);
	process.exitCode = failed.length ? 1 : 0;
}

await main();
