import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { env } from '../../lib/server/env';
import { migrationsFolder, openDatabase } from '../../lib/server/db/client';
import { readMigrationFiles } from 'drizzle-orm/migrator';

export const summary = 'Bring the database schema up to date (run as the database owner)';

const HELP = `Usage: beatwise migrate

Creates PostGIS if needed and applies every migration of this version to the database named by
DATABASE_URL (or the embedded one in BEATWISE_DATA), whatever BEATWISE_MIGRATE says. Run it as the
owner role; a server or command connecting as the runtime role sets BEATWISE_MIGRATE=0 and only checks
that the schema is current. After migrating, run \`beatwise db grant-runtime --role NAME\` again so
the runtime role's rights cover new tables. See docs/security.md, "Database roles".`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: { help: { type: 'boolean', short: 'h' } }
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals.length) throw new UsageError('takes no arguments; see `beatwise migrate --help`');
	const e = env();
	const db = await openDatabase({ databaseUrl: e.databaseUrl, dataDir: e.dataDir, migrate: true });
	try {
		const n = readMigrationFiles({ migrationsFolder: migrationsFolder() }).length;
		const [who] = await db.query<{ user: string }>('SELECT current_user AS user');
		io.stdout.write(
			`Database schema up to date: ${n} migrations (${db.engine === 'postgres' ? `PostgreSQL, as ${who.user}` : `embedded, ${e.dataDir}`}).\n`
		);
		return 0;
	} finally {
		await db.close();
	}
}
