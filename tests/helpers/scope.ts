/** Users and read scopes of a role for service-level tests (no request, a fixed origin). */
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { scopeFor, type ReadScope } from '../../src/lib/server/auth/read-scope';

const origin = { ip: '192.0.2.77', userAgent: 'vitest' };

export const testUser = (role: AuthUser['role'], areaIds: number[] = []): AuthUser => ({
	id: 1,
	username: `t-${role}`,
	displayName: role,
	role,
	areaIds
});

/** The read scope of a user of `role` limited to `areaIds` (none: everywhere). */
export const testScope = (role: AuthUser['role'], areaIds: number[] = []): ReadScope =>
	scopeFor(testUser(role, areaIds), origin);
