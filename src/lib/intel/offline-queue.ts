/**
 * The entry form's outbox: every report is queued in the browser's storage first and sent from there,
 * so a report written without a connection is kept (across reloads) and sent when the connection
 * returns. Each report carries a client id, so a report sent twice (the answer lost on the way back)
 * is stored once by the server.
 *
 * Browser and tests: no node or SvelteKit imports; storage and sending are passed in.
 */
import type { NewReport } from '$lib/contracts/intel';

export const QUEUE_KEY = 'beatwise.report-outbox.v1';

export interface QueuedReport {
	report: NewReport;
	queuedAt: string;
	/** Why the server refused it (a problem to fix, not a lost connection); null while waiting. */
	refused: string | null;
}

export type SendResult =
	| { ok: true; id: number }
	| { ok: false; offline: true }
	| { ok: false; offline: false; message: string };

/** Storage as the outbox uses it (`localStorage` in the browser). */
export interface OutboxStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

export function readOutbox(storage: OutboxStorage): QueuedReport[] {
	try {
		const v = JSON.parse(storage.getItem(QUEUE_KEY) ?? '[]');
		return Array.isArray(v) ? (v as QueuedReport[]) : [];
	} catch {
		return [];
	}
}

function writeOutbox(storage: OutboxStorage, items: QueuedReport[]): void {
	storage.setItem(QUEUE_KEY, JSON.stringify(items));
}

export function enqueue(
	storage: OutboxStorage,
	report: NewReport,
	now = new Date()
): QueuedReport[] {
	const items = readOutbox(storage).filter((q) => q.report.clientId !== report.clientId);
	items.push({ report, queuedAt: now.toISOString(), refused: null });
	writeOutbox(storage, items);
	return items;
}

/** Take a refused report out of the outbox (the reporter corrects and sends it again, or drops it). */
export function remove(storage: OutboxStorage, clientId: string): QueuedReport[] {
	const items = readOutbox(storage).filter((q) => q.report.clientId !== clientId);
	writeOutbox(storage, items);
	return items;
}

/**
 * Send every waiting report in order. Sent ones leave the outbox; refused ones stay marked with the
 * reason; at the first lost connection it stops and keeps the rest for the next try.
 */
export async function flush(
	storage: OutboxStorage,
	send: (r: NewReport) => Promise<SendResult>
): Promise<{ sent: { clientId: string; id: number }[]; refused: number; waiting: number }> {
	const sent: { clientId: string; id: number }[] = [];
	for (const q of readOutbox(storage)) {
		if (q.refused) continue;
		const r = await send(q.report);
		if (r.ok) {
			sent.push({ clientId: q.report.clientId, id: r.id });
			remove(storage, q.report.clientId);
		} else if (r.offline) {
			break;
		} else {
			writeOutbox(
				storage,
				readOutbox(storage).map((x) =>
					x.report.clientId === q.report.clientId ? { ...x, refused: r.message } : x
				)
			);
		}
	}
	const left = readOutbox(storage);
	return {
		sent,
		refused: left.filter((q) => q.refused).length,
		waiting: left.filter((q) => !q.refused).length
	};
}

/**
 * Send one report to `POST /api/observations`: a network failure (or a 5xx / 408 / 429 answer, which
 * may succeed later) is "offline"; another refusal carries the server's message.
 */
export async function sendReport(
	report: NewReport,
	fetcher: typeof fetch = fetch
): Promise<SendResult> {
	let res: Response;
	try {
		res = await fetcher('/api/observations', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(report)
		});
	} catch {
		return { ok: false, offline: true };
	}
	if (res.ok) {
		const body = (await res.json()) as { id: number };
		return { ok: true, id: body.id };
	}
	if (res.status >= 500 || res.status === 408 || res.status === 429) {
		return { ok: false, offline: true };
	}
	let message = `refused (${res.status})`;
	try {
		const body = (await res.json()) as { message?: string };
		if (body.message) message = body.message;
	} catch {
		// Not JSON: keep the status.
	}
	return { ok: false, offline: false, message };
}

/** A version-4 UUID, also where `crypto.randomUUID` is missing (pages served over plain http). */
export function newClientId(): string {
	if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	const b = crypto.getRandomValues(new Uint8Array(16));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
