/**
 * `beatwise <command> [options]`. Each command lives in ./commands/<name>.ts and exports
 * `run(args: string[], io: CliIo): Promise<number>` plus a one-line `summary`.
 * Server code reachable from here uses relative imports only (no `$lib`), so tsx can load it.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export interface CliIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** True when stderr is a terminal (progress bars go there only then). */
	interactive: boolean;
	/** Standard input (passwords with --password-stdin); the process's when not given. */
	stdin?: NodeJS.ReadableStream;
}

export interface CliCommand {
	summary: string;
	run(args: string[], io: CliIo): Promise<number>;
}

/** A user mistake in how the command was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
	return readdirSync(commandsDir)
		.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
		.map((f) => f.slice(0, -3))
		.sort();
}

async function loadCommand(name: string): Promise<CliCommand | null> {
	if (!commandNames().includes(name)) return null;
	return (await import(`./commands/${name}.ts`)) as CliCommand;
}

async function usage(io: CliIo): Promise<void> {
	const lines = ['Usage: beatwise <command> [options]', '', 'Commands:'];
	const names = commandNames();
	const width = Math.max(...names.map((n) => n.length)) + 2;
	for (const name of names) {
		const cmd = await loadCommand(name);
		lines.push(`  ${name.padEnd(width)}${cmd?.summary ?? ''}`);
	}
	lines.push('', 'Run `beatwise <command> --help` for the options of one command.');
	io.stdout.write(lines.join('\n') + '\n');
}

export async function main(
	argv: string[],
	io: CliIo = {
		stdout: process.stdout,
		stderr: process.stderr,
		interactive: Boolean(process.stderr.isTTY)
	}
): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		await usage(io);
		return name ? 0 : 2;
	}
	const cmd = await loadCommand(name);
	if (!cmd) {
		io.stderr.write(`beatwise: unknown command "${name}". Run \`beatwise --help\` for the list.\n`);
		return 2;
	}
	try {
		return await cmd.run(rest, io);
	} catch (e) {
		if (e instanceof UsageError) {
			io.stderr.write(`beatwise ${name}: ${e.message}\n`);
			return 2;
		}
		const err = e as Error & { code?: string };
		io.stderr.write(`beatwise ${name}: ${err.code ? `[${err.code}] ` : ''}${err.message}\n`);
		if (process.env.BEATWISE_DEBUG) io.stderr.write(`${err.stack}\n`);
		return 1;
	}
}
