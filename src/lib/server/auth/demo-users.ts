/** Demo accounts: one per role, random passwords, made with the demo data on first start. */
import type { Database } from '../db/client';
import { areaIdByCode } from '../db/queries/areas';
import { usernameExists } from '../db/queries/users';
import { createAccount } from './accounts';
import { CLI_ORIGIN } from './audit';
import { ROLES, type Role } from './permissions';

/** Demo roles that work in one area. */
const AREA_ROLES = new Set<Role>(['supervisor', 'officer', 'community']);

export interface DemoCredential {
	role: Role;
	username: string;
	password: string;
}

/**
 * Create `demo-<role>` for every role that has no demo account yet. The demo supervisor, officer and
 * community accounts are limited to the City of London borough (the demo force's area): their
 * neighbourhood and supervisor pages open there, and area limits are seen at work.
 */
export async function createDemoUsers(db: Database): Promise<DemoCredential[]> {
	const city = await areaIdByCode(db, 'borough', 'E09000001');
	const cityIds = city === null ? [] : [city];
	const out: DemoCredential[] = [];
	for (const role of ROLES) {
		const username = `demo-${role}`;
		if (await usernameExists(db, username)) continue;
		const { password } = await createAccount(
			db,
			{
				username,
				displayName: `Demo ${role}`,
				role,
				areaIds: AREA_ROLES.has(role) ? cityIds : []
			},
			{ actor: null, origin: { ...CLI_ORIGIN, userAgent: 'beatwise-demo' } }
		);
		out.push({ role, username, password });
	}
	return out;
}

/** `role username password` lines: what the log shows and demo-credentials.txt holds. */
export function formatDemoCredentials(users: DemoCredential[]): string[] {
	return users.map((u) => `${u.role.padEnd(10)} ${u.username.padEnd(16)} ${u.password}`);
}
