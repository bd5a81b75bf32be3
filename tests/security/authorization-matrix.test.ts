/**
 * The authorisation matrix: every route × every role × anonymous against the production build, generated
 * from the route files (tests/security/routes.ts) and the permission table. A route, method or form
 * action without a rule fails here before any request is made. Beside the generated part, a hand-written
 * policy table pins the decisions that matter most, so a careless edit of the table fails too.
 *
 * Area limits (issue 10, finding 2): every route is classified by what it returns (`ROUTE_READS`); each
 * one that returns records or text must decide through `readScope` and has an area-limit case here, run
 * for an analyst limited to Westminster against City of London records (none may come back, the read is
 * audited) and for an unlimited analyst (they do come back, so the case can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../e2e/server';
import { sessionCookie, signInCookie, type DemoRole } from '../e2e/auth';
import { listRoutes, routeServerSources, ROUTE_READS, samplePath, type RouteEntry } from './routes';
import { ROLES, ROUTE_RULES, decide, type Role } from '../../src/lib/server/auth/permissions';
import { openDatabase } from '../../src/lib/server/db/client';
import { copyDemoInto } from '../helpers/db';
import { createAccount } from '../../src/lib/server/auth/accounts';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';
import { importObservations } from '../../src/lib/server/ingest/observations';
import { createDraft, publishProduct, reviewProduct } from '../../src/lib/server/services/products';
import { importPaths } from '../../src/lib/server/ingest/import';

const routes = listRoutes();

type Identity = Role | 'anonymous';
const IDENTITIES: Identity[] = [...ROLES, 'anonymous'];

interface Case {
	route: RouteEntry;
	method: string;
	action?: string;
	/** For pages with a server load: the client-side navigation data request. */
	data?: boolean;
}

function cases(): Case[] {
	const out: Case[] = [];
	for (const route of routes) {
		for (const r of route.requests) out.push({ route, method: r.method, action: r.action });
		if (route.serverLoad) out.push({ route, method: 'GET', data: true });
	}
	return out;
}

function label(c: Case): string {
	const what = c.data ? 'GET __data.json' : c.action ? `POST ?/${c.action}` : c.method;
	return `${what} ${c.route.id}`;
}

// ------------------------------------------------------------------------------------------------
// Area limits: the data and accounts the cases need, written before the server starts.

/** Markers in the observations' text, so a leak is found in any answer format. */
const CITY_P = 'CITY-OBS-P Bevis Marks';
const CITY_C_RAW = 'CITY-OBS-C-RAW names the caller';
const CITY_C_SANITISED = 'CITY-OBS-C sanitised';
const WEST_P = 'WEST-OBS-P Trafalgar Square';
const CITY_PRODUCT = 'CITY-PRODUCT briefing';
const OBSERVATIONS_CSV = [
	'id,observed_at,text,latitude,longitude,source_evaluation,intelligence_assessment,handling_code,sanitised_text',
	`AL-1,2020-11-02T21:40:00Z,${CITY_P},51.51495,-0.07861,2,B,P,`,
	`AL-2,2020-11-05T18:15:00Z,${CITY_C_RAW},51.51395,-0.08935,2,C,C,${CITY_C_SANITISED}`,
	`AL-3,2020-11-06T10:00:00Z,${WEST_P},51.50800,-0.12810,2,B,P,`,
	// A second City report 30 m and 30 minutes from AL-1: a duplicate candidate for cross-checking.
	`AL-4,2020-11-02T22:10:00Z,${CITY_P} again,51.51520,-0.07861,2,C,P,`
].join('\n');

const WEST_ANALYST = { username: 'west-analyst', password: 'limited to westminster only' };
const CITY_ANALYST = { username: 'free-analyst', password: 'analyst without area limits' };

interface AreaContext {
	city: number;
	west: number;
	/** A published public product of the City (id 1: the routes' sample id). */
	cityProduct: number;
	/** The res-9 cell with the most City incidents. */
	busiestCell: string;
}
let ctx: AreaContext;

