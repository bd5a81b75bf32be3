/**
 * The route list, read from src/routes: every page (`+page.svelte`), its form actions
 * (`+page.server.ts` `actions`), and every endpoint method (`+server.ts` exports). The authorisation
 * matrix is generated from this, so a new route shows up in the tests the moment its file exists.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface RouteEntry {
	/** SvelteKit route id, e.g. `/api/cell/[cell=h3cell]`. */
	id: string;
	kind: 'page' | 'endpoint';
	/** Page: `GET` (load) and `POST` per action; endpoint: exported methods. */
	requests: { method: string; action?: string }[];
	/** The route has a server load (so `__data.json` exists). */
	serverLoad: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else out.push(p);
	}
	return out;
}

/** Names of the form actions in a +page.server.ts: the keys of `export const actions = { … }`. */
export function actionNames(source: string): string[] {
	const start = source.search(/export const actions\b[^=]*=\s*{/);
	if (start < 0) return [];
	const body = source.slice(source.indexOf('{', start) + 1);
	const names: string[] = [];
	let depth = 0;
	for (const line of body.split('\n')) {
		if (depth === 0) {
			const m = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*[:(]/.exec(line);
			if (m) names.push(m[1]);
			if (/^\s*}\s*(satisfies[^;]*)?;?\s*$/.test(line)) break;
		}
		for (const c of line) {
			if (c === '{' || c === '(' || c === '[') depth++;
			if (c === '}' || c === ')' || c === ']') depth--;
		}
		if (depth < 0) break;
	}
	return names;
}

export function endpointMethods(source: string): string[] {
	const found = new Set<string>();
	const re = /export\s+(?:const|async\s+function|function|let)\s+([A-Z]+)\b/g;
	for (const m of source.matchAll(re))
		if (METHODS.includes(m[1]) || m[1] === 'fallback') found.add(m[1]);
	return [...found];
}

export function listRoutes(root = 'src/routes'): RouteEntry[] {
	const byId = new Map<string, RouteEntry>();
	for (const file of walk(root)) {
		const rel = relative(root, file).split(sep);
		const name = rel.pop() as string;
		const id = '/' + rel.join('/');
		if (name === '+page.svelte') {
			const e = byId.get(`page ${id}`) ?? { id, kind: 'page', requests: [], serverLoad: false };
			e.requests.push({ method: 'GET' });
			byId.set(`page ${id}`, e);
		} else if (/^\+page\.server\.[jt]s$/.test(name)) {
			const e = byId.get(`page ${id}`) ?? { id, kind: 'page', requests: [], serverLoad: false };
			const src = readFileSync(file, 'utf8');
			e.serverLoad = /export (const|async function|function) load\b/.test(src);
			for (const action of actionNames(src)) e.requests.push({ method: 'POST', action });
			byId.set(`page ${id}`, e);
		} else if (/^\+server\.[jt]s$/.test(name)) {
			const methods = endpointMethods(readFileSync(file, 'utf8'));
			byId.set(`endpoint ${id}`, {
				id,
				kind: 'endpoint',
				requests: methods.map((method) => ({ method })),
				serverLoad: false
			});
		}
	}
	for (const e of byId.values()) {
		// A +page.server.ts without +page.svelte still answers GET (its load may redirect).
		if (e.kind === 'page' && !e.requests.some((r) => r.method === 'GET'))
			e.requests.unshift({ method: 'GET' });
	}
	return [...byId.values()].sort(
		(a, b) => a.id.localeCompare(b.id) || a.kind.localeCompare(b.kind)
	);
}

/** Sample values for dynamic segments, by the segment as written in the route id. */
export const PARAM_SAMPLES: Record<string, string> = {
	'[cell=h3cell]': '89194ad30c7ffff',
	'[id]': '1'
};

/** A concrete path for a route id, or an error naming the segment that has no sample. */
export function samplePath(id: string): string {
	const parts = id
		.split('/')
		.filter((p) => !/^\(.+\)$/.test(p))
		.map((p) => {
			if (!p.includes('[')) return p;
			const sample = PARAM_SAMPLES[p];
			if (sample === undefined) {
				throw new Error(
					`route ${id}: no sample value for the segment ${p}; add one to PARAM_SAMPLES in tests/security/routes.ts`
				);
			}
			return sample;
		});
	return parts.join('/') || '/';
}

/**
 * What each route returns, so the authorisation tests know which need area-limit cases. Every route in
 * src/routes must be classified here (a new one fails the matrix until it is):
 * - `records`: incident or observation records, or their text. They decide through `readScope`
 *   (src/lib/server/auth/read-scope.ts): area limits, handling codes, audit. Each needs an area-limit
 *   case in tests/security/authorization-matrix.test.ts.
 * - `aggregates`: counts per cell or area, statistics, boundaries, the data's range. Not area-limited
 *   by design (docs/security.md); small counts are the disclosure policy's business.
 * - `account`: sign-in, sign-out, own account, user administration: no data records.
 * - `audit`: the audit trail (audit:view), searched by user, action and date.
 */
export type ReadKind = 'records' | 'aggregates' | 'account' | 'audit';

export const ROUTE_READS: Record<string, ReadKind> = {
	'/': 'aggregates',
	'/login': 'account',
	'/logout': 'account',
	'/account': 'account',
	'/admin': 'account',
	'/admin/users': 'account',
	'/admin/audit': 'audit',
	// Counts, z and hot spots of any area; its observation list is records.
	'/neighbourhood': 'records',
	'/trends': 'aggregates',
	// Collision points (STATS19) for the map, limited to the reader's areas; counts and profiles.
	'/road-safety': 'records',
	'/supervisor': 'aggregates',
	'/api/health': 'account',
	'/api/meta': 'aggregates',
	'/api/areas': 'aggregates',
	'/api/cells': 'aggregates',
	'/api/cell/[cell=h3cell]': 'aggregates',
	'/api/incidents': 'records',
	'/api/observations': 'records',
	'/api/export/incidents': 'records',
	'/api/export/cells': 'aggregates',
	// Gi* of counts; `observations=accepted` adds counts of accepted reports per cell, through the
	// reader's scope (area limits, code C), refused to a public audience.
	'/api/analysis/hotspots': 'aggregates',
	'/api/analysis/emerging': 'aggregates',
	'/api/analysis/trends': 'aggregates',
	// Before/after counts and intervals of a site and a control: statistics, no records.
	'/api/analysis/road-safety': 'aggregates',
	'/api/analysis/change': 'aggregates',
	'/api/analysis/profile': 'aggregates',
	'/api/analysis/near-repeat': 'aggregates',
	// A backtest of the shift ranking: hit rates and counts, no records.
	'/api/analysis/forecast-accuracy': 'aggregates',
	// Which periods hold data: no records.
	'/api/analysis/coverage': 'aggregates',
	// Place names for cells: the commonest location text of a cell's non-sensitive incidents (police.uk
	// snap points such as "On or near Cheapside"), else the area at its centre. Not yet filtered by the
	// reader's area limits or handling code C (issue 10 follow-up, see docs/security.md).
	'/api/places': 'aggregates',
	// Tasking: units, cells, planned and logged visits, and per-cell counts of recent incidents (why a
	// spot was chosen); no incident records. Officers see their own units' orders only (services/tasking.ts).
	'/tasking': 'aggregates',
	'/tasking/reports': 'aggregates',
	'/tasking/[id]/print': 'aggregates',
	'/tasking/[id]/orders.pdf': 'aggregates',
	'/patrol': 'aggregates',
	'/api/tasking/visits': 'aggregates',
	// The signed-in user's own analysis jobs: parameters, progress and statistics, no records.
	'/jobs': 'aggregates',
	'/api/jobs': 'aggregates',
	'/api/jobs/[id]': 'aggregates',
	// Intelligence products: counts, tables and sanitised text of an area, drafted by analysts; the
	// products service decides who reads which (audience, handling code, area limits) and audits it.
	'/products': 'records',
	'/products/[id]': 'records',
	'/products/[id]/pdf': 'records',
	// Early-warning alarms: counts per area and week, no records; still only those of areas inside the
	// reader's (readScope's area limits), as they go to the roles responsible for the area.
	'/alerts': 'aggregates',
	'/alerts/[id]': 'aggregates',
	'/alerts/subscriptions': 'aggregates',
	// Problems: analysts' text, cells, links, and before/after counts in the problem's cells.
	'/problems': 'aggregates',
	'/problems/[id]': 'aggregates',
	// Intelligence (issue 13). The register: sources with counts of their reports, no records.
	'/sources': 'aggregates',
	// The entry form: sources and categories to pick from, no records.
	'/report': 'aggregates',
	// New reports with their text, nearby incidents and reports: records, through readScope.
	'/review': 'records',
	'/cross-check': 'records',
	// Import in the browser: what the user's own uploaded file holds (columns, sample values, its
	// points and accounting) and the mapping kept per source; never stored records.
	'/import': 'account',
	'/api/imports': 'account',
	'/api/imports/upload': 'account',
	'/api/imports/dry-run': 'account',
	'/api/imports/[id]': 'account'
};

/** The server files of a route (its +server / +page.server sources), for static checks. */
export function routeServerSources(id: string, root = 'src/routes'): string[] {
	const dir = join(root, ...id.split('/').filter(Boolean));
	let names: string[] = [];
	try {
		names = readdirSync(dir);
	} catch {
		return [];
	}
	return names
		.filter((n) => /^\+(server|page\.server|layout\.server)\.[jt]s$/.test(n))
		.map((n) => readFileSync(join(dir, n), 'utf8'));
}
