import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { passwordFromStdin, PASSWORD_COMMAND_OPTIONS } from '../stdin';
import { env } from '../../lib/server/env';
import { openDatabase } from '../../lib/server/db/client';
import { grantRuntimeRole, RoleError } from '../../lib/server/db/roles';

export const summary = 'Database roles: create or update the runtime role (run as the owner)';

const HELP = `Usage: beatwise db grant-runtime --role NAME [--password-stdin] [--json]

Run as the database owner (DATABASE_URL names the owner), after \`beatwise migrate\`. Creates the
login role NAME if it does not exist (no superuser, no role or database creation) and grants it what
the server and everyday commands need: read and write the product's tables, but only INSERT and
SELECT on the audit log; it owns nothing, so it cannot disable the audit log's triggers. With
--password-stdin its password is read from standard input. Then run the server with DATABASE_URL
naming NAME and BEATWISE_MIGRATE=0. Run it again after each \`beatwise migrate\`.

  printf '%s' "$RUNTIME_PASSWORD" | beatwise db grant-runtime --role beatwise_app --password-stdin`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			role: { type: 'string' },
			...PASSWORD_COMMAND_OPTIONS
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals[0] !== 'grant-runtime' || positionals.length !== 1)
		throw new UsageError('the only subcommand is `grant-runtime`; see `beatwise db --help`');
	if (!values.role)
		throw new UsageError('--role is required (the runtime role to create or grant)');
	const password = await passwordFromStdin(values['password-stdin'], io.stdin ?? process.stdin);
	const e = env();
	if (!e.databaseUrl)
		throw new UsageError(
			'database roles exist on PostgreSQL only: set DATABASE_URL to the database, as its owner'
		);
	const db = await openDatabase({ databaseUrl: e.databaseUrl, migrate: e.migrate });
	try {
		const g = await grantRuntimeRole(db, { role: values.role, password });
		if (values.json) io.stdout.write(JSON.stringify(g) + '\n');
		else
			io.stdout.write(
				`${g.created ? 'Created' : 'Updated'} runtime role ${g.role}: read and write on ` +
					`${g.readWrite.length} tables, SELECT and INSERT only on ${g.appendOnly.join(', ')}, ` +
					`read only on ${g.readOnly.join(', ') || 'none'}.\n` +
					`Start the server with DATABASE_URL naming ${g.role} and BEATWISE_MIGRATE=0.\n`
			);
		return 0;
	} catch (err) {
		if (err instanceof RoleError) throw new UsageError(err.message);
		throw err;
	} finally {
		await db.close();
	}
}
