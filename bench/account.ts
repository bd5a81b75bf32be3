/**
 * The benchmarks' signed-in analyst: created, or its password reset, through the product's own
 * account functions (audited as the CLI is), for benchmarks that time requests through HTTP.
 */
import type { Database } from '../src/lib/server/db/client';
import { createAccount, resetPassword } from '../src/lib/server/auth/accounts';
import { findUserForSignIn } from '../src/lib/server/db/queries/users';

export async function benchAnalyst(
	db: Database,
	userAgent: string
): Promise<{ username: string; password: string }> {
	const username = 'bench-analyst';
	const origin = { ip: 'cli', userAgent };
	const existing = await findUserForSignIn(db, username);
	const { password } = existing
		? await resetPassword(db, existing.id, { actor: existing, origin })
		: await createAccount(
				db,
				{ username, displayName: 'Benchmark analyst', role: 'analyst' },
				{ actor: null, origin }
			);
	return { username, password };
}
