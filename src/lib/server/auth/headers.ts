/**
 * Security headers on every response `handle` sees. The page Content-Security-Policy itself comes from
 * SvelteKit (`kit.csp` in svelte.config.js, with hashes for its inline scripts); here it is widened by
 * the basemap's origins, which are only known at run time (`BEATWISE_BASEMAP_STYLE`,
 * `BEATWISE_CSP_ORIGINS`), and non-HTML responses get a policy that allows nothing.
 */

export const PERMISSIONS_POLICY =
	'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), ' +
	'magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A 304 carries no body and no Content-Type, but the browser merges its headers into the response it
 * kept (RFC 9111 §4.3.4): a CSP on it would replace the cached page's own policy, and the nothing-allowed
 * API policy on a page blocks its scripts and styles (reloading /login left a dead form). A 304 gets no
 * CSP of its own; the stored one stays.
 */
const NOT_MODIFIED = 304;

/** The origins a configured basemap loads from: the style URL's origin plus the configured extras. */
export function basemapOrigins(styleUrl: string | undefined, extra: string[]): string[] {
	const out = new Set<string>();
	if (styleUrl) {
		try {
			const u = new URL(styleUrl);
			if (u.protocol === 'https:' || u.protocol === 'http:') out.add(u.origin);
		} catch {
			/* a relative URL is same-origin */
		}
	}
	for (const o of extra) out.add(o.replace(/\/+$/, ''));
	return [...out];
}

/** Add `origins` to the fetch-type directives of a CSP header value. */
export function widenCsp(csp: string, origins: string[]): string {
	if (origins.length === 0) return csp;
	const widen = new Set(['connect-src', 'img-src', 'font-src']);
	return csp
		.split(';')
		.map((d) => {
			const name = d.trim().split(/\s+/)[0];
			return widen.has(name) ? `${d.trim()} ${origins.join(' ')}` : d.trim();
		})
		.filter(Boolean)
		.join('; ');
}

export function applySecurityHeaders(
	response: Response,
	opts: { https: boolean; basemapOrigins: string[]; signedIn: boolean }
): Response {
	let headers: Headers;
	try {
		response.headers.set('x-content-type-options', 'nosniff');
		headers = response.headers;
	} catch {
		// Immutable headers (a fetched response passed through): copy into a new response.
		response = new Response(response.body, response);
		headers = response.headers;
		headers.set('x-content-type-options', 'nosniff');
	}
	headers.set('referrer-policy', 'same-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('permissions-policy', PERMISSIONS_POLICY);
	headers.set('cross-origin-opener-policy', 'same-origin');
	headers.set('cross-origin-resource-policy', 'same-origin');
	if (opts.https) headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
	const csp = headers.get('content-security-policy');
	if (csp) headers.set('content-security-policy', widenCsp(csp, opts.basemapOrigins));
	else if (
		response.status !== NOT_MODIFIED &&
		!(headers.get('content-type') ?? '').includes('text/html')
	) {
		headers.set('content-security-policy', API_CSP);
	}
	if (opts.signedIn) {
		// Nothing a signed-in user sees is kept anywhere, the browser's own cache included: it would
		// outlive the session (a shared computer after sign-out).
		headers.set('cache-control', 'private, no-store');
		headers.append('vary', 'Cookie');
	}
	return response;
}

/** The headers every response carries, files included (`applySecurityHeaders` sets them on the rest). */
export const BASELINE_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY',
	'permissions-policy': PERMISSIONS_POLICY,
	'cross-origin-opener-policy': 'same-origin',
	'cross-origin-resource-policy': 'same-origin',
	'content-security-policy': API_CSP
};

interface HeaderTarget {
	hasHeader(name: string): boolean;
	setHeader(name: string, value: string): unknown;
	writeHead: (...args: never[]) => unknown;
}

/**
 * Give every response of this Node process the baseline headers unless it set its own. adapter-node
 * serves the built JavaScript, CSS and `static/` files before SvelteKit's `handle` runs (so hooks never
 * see them); this wraps `writeHead` of Node's `ServerResponse`, which every response goes through. A
 * header the response sets itself wins (the page CSP, for one). Idempotent.
 */
export function installBaselineHeaders(proto: HeaderTarget): void {
	const marked = proto as HeaderTarget & { __beatwiseBaseline?: true };
	if (marked.__beatwiseBaseline) return;
	const writeHead = proto.writeHead;
	proto.writeHead = function (this: HeaderTarget & { statusCode?: number }, ...args: never[]) {
		const status = typeof args[0] === 'number' ? (args[0] as number) : this.statusCode;
		for (const [name, value] of Object.entries(BASELINE_HEADERS)) {
			if (name === 'content-security-policy' && status === NOT_MODIFIED) continue;
			if (!this.hasHeader(name)) this.setHeader(name, value);
		}
		return writeHead.apply(this, args);
	};
	marked.__beatwiseBaseline = true;
}
