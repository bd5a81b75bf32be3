/**
 * The audit entry every import writes (issue 5): who ran it, from where, what was read and what came
 * of it. Written outside the batch transactions, so a file that fails is audited too. Relative
 * imports only: the CLI reaches this without SvelteKit's `$lib`.
 */
import type { Queryable } from '../db/client';
import { recordAudit, type AuditActor, type AuditOrigin } from '../auth/audit';
import { ImportError } from './types';

/** Who ran an import and from where. */
export interface ImportAuditOptions {
	/** The signed-in user (an import page); the audit entry then carries their id. */
	actor?: AuditActor | null;
	/** A name without an account: the OS user for the CLI, `demo` for the demo loader. */
	importedBy?: string | null;
	/** Where the import came from (`CLI_ORIGIN` for the command line). */
	origin?: AuditOrigin;
}

const UNKNOWN_ORIGIN: AuditOrigin = { ip: null, userAgent: null };

/** The name stored with the import (import_batches.imported_by). */
export function importerName(who: ImportAuditOptions): string | null {
	return who.importedBy ?? who.actor?.username ?? null;
}

/** Code and message of a failure, as the audit detail holds them. */
export function failureDetail(e: unknown): { code: string; message: string } {
	if (e instanceof ImportError) return { code: e.code, message: e.message };
	return { code: 'E_DATABASE', message: e instanceof Error ? e.message : String(e) };
}

export async function recordImportAudit(
	db: Queryable,
	who: ImportAuditOptions,
	entry: { action: 'import' | 'import.areas'; object: string; detail: Record<string, unknown> }
): Promise<void> {
	await recordAudit(db, {
		actor: who.actor ?? null,
		username: who.actor ? null : (who.importedBy ?? null),
		action: entry.action,
		object: entry.object,
		detail: entry.detail,
		origin: who.origin ?? UNKNOWN_ORIGIN
	});
}
