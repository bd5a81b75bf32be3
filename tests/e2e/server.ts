/**
 * A production build of Beatwise on a free loopback port, on a fresh embedded database that loads the
 * shipped demo data, for end-to-end tests. Builds only when the sources are newer than the build.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TEMPLATE_DIR } from '../helpers/db';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Where each server's output (with its access log) is written when it stops. */
const LOG_DIR = resolve('test-output/e2e');

function newestMtime(dir: string): number {
	let newest = 0;
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		const st = statSync(p);
		newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
	}
	return newest;
}

function buildIsFresh(): boolean {
	const marker = resolve('build/handler.js');
	if (!existsSync(marker)) return false;
	const built = statSync(marker).mtimeMs;
	return built > newestMtime(resolve('src')) && built > newestMtime(resolve('static'));
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Build unless the build is newer than the sources. One build at a time across the test workers (two
 * files that start servers at once both found the build stale, and two `vite build`s in one folder
 * broke each other): the first takes a lock folder, the others wait for it to go and check again.
 */
export async function ensureBuilt(): Promise<void> {
	const lock = resolve('.beatwise/build.lock');
	mkdirSync(dirname(lock), { recursive: true });
	for (;;) {
		if (buildIsFresh()) return;
		try {
			mkdirSync(lock);
		} catch {
			// A build by a process that died leaves its lock: take it over.
			const owner = Number(readFileSafe(join(lock, 'pid')));
			if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
			else await new Promise((r) => setTimeout(r, 250));
			continue;
		}
		try {
			writeFileSync(join(lock, 'pid'), String(process.pid));
			if (buildIsFresh()) return;
			const r = spawnSync('npx', ['vite', 'build'], { stdio: 'pipe', encoding: 'utf8' });
			if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
			return;
		} finally {
			rmSync(lock, { recursive: true, force: true });
		}
	}
}

function readFileSafe(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

/** A port nothing listens on now, on the loopback address. */
export async function freePort(): Promise<number> {
	return new Promise((ok, fail) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', fail);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as { port: number }).port;
			srv.close(() => ok(port));
		});
	});
}

export interface RunningServer {
	url: string;
	dataDir: string;
	log: () => string;
	stop(): Promise<void>;
}

/**
 * Names a data folder that holds the demo, loaded once by the e2e global set-up (prepareDemoData):
 * servers that would load the demo on start copy it instead.
 */
export const DEMO_DIR_VARIABLE = 'BEATWISE_E2E_DEMO_DIR';

/**
 * Names the run's copy of the build (made once by the e2e global set-up, snapshotBuild): e2e servers
 * run from it, so a test that rebuilds `build/` (npm-start) swaps no chunks under a server of a file
 * running beside it.
 */
export const BUILD_COPY_VARIABLE = 'BEATWISE_E2E_BUILD';

/** A copy of the (freshly checked) build under `.beatwise/NAME-build/build`, returned. */
function copyBuild(name: string, from = 'build'): string {
	const copy = resolve('.beatwise', `${name}-build`);
	rmSync(copy, { recursive: true, force: true });
	cpSync(from, join(copy, 'build'), { recursive: true });
	return join(copy, 'build');
}

/** The run's copy of the build for every e2e server (BUILD_COPY_VARIABLE); removed with `dirname`. */
export async function snapshotBuild(name: string): Promise<string> {
	await ensureBuilt();
	return copyBuild(name);
}

export interface ServerOptions {
	/**
	 * Run from a private copy of the build named so (under `.beatwise/`, inside the project so that the
	 * server still resolves node_modules): benchmarks last minutes, and another engineer's rebuild of
	 * `build/` in a shared tree would swap the chunks under a running server.
	 */
	privateBuild?: string;
	/** How long to wait for the server to answer (default 180 s). */
	readyTimeoutMs?: number;
	/**
	 * Fill the embedded database before the server starts (it holds the data folder once running):
	 * called with the data folder, which already holds the migrated template.
	 */
	prepare?: (dataDir: string) => Promise<void>;
	/** Listen on this port (a helper's own range) instead of a free one. */
	port?: number;
	/** Leave the data folder in place when the server stops (prepareDemoData). */
	keepData?: boolean;
}

