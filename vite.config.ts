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
		include: ['src/**/*.spec.ts', 'tests/**/*.test.ts'],
		globalSetup: ['tests/global-setup.ts'],
		testTimeout: 120_000,
		hookTimeout: 300_000,
		fileParallelism: false,
		pool: 'forks'
	}
});
