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
			// the tiers that open databases).
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
					globalSetup: ['tests/global-setup.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/global-setup.ts', 'tests/e2e/global-setup.ts']
				}
			}
		],
		testTimeout: 120_000,
		hookTimeout: 300_000,
		fileParallelism: false,
		pool: 'forks'
	}
});
