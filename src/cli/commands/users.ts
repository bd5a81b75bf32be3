import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { listUsers } from '../../lib/server/db/queries/users';
import { AccountError, createAccount } from '../../lib/server/auth/accounts';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';
import { ROLES } from '../../lib/server/auth/permissions';

export const summary =
	'List accounts, or create one with a role (admins manage the rest in /admin)';

const HELP = `Usage: beatwise users list [--json]
       beatwise users create --username NAME --role ROLE [--display-name TEXT] [--area ID]…

Roles: ${ROLES.join(', ')}. A generated password is printed once. --area limits incident-level
detail to an area (repeat it for several). Changing roles, disabling and password resets are on the
admin page (/admin/users), where they are audited with who made them.`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			username: { type: 'string' },
			role: { type: 'string' },
			'display-name': { type: 'string' },
			area: { type: 'string', multiple: true },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	const sub = positionals[0];
	if (sub !== 'list' && sub !== 'create') {
		throw new UsageError('use `users list` or `users create`; see `beatwise users --help`');
	}
	const areaIds = (values.area ?? []).map((a) => {
		if (!/^\d{1,9}$/.test(a)) throw new UsageError(`--area must be an area id (a number): ${a}`);
		return Number(a);
	});
	if (sub === 'create') {
		if (!values.username) throw new UsageError('--username is required');
		if (!values.role) throw new UsageError(`--role is required: one of ${ROLES.join(', ')}`);
	}
	const db = await getDatabase();
	try {
		if (sub === 'list') {
			const users = await listUsers(db);
			if (values.json) {
				io.stdout.write(JSON.stringify(users) + '\n');
			} else {
				for (const u of users) {
					io.stdout.write(
						`${u.username.padEnd(24)} ${u.role.padEnd(11)} ${u.disabledAt ? 'disabled' : 'active  '} ${u.areaIds.length ? `areas ${u.areaIds.join(',')}` : 'all areas'}\n`
					);
				}
			}
			return 0;
		}
		const r = await createAccount(
			db,
			{
				username: values.username as string,
				displayName: values['display-name'],
				role: values.role as string,
				areaIds
			},
			{ actor: null, origin: CLI_ORIGIN }
		);
		io.stdout.write(
			values.json
				? JSON.stringify({ username: r.user.username, role: r.user.role, password: r.password }) +
						'\n'
				: `Created ${r.user.username} (${r.user.role}). Password (shown once): ${r.password}\n`
		);
		return 0;
	} catch (e) {
		if (e instanceof AccountError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
