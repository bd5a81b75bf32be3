/**
 * One contract per endpoint (issue 11): every `src/routes/api/**\/+server.ts` takes its request and
 * answer schemas (or the answer's type) from `src/lib/contracts/`, so a new route without a contract
 * fails here. No route is exempt.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const API = join(process.cwd(), 'src/routes/api');

function routeFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) return routeFiles(p);
		return name === '+server.ts' ? [p] : [];
	});
}

const usesContract = (source: string) =>
	/from '(\$lib\/contracts\/|(\.\.\/)+(lib\/)?contracts\/)[^']+'/.test(source);

describe('api routes and their contracts', () => {
	const files = routeFiles(API).map((p) => ({
		route: relative(API, p).split('\\').join('/'),
		source: readFileSync(p, 'utf8')
	}));

	it('finds the api routes', () => {
		expect(files.length).toBeGreaterThan(20);
	});

	it('every api route imports its schemas from src/lib/contracts', () => {
		const missing = files.filter((f) => !usesContract(f.source)).map((f) => f.route);
		expect(missing).toEqual([]);
	});
});
