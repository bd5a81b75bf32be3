/** Demo accounts: one per role, random passwords, made with the demo data on first start. */
import type { Database } from '../db/client';
import { areaIdByCode } from '../db/queries/areas';
import { usernameExists } from '../db/queries/users';
import { createAccount } from './accounts';
import { CLI_ORIGIN } from './audit';
import { ROLES, type AuthUser, type Role } from './permissions';

/** Demo roles that work in one area. */
const AREA_ROLES = new Set<Role>(['supervisor', 'officer', 'community']);

export interface DemoCredential {
	role: Role;
	username: string;
	password: string;
	user: AuthUser;
}

/** Roles that also work in the timed Chicago districts, and open on them (their shifts rank differently). */
const CHICAGO = new Set<Role>(['supervisor', 'officer']);

/**
 * Create `demo-<role>` for every role that has no demo account yet. The demo supervisor, officer and
 * community accounts are limited to the demo's areas, so area limits are seen at work: the City of
 * London borough (police.uk, months without times) and, for the supervisor and officer, the two
 * Chicago police districts (timed).
 * The community account works in the City only; the supervisor and officer in both, their pages
 * opening on Chicago district 11 (the lowest area id: the demo loads it first), where the demo's
 * tasking board is and the shifts rank differently.
 */
export async function createDemoUsers(db: Database): Promise<DemoCredential[]> {
	const found = async (kind: string, code: string) => {
		const id = await areaIdByCode(db, kind, code);
		return id === null ? [] : [id];
	};
	const city = await found('borough', 'E09000001');
	const chicago = [...(await found('district', '11')), ...(await found('district', '15'))];
	const out: DemoCredential[] = [];
	for (const role of ROLES) {
		const username = `demo-${role}`;
		if (await usernameExists(db, username)) continue;
		// Sorted by id when stored; the demo loads Chicago's districts before the London areas.
		const areaIds = !AREA_ROLES.has(role) ? [] : CHICAGO.has(role) ? [...chicago, ...city] : city;
		const { password, user } = await createAccount(
			db,
			{ username, displayName: `Demo ${role}`, role, areaIds },
			{ actor: null, origin: { ...CLI_ORIGIN, userAgent: 'beatwise-demo' } }
		);
		out.push({ role, username, password, user });
	}
	return out;
}

/** `role username password` lines: what the log shows and demo-credentials.txt holds. */
export function formatDemoCredentials(users: DemoCredential[]): string[] {
	return users.map((u) => `${u.role.padEnd(10)} ${u.username.padEnd(16)} ${u.password}`);
}
