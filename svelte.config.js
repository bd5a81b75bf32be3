import nodeAdapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The string src/lib/server/jobs/worker-entry.ts holds until the build writes the worker's path. */
const JOBS_WORKER_MARKER = '__BEATWISE_JOBS_WORKER__';

function jsFiles(dir) {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
	});
}

/**
 * adapter-node, plus the analysis worker thread: worker.ts bundled on its own into
 * `build/server/jobs-worker.js` (package dependencies stay external, as in the server bundle), and
 * the marker in the server's chunks replaced by that file's path relative to each chunk.
 */
function adapter(options = {}) {
	const base = nodeAdapter(options);
	return {
		...base,
		async adapt(builder) {
			await base.adapt(builder);
			const out = options.out ?? 'build';
			const serverDir = join(out, 'server');
			const { build } = await import('vite');
			const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
			const deps = Object.keys(pkg.dependencies ?? {}).map((d) => new RegExp(`^${d}(\\/.*)?$`));
			await build({
				configFile: false,
				logLevel: 'warn',
				build: {
					ssr: 'src/lib/server/jobs/worker.ts',
					outDir: serverDir,
					emptyOutDir: false,
					sourcemap: true,
					rollupOptions: { external: deps, output: { entryFileNames: 'jobs-worker.js' } }
				}
			});
			const worker = join(serverDir, 'jobs-worker.js');
			let rewritten = 0;
			for (const file of jsFiles(serverDir)) {
				const code = readFileSync(file, 'utf8');
				if (!code.includes(JOBS_WORKER_MARKER)) continue;
				const rel = relative(dirname(file), worker).split('\\').join('/');
				const path = rel.startsWith('.') ? rel : `./${rel}`;
				writeFileSync(file, code.split(JOBS_WORKER_MARKER).join(path));
				rewritten++;
			}
			if (rewritten === 0)
				throw new Error(
					`beatwise: no server chunk holds ${JOBS_WORKER_MARKER} (src/lib/server/jobs/worker-entry.ts); the analysis worker would not be found`
				);
			builder.log.minor(`Analysis worker: ${worker} (${rewritten} chunk(s) point to it)`);
		}
	};
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		csrf: { trustedOrigins: [] },
		// Page CSP with hashes for SvelteKit's inline scripts. MapLibre runs its workers from blob: URLs
		// and sets inline styles; basemap origins configured at run time are added in hooks.server.ts.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				// 'wasm-unsafe-eval' lets the map's WebAssembly modules compile; it does not allow eval().
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'child-src': ['self', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
