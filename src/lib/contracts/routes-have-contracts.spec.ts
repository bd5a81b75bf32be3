/**
 * One contract per endpoint (issue 11): every `src/routes/api/**\/+server.ts` takes its request and
 * answer schemas from `src/lib/contracts/`. The routes still without one are listed by name, so a new
 * route without a contract fails here, and the list can only shrink (a listed route that gains one fails
 * too, until it is taken off the list).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const API = join(process.cwd(), 'src/routes/api');

/** Routes that answer without a zod contract yet (to be given one, then removed from here). */
const WITHOUT_CONTRACT = new Set([
	'areas/+server.ts',
	'health/+server.ts',
	'imports/+server.ts',
	'imports/[id]/+server.ts',
	'imports/dry-run/+server.ts',
	'imports/upload/+server.ts',
	'jobs/+server.ts',
	'meta/+server.ts'
]);

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
		const missing = files
			.filter((f) => !WITHOUT_CONTRACT.has(f.route) && !usesContract(f.source))
			.map((f) => f.route);
		expect(missing).toEqual([]);
	});

	it('the list of routes still without a contract is exact', () => {
		const listedButHaveOne = files
			.filter((f) => WITHOUT_CONTRACT.has(f.route) && usesContract(f.source))
			.map((f) => f.route);
		const listedButGone = [...WITHOUT_CONTRACT].filter((r) => !files.some((f) => f.route === r));
		expect(listedButHaveOne).toEqual([]);
		expect(listedButGone).toEqual([]);
	});
});
