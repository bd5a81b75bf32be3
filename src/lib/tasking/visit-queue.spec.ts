import { describe, expect, it } from 'vitest';
import { VisitQueue, type Send } from './visit-queue';

const memory = () => {
	const m = new Map<string, string>();
	return {
		getItem: (k: string) => m.get(k) ?? null,
		setItem: (k: string, v: string) => void m.set(k, v)
	};
};
const report = (clientId: string, endedAt: string | null = null) => ({
	clientId,
	taskingId: 1,
	unitId: 2,
	cell: '89194ad30c7ffff',
	startedAt: '2024-03-01T15:00:00Z',
	endedAt,
	source: 'phone' as const
});

describe('VisitQueue', () => {
	it('keeps reports while offline and sends them in order when back online', async () => {
		const q = new VisitQueue(memory());
		q.push(report('visit-aaaa'));
		q.push(report('visit-bbbb'));
		const offline: Send = async () => 'offline';
		expect(await q.flush(offline)).toEqual({ sent: 0, rejected: [], left: 2 });
		const got: string[] = [];
		const online: Send = async (r) => (got.push(r.clientId), 'sent');
		expect(await q.flush(online)).toEqual({ sent: 2, rejected: [], left: 0 });
		expect(got).toEqual(['visit-aaaa', 'visit-bbbb']);
	});

	it('a later report of the same visit replaces the unsent one; rejected reports are returned', async () => {
		const q = new VisitQueue(memory());
		q.push(report('visit-aaaa'));
		q.push(report('visit-aaaa', '2024-03-01T15:15:00Z'));
		expect(q.pending()).toHaveLength(1);
		expect(q.pending()[0].endedAt).toBe('2024-03-01T15:15:00Z');
		const r = await q.flush(async () => 'rejected');
		expect(r.rejected.map((x) => x.clientId)).toEqual(['visit-aaaa']);
		expect(r.left).toBe(0);
	});

	it('stops at the first failure and keeps the rest', async () => {
		const q = new VisitQueue(memory());
		q.push(report('visit-aaaa'));
		q.push(report('visit-bbbb'));
		let n = 0;
		const r = await q.flush(async () => (n++ === 0 ? 'sent' : 'offline'));
		expect(r).toEqual({ sent: 1, rejected: [], left: 1 });
		expect(q.pending()[0].clientId).toBe('visit-bbbb');
	});
});
