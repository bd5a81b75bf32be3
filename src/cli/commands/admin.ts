import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { passwordFromStdin, PASSWORD_COMMAND_OPTIONS } from '../stdin';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { AccountError, createAccount } from '../../lib/server/auth/accounts';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';

export const summary = 'Create an administrator account (first-run bootstrap)';

const HELP = `Usage: beatwise admin create --username NAME [--display-name TEXT] [--password-stdin]

Creates an administrator. With --password-stdin the password is read from standard input (one
trailing newline dropped); otherwise a random one is generated and printed once. There is no default
password.

  printf '%s' "$PASSWORD" | beatwise admin create --username alice --password-stdin
  beatwise admin create --username alice          # prints a generated password`;

export async function run(
	args: string[],
	io: CliIo,
	stdin: NodeJS.ReadableStream = io.stdin ?? process.stdin
): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			username: { type: 'string' },
			'display-name': { type: 'string' },
			...PASSWORD_COMMAND_OPTIONS
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals[0] !== 'create' || positionals.length !== 1) {
		throw new UsageError('the only subcommand is `create`; see `beatwise admin --help`');
	}
	if (!values.username) throw new UsageError('--username is required');
	const password = await passwordFromStdin(values['password-stdin'], stdin);
	const db = await getDatabase();
	try {
		const r = await createAccount(
			db,
			{
				username: values.username,
				displayName: values['display-name'],
				role: 'admin',
				password
			},
			{ actor: null, origin: CLI_ORIGIN }
		);
		if (values.json) {
			io.stdout.write(
				JSON.stringify({
					username: r.user.username,
					role: r.user.role,
					password: r.generated ? r.password : undefined
				}) + '\n'
			);
		} else {
			io.stdout.write(`Created administrator ${r.user.username}.\n`);
			if (r.generated) {
				io.stdout.write(`Password (shown once, change it after signing in): ${r.password}\n`);
			}
		}
		return 0;
	} catch (e) {
		if (e instanceof AccountError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
