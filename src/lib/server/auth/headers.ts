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
	else if (!(headers.get('content-type') ?? '').includes('text/html')) {
		headers.set('content-security-policy', API_CSP);
	}
	if (opts.signedIn) {
		// Nothing a signed-in user sees may sit in a shared cache.
		const cc = headers.get('cache-control');
		if (!cc) headers.set('cache-control', 'private, no-store');
		else if (/\bpublic\b/.test(cc))
			headers.set('cache-control', cc.replace(/\bpublic\b/, 'private'));
		headers.append('vary', 'Cookie');
	}
	return response;
}
