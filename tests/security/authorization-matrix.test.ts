/**
 * The authorisation matrix: every route × every role × anonymous against the production build, generated
 * from the route files (tests/security/routes.ts) and the permission table. A route, method or form
 * action without a rule fails here before any request is made. Beside the generated part, a hand-written
 * policy table pins the decisions that matter most, so a careless edit of the table fails too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../e2e/server';
import { sessionCookie, type DemoRole } from '../e2e/auth';
import { listRoutes, samplePath, type RouteEntry } from './routes';
import { ROLES, ROUTE_RULES, decide, type Role } from '../../src/lib/server/auth/permissions';

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

	beforeAll(async () => {
		server = await startServer();
		for (const role of ROLES)
			cookies.set(role, await sessionCookie(server.url, role as DemoRole, server.dataDir));
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