async function prepareAreaLimits(dataDir: string): Promise<void> {
	// The demo with its credentials: a copy of the run's demo template instead of loading it again.
	await copyDemoInto(dataDir);
	const db = await openDatabase({ dataDir });
	const dir = mkdtempSync(join(tmpdir(), 'beatwise-area-limits-'));
	try {
		const file = join(dir, 'observations.csv');
		writeFileSync(file, OBSERVATIONS_CSV + '\n');
		const summary = await importObservations(db, {
			files: [file],
			source: { name: 'Residents (test)', kind: 'open', category: 'community' },
			timeZone: 'Europe/London',
			importedBy: 'test',
			audit: { actor: null, origin: CLI_ORIGIN }
		});
		if (summary.imported !== 4) throw new Error(`observations: ${JSON.stringify(summary)}`);
		// City of London road collisions (STATS19, 2023) for the road-safety page's area limits.
		const road = await importPaths(db, { inputs: [ROAD_FILE], format: 'stats19' });
		if (road.imported !== 23) throw new Error(`stats19: ${JSON.stringify(road)}`);
		const id = async (code: string) =>
			Number(
				(
					await db.query<{ id: number }>(
						`SELECT id FROM areas WHERE kind = 'borough' AND code = $1`,
						[code]
					)
				)[0].id
			);
		const city = await id('E09000001');
		const west = await id('E09000033');
		const [busiest] = await db.query<{ cell: string }>(
			`SELECT h3_parent(i.h3, 9)::text AS cell FROM incidents i JOIN areas a ON a.id = $1
			 WHERE ST_Covers(a.geom, i.geom) AND i.category NOT LIKE 'road-collision-%'
			 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
			[city]
		);
		const cli = { user: null, origin: CLI_ORIGIN };
		const product = await createDraft(
			db,
			{
				type: 'briefing',
				title: CITY_PRODUCT,
				area: city,
				period: { from: '2020-11-01', to: '2020-11-30', label: 'November 2020' },
				audience: 'public',
				content: {
					summary: [`${CITY_PRODUCT} summary`],
					blocks: [{ kind: 'text', heading: 'About', paragraphs: [CITY_PRODUCT] }],
					parameters: {}
				}
			},
			cli
		);
		await reviewProduct(db, product.id, cli);
		await publishProduct(db, product.id, cli);
		ctx = {
			city,
			west,
			cityProduct: product.id,
			busiestCell: BigInt(busiest.cell).toString(16)
		};
		const origin = { ip: 'test', userAgent: 'authorization-matrix' };
		await createAccount(
			db,
			{ ...WEST_ANALYST, role: 'analyst', areaIds: [west] },
			{ actor: null, origin }
		);
		await createAccount(db, { ...CITY_ANALYST, role: 'analyst' }, { actor: null, origin });
	} finally {
		await db.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * One area-limit case: a request for City of London records, how many City records its answer holds,
 * and the audit action the read must leave.
 */
interface AreaCase {
	path: (c: AreaContext) => string;
	/** City records (or their text) in the answer; a refusal (403) counts as none. */
	cityRecords: (res: Response) => Promise<number>;
	audit:
		| 'incidents.view'
		| 'observations.view'
		| 'export'
		| 'product.list'
		| 'product.view'
		| 'product.download';
}

/** STATS19 collision indexes of City of London Police (force 48) in an answer, counted once each. */
const ROAD_FILE = 'tests/fixtures/ingest/stats19/dft-collisions-2023-city-sample.csv';
const cityCollisions = (text: string) => new Set(text.match(/\b20234[89]\d{7}\b/g) ?? []).size;

const markers = (text: string) =>
	[CITY_P, CITY_C_RAW, CITY_C_SANITISED].filter((m) => text.includes(m)).length;

/** Area-limit cases by route id: every `records` route in ROUTE_READS needs one. */
const AREA_CASES: Record<string, AreaCase> = {
	'/api/incidents': {
		path: (c) => `/api/incidents?cell=${c.busiestCell}&page=1`,
		cityRecords: async (res) =>
			res.status === 403 ? 0 : ((await res.json()) as { items: unknown[] }).items.length,
		audit: 'incidents.view'
	},
	'/api/observations': {
		path: () => '/api/observations?bbox=-0.115,51.505,-0.07,51.525',
		cityRecords: async (res) => (res.status === 403 ? 0 : markers(await res.text())),
		audit: 'observations.view'
	},
	'/api/export/incidents': {
		path: (c) => `/api/export/incidents?area=${c.city}`,
		cityRecords: async (res) =>
			res.status === 403 ? 0 : Number(res.headers.get('x-beatwise-rows') ?? NaN),
		audit: 'export'
	},
	'/road-safety': {
		path: () => '/road-safety',
		cityRecords: async (res) => (res.status === 403 ? 0 : cityCollisions(await res.text())),
		audit: 'incidents.view'
	},
	'/neighbourhood': {
		path: (c) => `/neighbourhood?area=${c.city}`,
		cityRecords: async (res) => (res.status === 403 ? 0 : markers(await res.text())),
		audit: 'observations.view'
	},
	'/products': {
		path: () => '/products?type=briefing',
		cityRecords: async (res) =>
			res.status === 403 ? 0 : (await res.text()).split(CITY_PRODUCT).length - 1,
		audit: 'product.list'
	},
	'/products/[id]': {
		path: (c) => `/products/${c.cityProduct}?from=area-case`,
		cityRecords: async (res) =>
			res.status === 403 ? 0 : (await res.text()).split(CITY_PRODUCT).length - 1,
		audit: 'product.view'
	},
	'/products/[id]/pdf': {
		path: (c) => `/products/${c.cityProduct}/pdf?from=area-case`,
		cityRecords: async (res) =>
			res.status === 403
				? 0
				: (await res.arrayBuffer()).byteLength > 0 &&
					  res.headers.get('content-type') === 'application/pdf'
					? 1
					: 0,
		audit: 'product.download'
	},
	'/review': {
		path: () => '/review?report=',
		cityRecords: async (res) => (res.status === 403 ? 0 : markers(await res.text())),
		audit: 'observations.view'
	},
	'/cross-check': {
		path: () => '/cross-check?from=matrix',
		cityRecords: async (res) => (res.status === 403 ? 0 : markers(await res.text())),
		audit: 'observations.view'
	}
};

describe('the permission table', () => {
	it('has a rule for every route, method and form action in src/routes', () => {
		const missing = cases()
			.filter((c) => {
				const d = decide(
					c.route.id,
					c.method,
					c.route.kind === 'page' && c.method === 'POST' ? c.action : undefined,
					{ role: 'admin' }
				);
				return !d.allow && d.reason === 'no-rule';
			})
			.map(label);
		expect(missing, 'add these to ROUTE_RULES in src/lib/server/auth/permissions.ts').toEqual([]);
	});

	it('has no rule for a route that does not exist', () => {
		const ids = new Set(routes.map((r) => r.id));
		expect(Object.keys(ROUTE_RULES).filter((id) => !ids.has(id))).toEqual([]);
	});

	it('classifies every route by what it returns, and every route returning records decides through readScope', () => {
		const ids = [...new Set(routes.map((r) => r.id))];
		expect(
			ids.filter((id) => !(id in ROUTE_READS)),
			'classify these in ROUTE_READS (tests/security/routes.ts)'
		).toEqual([]);
		expect(Object.keys(ROUTE_READS).filter((id) => !ids.includes(id))).toEqual([]);
		const records = ids.filter((id) => ROUTE_READS[id] === 'records');
		expect(records.length).toBeGreaterThan(0);
		expect(
			records.filter((id) => !routeServerSources(id).some((src) => /\breadScope\(/.test(src))),
			'these return records without readScope(locals, event)'
		).toEqual([]);
		expect(
			records.filter((id) => !AREA_CASES[id]),
			'write an area-limit case in AREA_CASES for these'
		).toEqual([]);
	});

	it('denies a route id it does not know, and methods and actions it does not name', () => {
		expect(decide('/api/brand-new', 'GET', undefined, { role: 'admin' })).toMatchObject({
			allow: false,
			reason: 'no-rule'
		});
		expect(decide('/api/cells', 'DELETE', undefined, { role: 'admin' })).toMatchObject({
			allow: false,
			reason: 'no-rule'
		});
		expect(decide('/admin/users', 'POST', 'drop', { role: 'admin' })).toMatchObject({
			allow: false,
			reason: 'no-rule'
		});
	});

	/** The decisions that matter most, written out by hand: who may (everyone else may not). */
	const POLICY: [string, string, Identity[]][] = [
		['/api/incidents', 'GET', ['admin', 'analyst', 'supervisor', 'officer']],
		['/api/cells', 'GET', ['admin', 'analyst', 'supervisor', 'officer', 'planner', 'viewer']],
		['/api/analysis/hotspots', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		// Street names from incident records, for the analysis views' lists of cells.
		['/api/places', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		['/api/analysis/forecast-accuracy', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		// The community team's view (public disclosure rules in its service); officers get it too.
		[
			'/neighbourhood',
			'GET',
			['admin', 'analyst', 'supervisor', 'officer', 'community', 'planner']
		],
		// Boundaries only: public geography, for every signed-in user.
		[
			'/api/areas',
			'GET',
			['admin', 'analyst', 'supervisor', 'officer', 'community', 'planner', 'viewer']
		],
		['/api/meta', 'GET', ['admin', 'analyst', 'supervisor', 'officer', 'planner', 'viewer']],
		['/trends', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		// The route lets export:create through; the incident export also needs incidents:detail
		// (the service answers 403 to a planner, tests/integration/exports.test.ts).
		['/api/export/incidents', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		['/api/export/cells', 'GET', ['admin', 'analyst', 'supervisor', 'planner']],
		['/admin/users', 'GET', ['admin']],
		['/admin/users', 'POST ?/update', ['admin']],
		['/admin/audit', 'GET', ['admin', 'supervisor']],
		[
			'/account',
			'POST ?/password',
			['admin', 'analyst', 'supervisor', 'officer', 'community', 'planner', 'viewer']
		],
		['/login', 'GET', IDENTITIES],
		['/api/health', 'GET', IDENTITIES]
	];
	it.each(POLICY)('%s %s: only the listed identities', (id, what, allowed) => {
		const [method, actionPart] = what.split(' ');
		const action = actionPart?.replace('?/', '');
		for (const who of IDENTITIES) {
			const d = decide(id, method, action, who === 'anonymous' ? null : { role: who });
			expect(d.allow, `${who} ${what} ${id}`).toBe(allowed.includes(who));
		}
	});
});

describe('authorisation over HTTP (production build)', () => {
	let server: RunningServer;
	const cookies = new Map<Identity, string>();
	/** Analysts limited to Westminster and unlimited (the demo's records are all in the City). */
	let limited: string;
	let unlimited: string;

	beforeAll(async () => {
		server = await startServer({}, { prepare: prepareAreaLimits });
		for (const role of ROLES)
			cookies.set(role, await sessionCookie(server.url, role as DemoRole, server.dataDir));
		limited = await signInCookie(server.url, WEST_ANALYST);
		unlimited = await signInCookie(server.url, CITY_ANALYST);
	});
	afterAll(async () => server?.stop());

	async function send(c: Case, who: Identity): Promise<Response> {
		let path = samplePath(c.route.id);
		if (c.data) path = `${path === '/' ? '' : path}/__data.json`;
		if (c.action && c.action !== 'default') path += `?/${c.action}`;
		const headers: Record<string, string> = {
			accept: c.route.kind === 'page' && !c.data ? 'text/html' : 'application/json'
		};
		let cookie = cookies.get(who);
		// Signing out ends the session: use a throwaway one.
		if (c.route.id === '/logout' && who !== 'anonymous')
			cookie = await sessionCookie(server.url, who as DemoRole, server.dataDir);
		if (cookie) headers.cookie = cookie;
		let body: string | undefined;
		if (c.method !== 'GET') {
			headers.origin = server.url;
			headers['content-type'] = 'application/x-www-form-urlencoded';
			body = '';
		}
		return fetch(server.url + path, { method: c.method, headers, body, redirect: 'manual' });
	}

	for (const c of cases()) {
		it(`${label(c)}: every role and anonymous`, async () => {
			const results: string[] = [];
			const problems: string[] = [];
			for (const who of IDENTITIES) {
				const d = decide(
					c.route.id,
					c.method,
					c.route.kind === 'page' && c.method === 'POST' ? c.action : undefined,
					who === 'anonymous' ? null : { role: who as Role }
				);
				const res = await send(c, who);
				const text = await res.text();
				const location = res.headers.get('location') ?? '';
				// The guard's redirect carries ?next= (signing out also lands on /login, without it).
				const toLogin =
					(res.status === 303 && location.startsWith('/login?next=')) ||
					(c.data && /"type":"redirect","location":"\/login\?next=/.test(text));
				let ok: boolean;
				let expected: string;
				if (d.allow) {
					expected = 'allowed';
					ok = res.status !== 401 && res.status !== 403 && res.status < 500 && !toLogin;
				} else if (d.reason === 'sign-in') {
					const page = c.route.kind === 'page' && c.method === 'GET';
					expected = page ? 'redirect to /login' : '401';
					ok = page ? Boolean(toLogin) : res.status === 401;
				} else {
					expected = '403';
					ok = res.status === 403;
				}
				results.push(`${who}: ${res.status}`);
				if (!ok)
					problems.push(
						`${who}: expected ${expected}, got ${res.status} ${location} ${text.slice(0, 200)}`
					);
			}
			expect(problems, results.join(', ')).toEqual([]);
		});
	}

	const recordRoutes = Object.keys(ROUTE_READS).filter((id) => ROUTE_READS[id] === 'records');
	const areaCases = recordRoutes.flatMap((id) => {
		const route = routes.find((r) => r.id === id);
		const kinds: ('request' | 'data')[] =
			route?.kind === 'page' && route.serverLoad ? ['request', 'data'] : ['request'];
		return kinds.map((k) => [id, k] as const);
	});
	it.each(areaCases)(
		'area limits of %s (%s): none of the City records for an analyst limited to Westminster, audited',
		async (id, kind) => {
			const c = AREA_CASES[id];
			let path = c.path(ctx);
			if (kind === 'data') path = path.replace(/\?/, '/__data.json?');
			const headers = (cookie: string) => ({
				cookie,
				accept: kind === 'data' || path.startsWith('/api/') ? 'application/json' : 'text/html'
			});
			const free = await fetch(server.url + path, { headers: headers(unlimited) });
			expect(free.status, path).toBe(200);
			expect(await c.cityRecords(free), `unlimited analyst, ${path}`).toBeGreaterThan(0);
			const before = await auditCount(c.audit);
			const res = await fetch(server.url + path, { headers: headers(limited) });
			expect([200, 403], path).toContain(res.status);
			expect(await c.cityRecords(res), `analyst limited to Westminster, ${path}`).toBe(0);
			expect(await auditCount(c.audit), `the limited read of ${path} is audited`).toBe(before + 1);
		}
	);

	/** Audit entries of the limited analyst with `action`, as the admin's audit search counts them. */
	async function auditCount(action: string): Promise<number> {
		const page = await fetch(
			`${server.url}/admin/audit?user=${WEST_ANALYST.username}&action=${action}`,
			{ headers: { cookie: cookies.get('admin') as string, accept: 'text/html' } }
		);
		const m = /(\d+) entries/.exec(await page.text());
		if (!m) throw new Error('no entry count on the audit page');
		return Number(m[1]);
	}

	it('the neighbourhood page gives the text of handling-code-C observations only to roles allowed it', async () => {
		const path = `/neighbourhood/__data.json?area=${ctx.city}`;
		const analyst = await (
			await fetch(server.url + path, { headers: { cookie: unlimited } })
		).text();
		expect(analyst).toContain(CITY_C_RAW);
		expect(analyst).toContain(CITY_P);
		for (const role of ['planner', 'officer', 'community'] as const) {
			const text = await (
				await fetch(server.url + path, { headers: { cookie: cookies.get(role) as string } })
			).text();
			expect(text, role).not.toContain(CITY_C_RAW);
			expect(text, role).not.toContain(CITY_C_SANITISED);
		}
	});

	it('issue 10 finding 3: a viewer is not told where restricted observations are, and the probe is audited', async () => {
		// A box of about 0.2 m around the handling-code-C observation, on its day.
		const probe =
			'/api/observations?bbox=-0.089351,51.513949,-0.089349,51.513951&from=2020-11-05&to=2020-11-05';
		const viewer = cookies.get('viewer') as string;
		const admin = cookies.get('admin') as string;
		const count = async () => {
			const page = await fetch(
				`${server.url}/admin/audit?user=demo-viewer&action=observations.view`,
				{
					headers: { cookie: admin, accept: 'text/html' }
				}
			);
			return Number(/(\d+) entries/.exec(await page.text())?.[1]);
		};
		const before = await count();
		const res = await fetch(server.url + probe, { headers: { cookie: viewer } });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ total: 0, withheld: null, limit: 2000, items: [] });
		expect(await count()).toBe(before + 1);
		// The same box for an analyst, who may see it: the record itself.
		const analyst = (await (
			await fetch(server.url + probe, { headers: { cookie: unlimited } })
		).json()) as { withheld: number; items: { text: string }[] };
		expect(analyst.withheld).toBe(0);
		expect(analyst.items.map((i) => i.text)).toEqual([CITY_C_RAW]);
	});

	it('refuses a method the table does not name (403) and a cross-origin POST', async () => {
		const admin = cookies.get('admin') as string;
		const del = await fetch(`${server.url}/api/cells`, {
			method: 'DELETE',
			headers: { cookie: admin, origin: server.url }
		});
		expect(del.status).toBe(403);
		const cross = await fetch(`${server.url}/admin/users?/create`, {
			method: 'POST',
			headers: {
				cookie: admin,
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: 'username=evil&role=admin'
		});
		expect(cross.status).toBe(403);
		const json = await fetch(`${server.url}/logout`, {
			method: 'POST',
			headers: { cookie: admin, 'content-type': 'application/json' },
			body: '{}',
			redirect: 'manual'
		});
		expect(json.status).toBe(403);
		expect(await json.text()).toMatch(/Origin/);
		// The admin session survived both attempts.
		const still = await fetch(`${server.url}/api/meta`, { headers: { cookie: admin } });
		expect(still.status).toBe(200);
	});
});
