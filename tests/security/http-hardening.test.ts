/**
 * The production build under hostile and careless input, with short limits so expiry and lockout are
 * observable: sign-in and sign-out over HTTP, idle timeout, failure limit with the generic message,
 * security headers, audit entries, and bad input (malformed parameters, SQL-like strings, script tags,
 * oversized bodies) answered with 4xx that say what was wrong — never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../e2e/server';
import { demoCredentials, sessionCookie } from '../e2e/auth';
import { copyDemoInto } from '../helpers/db';

const IDLE_SECONDS = 4;

describe('HTTP hardening (production build)', () => {
	let server: RunningServer;
	/** A fresh analyst session (sessions here idle out after a few seconds). */
	const analystCookie = () => sessionCookie(server.url, 'analyst', server.dataDir);

	beforeAll(async () => {
		server = await startServer(
			{
				BEATWISE_SESSION_IDLE_MINUTES: String(IDLE_SECONDS / 60),
				BEATWISE_LOGIN_MAX_FAILURES_PER_USER: '3',
				BEATWISE_LOGIN_MAX_FAILURES_PER_IP: '20',
				BODY_SIZE_LIMIT: '64K'
			},
			// The demo accounts (and data) from the run's demo template, not loaded again on start.
			{ prepare: copyDemoInto }
		);
	});
	afterAll(async () => server?.stop());

	const get = (path: string, cookie?: string, accept = 'application/json') =>
		fetch(server.url + path, {
			headers: { accept, ...(cookie ? { cookie } : {}) },
			redirect: 'manual'
		});

	async function login(username: string, password: string, ua = 'hardening-test') {
		return fetch(`${server.url}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: server.url,
				accept: 'text/html',
				'user-agent': ua,
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ username, password })
		});
	}

	it('sets the session cookie HttpOnly, Secure, SameSite=Lax, and signs out for real', async () => {
		const c = demoCredentials(server.dataDir).viewer;
		const res = await login(c.username, c.password);
		expect(res.status).toBe(303);
		const set = res.headers.get('set-cookie') ?? '';
		expect(set).toMatch(/^beatwise_session=[A-Za-z0-9_-]{43};/);
		expect(set).toMatch(/HttpOnly/);
		expect(set).toMatch(/Secure/);
		expect(set).toMatch(/SameSite=Lax/);
		const cookie = set.split(';')[0];
		expect((await get('/api/meta', cookie)).status).toBe(200);
		const out = await fetch(`${server.url}/logout`, {
			method: 'POST',
			redirect: 'manual',
			headers: { cookie, origin: server.url }
		});
		expect(out.status).toBe(303);
		expect(out.headers.get('location')).toBe('/login');
		// The old cookie is worthless now, even if a client kept it.
		expect((await get('/api/meta', cookie)).status).toBe(401);
	});

	it('ends a session left idle past the timeout', async () => {
		const cookie = await sessionCookie(server.url, 'planner', server.dataDir);
		expect((await get('/api/meta', cookie)).status).toBe(200);
		await new Promise((r) => setTimeout(r, (IDLE_SECONDS + 1.5) * 1000));
		const res = await get('/', cookie, 'text/html');
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/login?next=%2F');
	});

	it('gives one generic message for wrong passwords and unknown users, then blocks the username', async () => {
		const c = demoCredentials(server.dataDir).supervisor;
		for (const [u, p] of [
			[c.username, 'wrong'],
			['nobody-here', 'wrong']
		]) {
			const res = await login(u, p);
			expect(res.status).toBe(400);
			expect(await res.text()).toContain('Invalid username or password');
		}
		await login(c.username, 'wrong');
		await login(c.username, 'wrong');
		const blocked = await login(c.username, c.password);
		expect(blocked.status).toBe(429);
		expect(await blocked.text()).toMatch(/Too many failed sign-ins/);
		expect(blocked.headers.get('set-cookie')).toBeNull();
	});

	it('records sign-ins, failures and incident views in the audit log, searchable by an admin', async () => {
		const analyst = await analystCookie();
		const cells = (await (await get('/api/cells?res=9', analyst)).json()) as {
			cells: string[];
			counts: number[];
		};
		const cell = cells.cells[cells.counts.indexOf(Math.max(...cells.counts))];
		const list = await get(`/api/incidents?cell=${cell}&page=1`, analyst);
		expect(list.status).toBe(200);
		const body = (await list.json()) as { items: unknown[]; total: number };
		expect(body.items.length).toBeGreaterThan(0);
		const admin = await sessionCookie(server.url, 'admin', server.dataDir);
		const page = async (q: string) => (await get(`/admin/audit?${q}`, admin, 'text/html')).text();
		expect(await page('action=incidents.view')).toContain(`cell:${cell}`);
		const failures = await page('action=login.failure');
		expect(failures).toContain('nobody-here');
		expect(failures).toContain('hardening-test');
		expect(failures).toContain('127.0.0.1');
		expect(await page('action=login.success&user=demo-admin')).toMatch(
			/1 entries|[1-9]\d* entries/
		);
		expect(await page('from=not-a-date')).toMatch(/use a date like 2024-05-31/);
		// The blocked attempts of the lockout test: counted in one row per key and window.
		const blocked = await page('action=login.blocked');
		expect(blocked).toContain('data-testid="sign-in-blocks"');
		expect(blocked).toContain('user-client:demo-supervisor ');
	});

	it('sends security headers: CSP for the map, frame-ancestors, referrer, nosniff, permissions', async () => {
		const analyst = await analystCookie();
		const page = await get('/', analyst, 'text/html');
		expect(page.status).toBe(200);
		const csp = page.headers.get('content-security-policy') ?? '';
		for (const d of [
			"default-src 'self'",
			"frame-ancestors 'none'",
			"worker-src 'self' blob:",
			"img-src 'self' data: blob:",
			"connect-src 'self'",
			"object-src 'none'"
		]) {
			expect(csp).toContain(d);
		}
		// Scripts: this site, hashed inline scripts and WebAssembly compilation for the map — never eval or
		// inline scripts without a hash.
		expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[^']+')+(;|$)/);
		expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
		expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
		expect(page.headers.get('referrer-policy')).toBe('same-origin');
		expect(page.headers.get('x-content-type-options')).toBe('nosniff');
		expect(page.headers.get('x-frame-options')).toBe('DENY');
		expect(page.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
		expect(page.headers.get('cache-control')).toMatch(/private|no-store/);
		const api = await get('/api/meta', analyst);
		expect(api.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
		expect(api.headers.get('x-content-type-options')).toBe('nosniff');
		const anon = await get('/api/meta');
		expect(anon.status).toBe(401);
		expect(anon.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('issue 10 finding 9: every signed-in answer is Cache-Control: no-store (nothing kept after sign-out)', async () => {
		const analyst = await analystCookie();
		for (const [path, accept] of [
			['/api/areas?kind=borough', 'application/json'],
			['/api/meta', 'application/json'],
			['/api/cells?res=8', 'application/json'],
			['/api/cells?res=8&format=bin', 'application/octet-stream'],
			['/', 'text/html'],
			['/__data.json', 'application/json']
		]) {
			const res = await get(path, analyst, accept);
			expect(res.status, path).toBe(200);
			expect(res.headers.get('cache-control'), path).toBe('private, no-store');
			await res.arrayBuffer();
		}
	});

	it('issue 10 finding 9: static files carry the security headers too', async () => {
		const page = await (await get('/login', undefined, 'text/html')).text();
		const asset = /\/_app\/immutable\/[^"']+\.js/.exec(page)?.[0];
		expect(asset, 'a script of the login page').toBeTruthy();
		for (const path of [asset as string, '/favicon.svg']) {
			const res = await fetch(server.url + path);
			expect(res.status, path).toBe(200);
			expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(res.headers.get('x-frame-options'), path).toBe('DENY');
			expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
			expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
			expect(res.headers.get('content-security-policy'), path).toMatch(/default-src 'none'/);
			await res.arrayBuffer();
		}
	});

	it('answers a reloaded page 304 without a policy of its own, so the page keeps its CSP', async () => {
		// A 304's headers replace the cached page's: the API policy on it once blocked every script of a
		// reloaded /login (the form never came to life after a second visit).
		const first = await get('/login', undefined, 'text/html');
		const etag = first.headers.get('etag');
		await first.arrayBuffer();
		expect(etag, 'the login page has an ETag').toBeTruthy();
		const again = await fetch(`${server.url}/login`, {
			headers: { accept: 'text/html', 'if-none-match': etag as string }
		});
		expect(again.status).toBe(304);
		expect(again.headers.get('content-security-policy')).toBeNull();
		expect(again.headers.get('x-content-type-options')).toBe('nosniff');
	});

	const BAD_QUERIES = [
		'/api/incidents',
		'/api/incidents?cell=',
		"/api/incidents?cell=8a194ad30067fff'%20OR%201=1--",
		'/api/incidents?cell=%3Cscript%3Ealert(1)%3C/script%3E',
		'/api/incidents?cell=89194ad30c7ffff&page=-1',
		'/api/incidents?cell=89194ad30c7ffff&page=abc',
		'/api/incidents?cell=89194ad30c7ffff&page=1e309',
		'/api/incidents?cell=89194ad30c7ffff&from=2024-02-30',
		'/api/incidents?cell=89194ad30c7ffff&categories=burglary;DROP%20TABLE%20incidents',
		'/api/incidents?cell=89194ad30c7ffff&from=2024-05-01&to=2024-01-01',
		'/api/incidents?cell=ffffffffffffffff',
		'/api/incidents?cell=8f194ad30c72a1f',
		'/api/cells?res=99',
		'/api/cells?res=8&categories=<script>',
		"/api/cells?bbox=1,2,3,'--",
		'/api/cells?from=2024-13-45',
		'/api/areas?kind=%00%00',
		'/api/cell/89194ad30c7ffff?from=yesterday'
	];
	it.each(BAD_QUERIES)('answers %s with a 4xx that says what was wrong', async (path) => {
		const res = await get(path, await analystCookie());
		expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
		expect(res.status).toBeLessThan(500);
		const body = (await res.json()) as { message: string };
		expect(body.message.length).toBeGreaterThan(5);
		expect(body.message).not.toMatch(/Internal error/);
	});

	/** A PostgreSQL SQLSTATE (five characters, e.g. 22021) or its wording must never reach a client. */
	const LEAKS =
		/\b(22021|22008|22007|22P05|SQLSTATE)\b|invalid byte sequence|out of range for type|"code":"\d/;

	it('issue 10 finding 7: a NUL in the sign-in username is a 400 that says so, counted and audited', async () => {
		const res = await login('demo-\u0000viewer', 'whatever', 'nul-probe');
		const text = await res.text();
		expect(res.status, text.slice(0, 300)).toBe(400);
		expect(text).toContain('has a control character (U+0000) at character 6');
		expect(text).not.toMatch(LEAKS);
		const admin = await sessionCookie(server.url, 'admin', server.dataDir);
		const audit = await (await get('/admin/audit?action=login.failure', admin, 'text/html')).text();
		expect(audit).toContain('malformed-username');
		expect(audit).toContain('nul-probe');
	});

	it.each([
		['/admin/audit?to=9999-12-31', 200, /entries/],
		['/admin/audit?from=0000-01-01', 200, /use a date from 1900-01-01 on/],
		[
			'/admin/audit?user=%00',
			400,
			/Query parameter &quot;user&quot; has a control character \(U\+0000\)/
		],
		['/admin/audit?user=a%01b&action=login.', 400, /control character \(U\+0001\) at character 2/]
	])(
		'issue 10 finding 7: %s answers %i with a message, never a 500 or a database code',
		async (path, status, message) => {
			const admin = await sessionCookie(server.url, 'admin', server.dataDir);
			const res = await get(path, admin, 'text/html');
			const text = await res.text();
			expect(res.status, text.slice(0, 300)).toBe(status);
			expect(text).toMatch(message);
			expect(text).not.toMatch(LEAKS);
			expect(text).not.toMatch(/Internal error/);
		}
	);

	it('issue 10 finding 7: a NUL in any API query is a 400 naming the parameter', async () => {
		const res = await get('/api/observations?bbox=%00', await analystCookie());
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({
			message: 'Query parameter "bbox" has a control character (U+0000) at character 1.',
			code: 'E_PARAMETER'
		});
	});

	it('answers unknown paths, paths with script tags and odd methods without a 500', async () => {
		const analyst = await analystCookie();
		for (const [path, method] of [
			['/%3Cscript%3Ealert(1)%3C/script%3E', 'GET'],
			["/api/cell/'%20OR%201=1", 'GET'],
			['/api/nothing-here', 'GET'],
			['/api/cells', 'PUT'],
			['/api/incidents', 'OPTIONS']
		]) {
			const res = await fetch(server.url + path, {
				method,
				headers: { cookie: analyst, origin: server.url, accept: 'application/json' }
			});
			expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
			expect(res.status, `${method} ${path}`).toBeLessThan(500);
			expect(await res.text()).not.toContain('<script>alert');
		}
	});

	it('refuses bodies over the limit with 413 and a clear message, and garbage forms with 400', async () => {
		const big = 'x'.repeat(200 * 1024);
		const res = await fetch(`${server.url}/login`, {
			method: 'POST',
			headers: {
				origin: server.url,
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'application/json'
			},
			body: `username=${big}&password=${big}`
		});
		expect(res.status).toBe(413);
		expect(await res.text()).toMatch(/exceeds limit/i);
		const admin = await sessionCookie(server.url, 'admin', server.dataDir);
		for (const body of [
			'username=%3Cscript%3Ealert(1)%3C%2Fscript%3E&role=viewer',
			"username=x'%3B%20DROP%20TABLE%20users%3B--&role=viewer",
			'username=fine.name&role=superuser',
			'username=fine.name&role=viewer&areaIds=abc',
			'username=fine.name&role=viewer&areaIds=999999'
		]) {
			const r = await fetch(`${server.url}/admin/users?/create`, {
				method: 'POST',
				headers: {
					cookie: admin,
					origin: server.url,
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'application/json'
				},
				body
			});
			const text = await r.text();
			expect(text, body).toMatch(/"type":"failure","status":400/);
			expect(text).not.toContain('<script>');
		}
		const users = await (await get('/admin/users', admin, 'text/html')).text();
		expect(users).not.toContain('<script>alert');
		expect(users).not.toContain('DROP TABLE');
	});
});
