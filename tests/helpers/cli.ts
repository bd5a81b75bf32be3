/**
 * `beatwise …` for the CLI tests, two ways:
 * - `spawnCli`: the real binary (`node bin/beatwise.js`), as an operator runs it; each call is a new
 *   Node process (tsx, the module graph and, on the embedded engine, a cold database), so each test
 *   file keeps one or two of these per command family to prove the binary works end to end;
 * - `inProcessCli`: the same `main(argv, io)` the binary calls, in the test's process with the
 *   command's output captured (src/cli/test-io.ts): the environment a command reads (DATABASE_URL,
 *   BEATWISE_DATA) is set as the binary would see it, and the CLI's modules are loaded afresh for it
 *   (the environment is parsed once per module instance), so one file can run on both engines.
 */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { vi } from 'vitest';
import { captureIo } from '../../src/cli/test-io';
import type { TestDatabase } from './db';

export interface CliResult {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** The environment of a CLI run against a test database (a closed PGlite folder, or a URL). */
export function cliEnv(t: Pick<TestDatabase, 'url' | 'dataDir'>): Record<string, string> {
	return t.url
		? { DATABASE_URL: t.url, BEATWISE_DATA: '' }
		: {
				DATABASE_URL: '',
				BEATWISE_DATA: t.dataDir ?? ''
			};
}

/** The real binary in a new process. */
export function spawnCli(env: Record<string, string>, args: string[], input?: string): CliResult {
	const r = spawnSync(process.execPath, ['bin/beatwise.js', ...args], {
		encoding: 'utf8',
		input,
		env: { ...process.env, ...env }
	});
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `main(argv, io)` in this process with `env` set while it runs; standard input is `input` (or
 * empty). Calls run one at a time, as processes of one shell would.
 */
export async function inProcessCli(
	env: Record<string, string>,
	args: string[],
	input?: string
): Promise<CliResult> {
	for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
	try {
		// Fresh modules: the CLI's environment and database handle are module-level, read once.
		vi.resetModules();
		const { main } = await import('../../src/cli/main');
		const c = captureIo();
		const stdin = Readable.from(input === undefined ? [] : [input]);
		const status = await main(args, { ...c.io, stdin });
		return { status, stdout: c.out(), stderr: c.err() };
	} finally {
		vi.unstubAllEnvs();
	}
}
