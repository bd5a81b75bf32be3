import { describe, expect, it } from 'vitest';
import { applySecurityHeaders, installBaselineHeaders } from './headers';

const OPTIONS = { https: false, basemapOrigins: [], signedIn: false };

describe('applySecurityHeaders', () => {
	it('gives answers that are not pages the nothing-allowed policy', () => {
		const res = applySecurityHeaders(
			new Response('{}', { headers: { 'content-type': 'application/json' } }),
			OPTIONS
		);
		expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
	});

	it('leaves a 304 without a policy, so the cached page keeps its own', () => {
		// The browser merges a 304's headers into the page it kept: this one once replaced the login
		// page's policy with default-src 'none', and the reloaded form never came to life.
		const res = applySecurityHeaders(
			new Response(null, { status: 304, headers: { etag: '"1abc"' } }),
			OPTIONS
		);
		expect(res.headers.get('content-security-policy')).toBeNull();
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('widens a page policy by the basemap origins', () => {
		const res = applySecurityHeaders(
			new Response('<p>', {
				headers: { 'content-type': 'text/html', 'content-security-policy': "img-src 'self'" }
			}),
			{ ...OPTIONS, basemapOrigins: ['https://tiles.example.org'] }
		);
		expect(res.headers.get('content-security-policy')).toBe(
			"img-src 'self' https://tiles.example.org"
		);
	});
});

describe('installBaselineHeaders', () => {
	class FakeResponse {
		statusCode = 200;
		headers = new Map<string, string>();
		hasHeader(name: string) {
			return this.headers.has(name);
		}
		setHeader(name: string, value: string) {
			this.headers.set(name, value);
		}
		writeHead(..._args: never[]) {
			return this;
		}
	}
	installBaselineHeaders(FakeResponse.prototype);

	it('sets the baseline on a file answer, its own headers winning', () => {
		const res = new FakeResponse();
		res.setHeader('x-frame-options', 'SAMEORIGIN');
		res.writeHead(...([200] as never[]));
		expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
		expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
	});

	it('adds no policy to a 304, whether the status is passed or set beforehand', () => {
		const passed = new FakeResponse();
		passed.writeHead(...([304] as never[]));
		expect(passed.headers.has('content-security-policy')).toBe(false);
		const preset = new FakeResponse();
		preset.statusCode = 304;
		preset.writeHead();
		expect(preset.headers.has('content-security-policy')).toBe(false);
		expect(preset.headers.get('x-content-type-options')).toBe('nosniff');
	});
});
