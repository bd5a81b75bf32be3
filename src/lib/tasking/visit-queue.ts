/**
 * The phone's visit queue: every arrived / left is stored first (localStorage) and sent after, so a
 * visit logged in a dead spot is sent when the connection returns. Reports carry a client id; the
 * server treats a repeat as the same visit, so sending twice is harmless. Shared with the browser.
 */
import type { VisitReportBody } from '$lib/contracts/tasking';

export interface QueueStore {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

const KEY = 'beatwise.visitQueue';
const ACTIVE = 'beatwise.activeVisit';

export type Send = (report: VisitReportBody) => Promise<'sent' | 'rejected' | 'offline'>;

export class VisitQueue {
	constructor(private store: QueueStore) {}

	pending(): VisitReportBody[] {
		try {
			const v = JSON.parse(this.store.getItem(KEY) ?? '[]');
			return Array.isArray(v) ? v : [];
		} catch {
			return [];
		}
	}

	private save(list: VisitReportBody[]) {
		this.store.setItem(KEY, JSON.stringify(list));
	}

	/** Queue a report; a later report of the same visit replaces an unsent earlier one. */
	push(report: VisitReportBody): void {
		const list = this.pending().filter((r) => r.clientId !== report.clientId);
		list.push(report);
		this.save(list);
	}

	/** The visit in progress on this phone, if any. */
	active(): VisitReportBody | null {
		try {
			return JSON.parse(this.store.getItem(ACTIVE) ?? 'null');
		} catch {
			return null;
		}
	}

	setActive(v: VisitReportBody | null): void {
		this.store.setItem(ACTIVE, JSON.stringify(v));
	}

	/**
	 * Send what is queued, oldest first; stop at the first failure to reach the server (the rest wait
	 * for the next try). Reports the server rejects are dropped and returned, so the officer is told.
	 */
	async flush(send: Send): Promise<{ sent: number; rejected: VisitReportBody[]; left: number }> {
		let sent = 0;
		const rejected: VisitReportBody[] = [];
		for (const r of this.pending()) {
			const outcome = await send(r);
			if (outcome === 'offline') break;
			// Remove this one only: a report queued meanwhile stays.
			this.save(
				this.pending().filter((x) => !(x.clientId === r.clientId && x.endedAt === r.endedAt))
			);
			if (outcome === 'sent') sent++;
			else rejected.push(r);
		}
		return { sent, rejected, left: this.pending().length };
	}
}

/** A fresh client id for a visit. */
export function newClientId(): string {
	const c = globalThis.crypto;
	if (c?.randomUUID) return c.randomUUID();
	return Array.from(c.getRandomValues(new Uint8Array(16)), (b) =>
		b.toString(16).padStart(2, '0')
	).join('');
}
