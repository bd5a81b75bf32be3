/**
 * What runs after an import has committed its batches (the early-warning check, registered by the
 * server and the CLI). Ingest only announces; listeners must not block it: each starts its work in
 * the background and returns. A listener that throws is logged, never fails the import.
 */
import type { Database } from '../db/client';

export interface ImportCommitted {
	/** Batches that stored at least one record. */
	batchIds: number[];
	imported: number;
}

type Listener = (db: Database, event: ImportCommitted) => void;

const listeners = new Set<Listener>();

/** Register `listener`; returns the function that removes it. */
export function onImportCommitted(listener: Listener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

/** Tell the listeners (called by importPaths once every file's batches are committed). */
export function announceImport(db: Database, event: ImportCommitted): void {
	if (event.batchIds.length === 0) return;
	for (const listener of listeners) {
		try {
			listener(db, event);
		} catch (e) {
			console.error('[beatwise] after an import:', e);
		}
	}
}
