/**
 * Writing the audit trail: who (user id and username), what (action, object, detail), when (the row's
 * time), from where (client address and user agent). Actions in use:
 * `login.success`, `login.failure`, `login.blocked`, `logout`, `password.change`, `user.create`,
 * `user.update`, `user.disable`, `user.enable`, `user.password-reset`, `incidents.view`,
 * `observations.view`, `export`, `import`, `import.areas`, `import.observations`, `access.no-rule`,
 * `analysis.run` (auth/analysis-audit.ts), `product.create`, `product.edit`, `product.review`,
 * `product.publish`, `product.list`, `product.view`, `product.download` (services/products.ts).
 */
import type { Queryable } from '../db/client';
import { insertAudit } from '../db/queries/audit';
import { writerOf } from '../db/reader';

export interface AuditActor {
	id: number;
	username: string;
}

/** Where a request came from; `getClientAddress` and the User-Agent header in routes. */
export interface AuditOrigin {
	ip: string | null;
	userAgent: string | null;
}

export const CLI_ORIGIN: AuditOrigin = { ip: 'cli', userAgent: 'beatwise-cli' };

/**
 * Write one audit entry. Always on the primary: a read request's snapshot (`readSnapshot`, read-only,
 * perhaps on a replica) hands its writer over (`writerOf`).
 */
export async function recordAudit(
	db: Queryable,
	entry: {
		actor: AuditActor | null;
		/** For failed sign-ins: the username that was tried (no account id). */
		username?: string | null;
		action: string;
		object?: string | null;
		detail?: Record<string, unknown>;
		origin: AuditOrigin;
	}
): Promise<void> {
	await insertAudit(writerOf(db), {
		userId: entry.actor?.id ?? null,
		username: entry.actor?.username ?? entry.username?.slice(0, 200) ?? null,
		action: entry.action,
		object: entry.object ?? null,
		detail: entry.detail ?? {},
		ip: entry.origin.ip?.slice(0, 100) ?? null,
		userAgent: entry.origin.userAgent?.slice(0, 500) ?? null
	});
}
