import { describe, expect, it } from 'vitest';
import {
	enqueue,
	flush,
	newClientId,
	readOutbox,
	type OutboxStorage,
	type SendResult
} from './offline-queue';
import type { NewReport } from '$lib/contracts/intel';

function memory(): OutboxStorage {
	const m = new Map<string, string>();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

const report = (n: number): NewReport => ({
	clientId: `00000000-0000-4000-8000-00000000000${n}`,
	sourceId: 1,
	observedAt: '2024-03-01T20:00:00Z',
	lon: -0.1,
	lat: 51.5,
	text: `report ${n}`,
	grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'P' }
});

describe('the report outbox', () => {
	it('keeps reports while offline and sends them in order when back', async () => {
		const s = memory();
		enqueue(s, report(1));
		enqueue(s, report(2));
		const offline = await flush(s, async (): Promise<SendResult> => ({ ok: false, offline: true }));
		expect(offline).toEqual({ sent: [], refused: 0, waiting: 2 });
		const order: string[] = [];
		const online = await flush(s, async (r) => {
			order.push(r.text);
			return { ok: true, id: order.length + 10 };
		});
		expect(order).toEqual(['report 1', 'report 2']);
		expect(online.sent.map((x) => x.id)).toEqual([11, 12]);
		expect(readOutbox(s)).toEqual([]);
	});

	it('stops at the first lost connection and keeps the rest', async () => {
		const s = memory();
		for (const n of [1, 2, 3]) enqueue(s, report(n));
		let calls = 0;
		const r = await flush(s, async () =>
			++calls === 1 ? { ok: true, id: 5 } : { ok: false, offline: true }
		);
		expect(calls).toBe(2);
		expect(r).toEqual({ sent: [{ clientId: report(1).clientId, id: 5 }], refused: 0, waiting: 2 });
	});

	it('marks a refused report with the reason and does not resend it', async () => {
		const s = memory();
		enqueue(s, report(1));
		await flush(s, async () => ({ ok: false, offline: false, message: 'sourceId: no source 1' }));
		expect(readOutbox(s)[0].refused).toBe('sourceId: no source 1');
		let calls = 0;
		const again = await flush(s, async () => (calls++, { ok: true, id: 1 }));
		expect(calls).toBe(0);
		expect(again).toEqual({ sent: [], refused: 1, waiting: 0 });
	});

	it('queues a report once per client id', () => {
		const s = memory();
		enqueue(s, report(1));
		enqueue(s, { ...report(1), text: 'edited' });
		expect(readOutbox(s).map((q) => q.report.text)).toEqual(['edited']);
	});

	it('makes version-4 UUIDs', () => {
		expect(newClientId()).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
		);
	});
});
