/** Request-level helpers for the central check in `handle`. */
import { error, type RequestEvent } from '@sveltejs/kit';
import type { AuditOrigin } from './audit';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
	return SAFE_METHODS.has(method);
}

/**
 * For a request to a page route with form actions: the action name (`?/create` → `create`,
 * none → `default`), as SvelteKit picks it.
 */
export function formActionName(url: URL): string {
	const key = [...url.searchParams.keys()].find((k) => k.startsWith('/'));
	return key ? key.slice(1) || 'default' : 'default';
}

/**
 * Same-origin check for every mutating request, including JSON and other bodies that SvelteKit's own
 * form-submission check does not look at. A browser always sends Origin on these; non-browser clients
 * must send it too.
 */
export function crossOriginProblem(request: Request, url: URL): string | null {
	if (isSafeMethod(request.method)) return null;
	const origin = request.headers.get('origin');
	if (origin !== null) {
		return origin === url.origin
			? null
			: `Cross-origin ${request.method} requests are refused (Origin ${origin.slice(0, 100)}).`;
	}
	const site = request.headers.get('sec-fetch-site');
	if (site === 'same-origin') return null;
	return `${request.method} requests must come from this site: send an Origin header of ${url.origin}.`;
}

/** Where a request comes from, for the audit trail. */
export function auditOrigin(
	event: Pick<RequestEvent, 'getClientAddress' | 'request'>
): AuditOrigin {
	let ip: string | null = null;
	try {
		ip = event.getClientAddress();
	} catch {
		ip = null;
	}
	return { ip, userAgent: event.request.headers.get('user-agent') };
}

/** Whether a request wants JSON back (APIs, data requests, fetch with Accept: application/json). */
export function wantsJson(event: Pick<RequestEvent, 'url' | 'request' | 'isDataRequest'>): boolean {
	if (event.isDataRequest || event.url.pathname.startsWith('/api/')) return true;
	const accept = event.request.headers.get('accept') ?? '';
	return accept.includes('application/json') && !accept.includes('text/html');
}

/** A `?next=` target that stays on this site (a path, not `//host` or a URL). */
export function safeNext(next: string | null | undefined): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	if ([...next].some((c) => c.charCodeAt(0) < 0x20)) return '/';
	return next.slice(0, 2000);
}

export function escapeHtml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string
	);
}

/**
 * The request's form fields, or null when the body is not a form. A body over BODY_SIZE_LIMIT is not
 * "no form": it ends the request with 413 and the adapter's message naming the limit.
 */
export async function readFormData(request: Request): Promise<FormData | null> {
	try {
		return await request.formData();
	} catch (e) {
		const status = (e as { status?: number }).status;
		if (status === 413) error(413, (e as Error).message || 'The request body is too large.');
		return null;
	}
}
