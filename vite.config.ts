import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	ssr: {
		// Native and wasm-backed server packages stay out of the SSR bundle.
		external: [
			'@electric-sql/pglite',
			'@electric-sql/pglite-postgis',
			'@node-rs/argon2',
			'postgres'
		]
	},
	test: {
		expect: { requireAssertions: true },
		projects: [
			// Unit specs need no database: no global set-up (the embedded template is built only for
			// the tiers that open databases). Two worker threads that keep the modules they loaded
			// between files (isolate: false; h3-js alone took ~0.4 s to load per file): a spec must
			// not leave state behind (no vi.mock, which stays registered for later files: doMock and
			// doUnmock; no changed globals or environment).
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts', 'bench/**/*.spec.ts'],
					fileParallelism: true,
					maxWorkers: 2,
					pool: 'threads',
					isolate: false
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/**/*.test.ts'],
					exclude: ['tests/e2e/**'],
					globalSetup: ['tests/global-setup.ts'],
					// Two files at a time: each opens databases of its own (a PGlite folder copied from the
					// template, or a PostgreSQL database cloned from it), and PGlite keeps one core busy.
					fileParallelism: true,
					maxWorkers: 2
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/global-setup.ts', 'tests/e2e/global-setup.ts'],
					// Two files at a time, after the other tiers: global set-up starts one demo server per
					// worker, and worker-setup.ts hands each file its worker's server, so a worker's files
					// run one after another on their own server (files that need other data start their
					// own, on a free port and a data folder of their own).
					setupFiles: ['tests/e2e/worker-setup.ts'],
					fileParallelism: true,
					maxWorkers: 2,
					sequence: { groupOrder: 1 }
				}
			}
		],
		testTimeout: 120_000,
		hookTimeout: 300_000,
		fileParallelism: false,
		pool: 'forks'
	}
});
