import {
	isHttpError,
	isRedirect,
	json,
	redirect,
	type Handle,
	type HandleServerError,
	type ServerInit
} from '@sveltejs/kit';
import { ServerResponse } from 'node:http';
import { env } from '$lib/server/env';
import { closeDatabase, getDatabase } from '$lib/server/db';
import { loadDemoOnStart } from '$lib/server/demo/first-start';
import { anyAccount } from '$lib/server/auth/accounts';
import { ROUTE_RULES, decide } from '$lib/server/auth/permissions';
import { SESSION_COOKIE, resumeSession, sweepSessions } from '$lib/server/auth/session';
import { sessionPolicy } from '$lib/server/auth/context';
import {
	applySecurityHeaders,
	basemapOrigins,
	installBaselineHeaders
} from '$lib/server/auth/headers';
import {
	auditOrigin,
	crossOriginProblem,
	escapeHtml,
	formActionName,
	wantsJson
} from '$lib/server/auth/request';
import { recordAudit } from '$lib/server/auth/audit';
import { closeJobPool } from '$lib/server/jobs';
import { jobsConfig } from '$lib/server/jobs/config';
import { failInterrupted } from '$lib/server/jobs/background';
import { scheduleAfterImports } from '$lib/server/jobs/early-warning';
import { basemapSetting } from '$lib/server/basemap-style';
import { controlCharacterProblem, escapeControlCharacters } from '$lib/control-characters';

// Files served before `handle` (the built scripts and styles, static/) get the security headers too.
installBaselineHeaders(ServerResponse.prototype);

let closeOnShutdown = false;

let afterImports: (() => void) | undefined;

export const init: ServerInit = async () => {
	const e = env();
	// A configured basemap style file is read (and checked) now: a bad one stops the start.
	basemapSetting();
	jobsConfig();
	const db = await getDatabase();
	// adapter-node emits this once the HTTP server has closed (SIGTERM/SIGINT): close the pool so the
	// process can exit (open PostgreSQL connections kept it alive) and the embedded engine flushes.
	if (!closeOnShutdown) {
		closeOnShutdown = true;
		process.once('sveltekit:shutdown' as never, () => {
			closeJobPool().catch((err) => console.error('[beatwise] stopping analysis workers:', err));
			closeDatabase().then(
				() => console.log('[beatwise] shut down: database closed'),
				(err) => console.error('[beatwise] shutting down: closing the database failed:', err)
			);
		});
	}
	const interrupted = await failInterrupted(db);
	if (interrupted > 0)
		console.log(
			`[beatwise] ${interrupted} background job(s) left unfinished by a stop marked failed`
		);
	// Every import from now on (the demo's first load included) is followed by an early-warning check.
	if (!afterImports) afterImports = await scheduleAfterImports(db);
	await loadDemoOnStart(db, e, (line) => console.log(`[beatwise] ${line}`));
	console.log(
		`[beatwise] database: ${db.engine === 'pglite' ? `embedded (${e.dataDir})` : 'PostgreSQL'}`
	);
	if (!(await anyAccount(db))) {
		console.log(
			'[beatwise] No accounts yet: create the first administrator with `beatwise admin create --username <name>`.'
		);
	}
};