/**
 * What a server's data folder starts as: the demo already loaded (DEMO_DIR_VARIABLE) when the server
 * would load it on start into an empty database, otherwise the migrated empty template.
 */
function seedFolder(env: Record<string, string>, options: ServerOptions): string {
	const demo = process.env[DEMO_DIR_VARIABLE];
	const loadsDemo = (env.BEATWISE_DEMO ?? '1') === '1' && !env.DATABASE_URL && !env.BEATWISE_DATA;
	if (demo && loadsDemo && !options.prepare && existsSync(join(demo, 'pg'))) return demo;
	return TEMPLATE_DIR;
}

/**
 * Start a server on the migrated template, let it load the demo, stop it and keep its data folder:
 * the demo loaded once for every server of the run that starts with it (seedFolder).
 */
export async function prepareDemoData(): Promise<string> {
	const server = await startServer({}, { keepData: true, readyTimeoutMs: 600_000 });
	await server.stop();
	rmSync(join(server.dataDir, 'beatwise.lock'), { force: true });
	return server.dataDir;
}

/**
 * Start `node build` with the demo loaded (unless `env` says otherwise, e.g. `DATABASE_URL` and
 * `BEATWISE_DEMO: '0'`); resolves once the health check answers.
 */
export async function startServer(
	env: Record<string, string> = {},
	options: ServerOptions = {}
): Promise<RunningServer> {
	const runBuild = process.env[BUILD_COPY_VARIABLE];
	const shared = runBuild && existsSync(join(runBuild, 'handler.js')) ? runBuild : undefined;
	if (!shared) await ensureBuilt();
	let buildDir = shared ?? 'build';
	let ownBuild = false;
	if (options.privateBuild) {
		buildDir = copyBuild(options.privateBuild, shared ?? 'build');
		ownBuild = true;
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'beatwise-e2e-'));
	const seed = seedFolder(env, options);
	if (seed !== TEMPLATE_DIR) cpSync(seed, dataDir, { recursive: true });
	else if (existsSync(join(TEMPLATE_DIR, 'pg'))) {
		cpSync(join(TEMPLATE_DIR, 'pg'), join(dataDir, 'pg'), { recursive: true });
	}
	await options.prepare?.(dataDir);
	const port = options.port ?? (await freePort());
	let output = '';
	const child: ChildProcess = spawn(process.execPath, [buildDir], {
		env: {
			...process.env,
			DATABASE_URL: '',
			BEATWISE_DATA: dataDir,
			BEATWISE_DEMO: '1',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			// As `npm start` runs it (README, Configuration).
			KEEP_ALIVE_TIMEOUT: process.env.KEEP_ALIVE_TIMEOUT ?? '65',
			// Every request with its time, kept in test-output/e2e/ for a failure's post-mortem.
			BEATWISE_ACCESS_LOG: '1',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	const url = `http://127.0.0.1:${port}`;
	const readyMs = options.readyTimeoutMs ?? 180_000;
	const deadline = Date.now() + readyMs;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
		try {
			// The public health check (the data API needs a session); `init` has loaded the demo
			// before the server listens.
			const res = await fetch(`${url}/api/health`);
			if (res.ok) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not become ready in ${readyMs / 1000} s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		dataDir,
		log: () => output,
		async stop() {
			// A server must exit on SIGTERM by itself (closing its database); 20 s, then it is killed
			// and the stop fails, so every test server checks the graceful shutdown.
			let hung = false;
			if (child.exitCode === null) {
				const exited = new Promise((r) => child.once('exit', r));
				child.kill('SIGTERM');
				const timer = setTimeout(() => {
					hung = true;
					child.kill('SIGKILL');
				}, 20_000);
				await exited;
				clearTimeout(timer);
			}
			mkdirSync(LOG_DIR, { recursive: true });
			writeFileSync(join(LOG_DIR, `server-${port}.log`), output);
			if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
			if (ownBuild) rmSync(dirname(buildDir), { recursive: true, force: true });
			if (hung) throw new Error(`the server did not exit within 20 s of SIGTERM:\n${output}`);
		}
	};
}
