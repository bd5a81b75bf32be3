/**
 * Load test: 50 concurrent clients against a production build on loopback (`node build`, embedded
 * database with the demo data, as startServer() runs it), signed in as the demo analyst, on the map
 * endpoint (`/api/cells`, the binary format the map uses) and every analysis endpoint found under
 * src/routes/api/analysis, each for a bounded number of requests sized to last about --seconds.
 * Zero errors (non-2xx, timeouts, resets) is the bar; p50,
 * p95, p99 latency and throughput go to the `## Load` section of bench/RESULTS.md.
 *
 *   npx tsx bench/load/run.ts [--seconds 20] [--connections 50] [--only near-repeat,profile] [--port N]
 */
import autocannon from 'autocannon';
import { existsSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startServer } from '../../tests/e2e/server';
import { sessionCookie } from '../../tests/e2e/auth';
import { writeResultsSection } from '../results';
import { medianServiceMs, percentile } from './measure';

const { values } = parseArgs({
	options: {
		seconds: { type: 'string', default: '20' },
		connections: { type: 'string', default: '50' },
		/** Comma-separated endpoint names (e.g. near-repeat,profile) to load only those. */
		only: { type: 'string' },
		/** Listen on this port (default: a free one). */
		port: { type: 'string' }
	}
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);

/** The City of London at the map's usual first view. */
const BBOX = '-0.1150,51.5050,-0.0700,51.5250';
const VIEW = `bbox=${BBOX}&res=9`;

interface Target {
	name: string;
	/** Query strings to try in order; the first answered 200 is loaded. */
	candidates: string[];
}

function targets(): Target[] {
	const list: Target[] = [
		{ name: '/api/cells', candidates: [`/api/cells?res=9&format=bin`, `/api/cells?res=9`] }
	];
	const dir = 'src/routes/api/analysis';
	if (existsSync(dir)) {
		for (const name of readdirSync(dir).sort()) {
			if (!existsSync(`${dir}/${name}/+server.ts`)) continue;
			const base = `/api/analysis/${name}`;
			list.push({
				name: base,
				candidates: [
					// Knox runs permutations over every pair in the period: a quarter and 99 permutations,
					// as an analyst would explore before a full run.
					...(name === 'near-repeat'
						? [`${base}?bbox=${BBOX}&from=2020-10-01&to=2020-12-31&permutations=99`]
						: []),
					`${base}?${VIEW}`,
					`${base}?${VIEW}&k=1&fdr=true`,
					`${base}?${VIEW}&step=month&k=1`,
					`${base}?${VIEW}&from=2020-01-01&to=2020-12-31`,
					`${base}?bbox=${BBOX}`
				]
			});
		}
	}
	return list;
}

interface Row {
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
	note?: string;
}

async function main() {
	console.log('Starting the production build (embedded database + demo data)…');
	// A private copy of the build: a run lasts minutes in a tree others rebuild.
	// The 50 clients are one signed-in user: lift the per-user limit of analyses in the worker pool so
	// the pool-backed endpoints are measured (queued for the workers) rather than refused with 429.
	const server = await startServer(
		{ BEATWISE_JOBS_PER_USER: '100', BEATWISE_JOB_QUEUE: '1000' },
		{
			privateBuild: 'load',
			readyTimeoutMs: 300_000,
			...(values.port ? { port: Number(values.port) } : {})
		}
	);
	const rows: Row[] = [];
	try {
		const cookie = await sessionCookie(server.url, 'analyst', server.dataDir);
		const only = values.only?.split(',').filter(Boolean);
		for (const t of targets().filter((t) => !only || only.some((o) => t.name.endsWith(o)))) {
			let chosen: string | null = null;
			let last = '';
			for (const c of t.candidates) {
				const t0 = performance.now();
				const res = await fetch(server.url + c, {
					headers: { cookie },
					signal: AbortSignal.timeout(30_000)
				}).catch((e: Error) => new Response(e.message, { status: 599 }));
				const body = await res.text();
				console.log(`  probe ${c}: ${res.status} in ${Math.round(performance.now() - t0)} ms`);
				if (res.ok) {
					chosen = c;
					break;
				}
				last = `${res.status} ${body.slice(0, 160)}`;
			}
			if (!chosen) {
				console.log(`${t.name}: no query answered 200 (last: ${last}); skipped`);
				rows.push({
					name: t.name,
					path: '',
					requests: 0,
					rps: 0,
					p50: 0,
					p95: 0,
					p99: 0,
					max: 0,
					errors: 0,
					non2xx: 0,
					note: `skipped: ${last.replace(/\|/g, '/')}`
				});
				continue;
			}
			await drained(server.url);
			// A fixed number of requests sized to last about SECONDS, rather than autocannon's `duration`,
			// which abandons the requests still in flight when time is up: every request sent is answered
			// and counted, and none is left queued on the server when the next endpoint starts.
			const serviceMs = await medianServiceMs(server.url + chosen, cookie);
			const amount = Math.min(
				50_000,
				Math.max(CONNECTIONS * 2, Math.round((SECONDS * 1000) / Math.max(1, serviceMs)))
			);
			console.log(
				`${t.name}: ${CONNECTIONS} clients, ${amount} requests (~${SECONDS} s at ${serviceMs} ms each) on ${chosen}`
			);
			const latencies: number[] = [];
			const instance = autocannon({
				url: server.url + chosen,
				connections: CONNECTIONS,
				amount,
				headers: { cookie },
				timeout: 60
			});
			const errorKinds = new Map<string, number>();
			instance.on('reqError', (e: Error & { code?: string }) => {
				const kind = e.code ?? e.message;
				errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
			});
			instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
				latencies.push(ms);
			});
			const r = await instance;
			const row: Row = {
				name: t.name,
				path: chosen,
				requests: r.requests.total,
				rps: r.requests.average,
				p50: r.latency.p50,
				p95: Math.round(percentile(latencies, 0.95)),
				p99: r.latency.p99,
				max: r.latency.max,
				errors: r.errors + r.timeouts,
				non2xx: r.non2xx
			};
			rows.push(row);
			if (errorKinds.size) console.log('  errors by kind:', Object.fromEntries(errorKinds));
			console.log(
				`  ${row.requests} requests, ${row.rps.toFixed(0)}/s, p50 ${row.p50} ms, p95 ${row.p95} ms, p99 ${row.p99} ms, errors ${row.errors}, non-2xx ${row.non2xx}`
			);
		}
	} finally {
		if (rows.some((r) => r.errors > 0 || r.non2xx > 0))
			console.log('Server output (last 3,000 characters):\n' + server.log().slice(-3000));
		await server.stop();
	}
	const failed = rows.filter((r) => r.errors > 0 || r.non2xx > 0 || r.note);
	const table = [
		'| endpoint (query) | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | non-2xx |',
		'| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
		...rows.map((r) =>
			r.note
				? `| ${r.name} | — | — | — | — | — | — | — | ${r.note} |`
				: `| \`${r.path}\` | ${r.requests.toLocaleString('en-GB')} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${r.errors} | ${r.non2xx} |`
		)
	].join('\n');
	await writeResultsSection(
		'Load',
		`Run ${new Date().toISOString()} on this machine (${cpus().length} cores, shared with other engineers' runs: load average ${loadavg()[0].toFixed(1)} at the end). Production build (\`node build\`) on 127.0.0.1 with the embedded database (PGlite) and the demo data (City of London, 15,935 incidents), signed in as the demo analyst (every request goes through the session lookup and permission check). autocannon, ${CONNECTIONS} concurrent connections per endpoint, one endpoint after another, each for a fixed number of requests sized from the endpoint's single-request time to last about ${SECONDS} s, so that every request sent is answered and counted. \`/api/observations\` and the exports are not loaded (they list records rather than serve the map). Script: \`npx tsx bench/load/run.ts\`.

${table}

${failed.length === 0 ? '**Zero errors and zero non-2xx answers** on every endpoint.' : `**Errors or skipped: ${failed.map((f) => f.name).join(', ')}.**`} p95 is the nearest-rank 95th percentile over every response's latency (autocannon's \`response\` events); p50/p99/max are autocannon's.`
	);
	console.log(failed.length ? 'FAILED: errors under load' : 'OK: zero errors');
	process.exitCode = failed.length ? 1 : 0;
}

/**
 * Wait until the server answers its health check quickly again: requests still queued from the last
 * run (the embedded database runs one query at a time) must not count against the next endpoint.
 */
async function drained(url: string): Promise<void> {
	const deadline = Date.now() + 300_000;
	while (Date.now() < deadline) {
		const t0 = performance.now();
		const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(60_000) })
			.then((r) => r.ok)
			.catch(() => false);
		if (ok && performance.now() - t0 < 200) return;
		await new Promise((r) => setTimeout(r, 1000));
	}
}

await main();
