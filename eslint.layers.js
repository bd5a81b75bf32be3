/**
 * The layers of the server and who may import whom (docs/architecture.md), as `no-restricted-imports`
 * rules: a new import that crosses a layer the wrong way fails `npx eslint .`. Patterns are regular
 * expressions over the import's text, so relative (`../services/x`) and `$lib/server/services/x`
 * spellings are caught alike. `src/layers.spec.ts` proves each rule catches a leak.
 *
 *   analysis   ← nothing of the project's server (pure functions: numbers in, numbers out)
 *   db/queries ← db/client, analysis, cell-keys (nothing above the database)
 *   below the services: db/ (client, reader), auth/, ingest/ and the top-level modules
 *              of server/ (env, errors, cell-keys, basemap-style) ← db/queries, analysis, each other —
 *              never services, study, jobs, products, demo
 *   study      ← db/queries, analysis, env, errors (shared by the services: areas, periods, weights)
 *   services   ← db/queries, analysis, study, ingest (the import pipeline), auth, contracts, errors — never
 *                another service, nor products, jobs (but jobs/tasks), demo
 *   above the services (callers of services, like routes): jobs/ (background jobs, early warning),
 *              products/ (documents built from several services' answers), demo/, export/ (its CSV writer
 *              is used by services/exports, its respond.ts streams that service's answer) — never routes
 *              or the CLI
 *   routes     ← services, auth, jobs, products, contracts, errors, db (getDatabase, readSnapshot) — never
 *                queries, study, analysis
 *   pages and browser code (components, map, contracts, src/lib/{auth,charts,intel,tasking}, src/lib/*.ts)
 *              ← contracts and browser code — never $lib/server (a type-only import is erased and allowed)
 */

import ts from 'typescript-eslint';

/**
 * A segment of the server tree named anywhere in an import path.
 * @param {...string} names
 */
const seg = (...names) => `(^|/)(${names.join('|')})(/|$)`;

/**
 * @param {...[string, string]} patterns regular expression and message
 * @returns {import('eslint').Linter.RuleEntry}
 */
const rule = (...patterns) => [
	'error',
	{ patterns: patterns.map(([regex, message]) => ({ regex, message })) }
];

/**
 * An import of one of these folders of `src/lib/server/` from anywhere inside the server tree
 * (`./x`, `../x`, `../../x`, `$lib/server/x`), but not a folder of the same name elsewhere
 * (`../../contracts/jobs` is not `server/jobs`).
 * @param {...string} names
 */
const server = (...names) => `^((\\./|(\\.\\./)+)|\\$lib/server/)(${names.join('|')})(/|$)`;

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
	{
		files: ['src/lib/server/analysis/**/*.ts'],
		rules: {
			'no-restricted-imports': rule(
				[
					'^(\\.\\./)+(?!(\\.\\./)*(tests/|grading$|dates$|taxonomy$))',
					'analysis/ imports nothing above it: only its own modules, the pure shared modules of src/lib (grading, dates, taxonomy) and test fixtures in specs.'
				],
				['^\\$lib/', 'analysis/ imports nothing above it: only its own modules.']
			)
		}
	},
	{
		files: ['src/lib/server/db/queries/**/*.ts'],
		rules: {
			'no-restricted-imports': rule([
				seg(
					'services',
					'study',
					'auth',
					'jobs',
					'ingest',
					'export',
					'demo',
					'routes',
					'cli',
					'http'
				),
				'db/queries imports nothing above the database (the client, analysis helpers, cell keys).'
			])
		}
	},
	{
		files: ['src/lib/server/study/**/*.ts'],
		rules: {
			'no-restricted-imports': rule([
				seg('services', 'jobs', 'routes', 'cli', 'http', 'demo'),
				'study/ is shared by the services: it uses queries, analysis and errors, never a service.'
			])
		}
	},
	{
		files: ['src/lib/server/services/**/*.ts'],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': rule(
				[
					'^\\./',
					'A service never imports another service: move the shared code to server/study/ (or the contracts).'
				],
				[
					seg('services', 'routes', 'cli', 'http', 'demo'),
					'Services use queries, analysis, study, ingest, auth and the contracts, never another service or a route.'
				],
				[
					'(^|/)jobs/(?!tasks$)',
					'Services hand heavy work to jobs/tasks only (the pool calls them).'
				],
				[
					server('products'),
					'Products are built from services (products/ imports services), never the other way round.'
				]
			)
		}
	},
	{
		files: [
			'src/lib/server/*.ts',
			'src/lib/server/db/*.ts',
			'src/lib/server/auth/**/*.ts',
			'src/lib/server/ingest/**/*.ts'
		],
		rules: {
			'no-restricted-imports': rule(
				[
					server('services', 'study', 'jobs', 'products', 'demo'),
					'db/, auth/, ingest/ and the top-level server modules are below the services: they never import services, study helpers, jobs, products or the demo.'
				],
				[seg('routes', 'cli'), 'Server modules never import routes or the CLI.']
			)
		}
	},
	{
		files: [
			'src/lib/server/jobs/**/*.ts',
			'src/lib/server/products/**/*.ts',
			'src/lib/server/demo/**/*.ts',
			'src/lib/server/export/**/*.ts'
		],
		rules: {
			'no-restricted-imports': rule([
				seg('routes', 'cli'),
				'jobs/, products/, demo/ and export/ serve routes and the CLI, never import them.'
			])
		}
	},
	{
		files: ['src/routes/**/*.ts', 'src/hooks.server.ts'],
		rules: {
			'no-restricted-imports': rule(
				[
					'(^|/)server/(db/queries|db/schema|study|analysis)(/|$)',
					'Routes call services (and auth, jobs), never queries, study helpers or analysis directly.'
				],
				['^(drizzle-orm|postgres|@electric-sql/.*)$', 'Routes hold no SQL: put it in db/queries.']
			)
		}
	},
	{
		files: [
			'src/**/*.svelte',
			'src/lib/components/**/*.ts',
			'src/lib/map/**/*.ts',
			'src/lib/contracts/**/*.ts',
			'src/lib/{auth,charts,intel,tasking}/**/*.ts',
			'src/lib/*.ts',
			'src/routes/**/+page.ts'
		],
		plugins: { '@typescript-eslint': ts.plugin },
		rules: {
			'no-restricted-imports': 'off',
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '(^|/)server(/|$)',
							message:
								'Pages and components never import server code: load data through a route and a contract.',
							allowTypeImports: true
						}
					]
				}
			]
		}
	}
];