function denied(event: Parameters<Handle>[0]['event'], status: 401 | 403, message: string) {
	if (wantsJson(event))
		return json({ message, code: status === 401 ? 'E_SIGN_IN' : 'E_FORBIDDEN' }, { status });
	const title = status === 401 ? 'Sign-in needed' : 'Not allowed';
	const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Beatwise</title></head><body><main><h1>${title}</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to Beatwise</a></p></main></body></html>`;
	return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * Every request, with an access log line when BEATWISE_ACCESS_LOG=1: method, path and query, status,
 * milliseconds to the response head, and the user (no cookies, no bodies).
 */
export const handle: Handle = async (input) => {
	if (!env().accessLog) return authorise(input);
	const start = performance.now();
	let status: number | string = 'error';
	try {
		const response = await authorise(input);
		status = response.status;
		return response;
	} catch (err) {
		status = isRedirect(err) || isHttpError(err) ? err.status : 'error';
		throw err;
	} finally {
		const { event } = input;
		console.log(
			`[beatwise] ${event.request.method} ${event.url.pathname}${event.url.search} ${status} ${Math.round(performance.now() - start)} ms ${event.locals.user?.username ?? '-'}`
		);
	}
};

/**
 * Resume the session from its cookie, refuse cross-origin mutations, then decide by the permission
 * table (route id + method + form action) before any load, action or endpoint runs.
 */
const authorise: Handle = async ({ event, resolve }) => {
	const e = env();
	const headerOptions = {
		https: event.url.protocol === 'https:',
		basemapOrigins: basemapOrigins(e.basemapStyle, [...basemapSetting().origins, ...e.cspOrigins]),
		signedIn: false
	};
	event.locals.user = null;
	event.locals.session = null;

	const db = await getDatabase();
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const policy = sessionPolicy();
		const live = await resumeSession(db, token, policy);
		if (live) {
			event.locals.user = live.user;
			event.locals.session = { id: live.id, expiresAt: live.expiresAt };
			headerOptions.signedIn = true;
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
		sweepSessions(db, policy).catch((err) => console.error('[beatwise] session sweep:', err));
	}

	const crossOrigin = crossOriginProblem(event.request, event.url);
	if (crossOrigin) return applySecurityHeaders(denied(event, 403, crossOrigin), headerOptions);
	const badQuery = queryProblem(event.url);
	if (badQuery) return applySecurityHeaders(badRequest(event, badQuery), headerOptions);

	const routeId = event.route.id;
	// No route: SvelteKit answers 404 (or serves a static file).
	if (routeId !== null) {
		const method = event.request.method;
		const isAction =
			method === 'POST' && !event.url.pathname.startsWith('/api/') && !event.isDataRequest;
		const action =
			isAction && ROUTE_RULES[routeId]?.actions ? formActionName(event.url) : undefined;
		const d = decide(routeId, method, action, event.locals.user);
		if (!d.allow) {
			if (d.reason === 'no-rule') {
				console.warn(
					`[beatwise] denied ${method} ${routeId}${action ? ` ?/${action}` : ''}: no rule in the permission table`
				);
				// Signed-in users' attempts go to the audit trail; anonymous ones only to the log.
				if (event.locals.user) {
					await recordAudit(db, {
						actor: event.locals.user,
						action: 'access.no-rule',
						object: routeId,
						detail: { method, action: action ?? null },
						origin: auditOrigin(event)
					}).catch(() => {});
				}
				return applySecurityHeaders(
					denied(event, 403, 'This request is not allowed.'),
					headerOptions
				);
			}
			if (d.reason === 'sign-in') {
				if (method === 'GET' && !wantsJson(event)) {
					const next = event.url.pathname + event.url.search;
					const location = `/login?next=${encodeURIComponent(next)}`;
					return applySecurityHeaders(
						new Response(null, { status: 303, headers: { location } }),
						headerOptions
					);
				}
				if (event.isDataRequest) redirect(303, '/login?next=%2F');
				return applySecurityHeaders(denied(event, 401, 'Sign in to use Beatwise.'), headerOptions);
			}
			return applySecurityHeaders(
				denied(event, 403, 'Your role does not allow this.'),
				headerOptions
			);
		}
	}

	const response = await resolve(event);
	return applySecurityHeaders(response, headerOptions);
};

/**
 * The last guard: an unexpected error's details (a database message, a PostgreSQL SQLSTATE such as
 * 22021, a stack) go to the server log only. The answer carries the product's own `E_…` codes and
 * nothing else.
 */
export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status >= 500) console.error('[beatwise] unhandled error:', error);
	const code = (error as { code?: unknown } | null)?.code;
	const own = status < 500 && typeof code === 'string' && /^E_[A-Z0-9_]+$/.test(code);
	return {
		message: status >= 500 ? 'Internal error: the server log has the details.' : message,
		...(own ? { code } : {})
	};
};

/** A query parameter with a control character (NUL included): no route takes one. */
function queryProblem(url: URL): string | null {
	for (const [name, value] of url.searchParams) {
		const problem = controlCharacterProblem(value) ?? controlCharacterProblem(name);
		if (problem) return `Query parameter "${escapeControlCharacters(name)}" ${problem}.`;
	}
	return null;
}

function badRequest(event: Parameters<Handle>[0]['event'], message: string): Response {
	if (wantsJson(event)) return json({ message, code: 'E_PARAMETER' }, { status: 400 });
	const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request · Beatwise</title></head><body><main><h1>Bad request</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to Beatwise</a></p></main></body></html>`;
	return new Response(body, {
		status: 400,
		headers: { 'content-type': 'text/html; charset=utf-8' }
	});
}
