import { describe, expect, it } from 'vitest';
import {
	audienceFor,
	disclosePublicCellCount,
	discloseCount,
	discloseTable,
	filterRecords,
	isRestricted,
	mayDiscloseRecord,
	sensitiveAllowedAt
} from './disclosure';

describe('small-count suppression', () => {
	it('shows 1–4 as "<5" in public outputs and leaves 0 and 5+ alone', () => {
		expect([0, 1, 2, 3, 4, 5, 6, 100].map((n) => discloseCount(n, 'public'))).toEqual([
			0,
			'<5',
			'<5',
			'<5',
			'<5',
			5,
			6,
			100
		]);
	});

	it('never suppresses for internal users', () => {
		expect([1, 4].map((n) => discloseCount(n, 'internal'))).toEqual([1, 4]);
	});

	it('takes a configured threshold', () => {
		expect(discloseCount(9, 'public', 10)).toBe('<10');
		expect(discloseCount(10, 'public', 10)).toBe(10);
	});

	it('refuses negative and non-numeric counts', () => {
		expect(() => discloseCount(-1, 'public')).toThrow(RangeError);
		expect(() => discloseCount(Number.NaN, 'public')).toThrow(RangeError);
	});

	it('bands the total when one suppressed row could be recovered by subtraction', () => {
		const t = discloseTable({ burglary: 12, robbery: 3, theft: 20 }, 'public');
		expect(t.rows).toEqual({ burglary: 12, robbery: '<5', theft: 20 });
		expect(t.total).toBe('<40');
		// Two suppressed rows: the total no longer tells either one.
		expect(discloseTable({ a: 12, b: 3, c: 2 }, 'public').total).toBe(17);
		expect(discloseTable({ a: 12, b: 3 }, 'internal')).toEqual({
			rows: { a: 12, b: 3 },
			total: 15
		});
	});
});

describe('sensitive categories', () => {
	it('appear in public outputs only at resolution 7 or coarser, or per area', () => {
		expect(sensitiveAllowedAt({ kind: 'cell', res: 5 }, 'public')).toBe(true);
		expect(sensitiveAllowedAt({ kind: 'cell', res: 7 }, 'public')).toBe(true);
		expect(sensitiveAllowedAt({ kind: 'cell', res: 8 }, 'public')).toBe(false);
		expect(sensitiveAllowedAt({ kind: 'cell', res: 10 }, 'public')).toBe(false);
		expect(sensitiveAllowedAt({ kind: 'area' }, 'public')).toBe(true);
		expect(sensitiveAllowedAt({ kind: 'cell', res: 10 }, 'internal')).toBe(true);
	});

	it('are removed from fine public cell counts before suppression', () => {
		expect(disclosePublicCellCount({ n: 9, sensitive: 6, res: 9 })).toBe('<5');
		expect(disclosePublicCellCount({ n: 9, sensitive: 6, res: 7 })).toBe(9);
		expect(disclosePublicCellCount({ n: 6, sensitive: 6, res: 10 })).toBe(0);
	});
});

describe('restricted records', () => {
	const open = { handlingCode: 'P', sensitive: false };
	const coded = { handlingCode: 'C', sensitive: false };
	const sensitive = { handlingCode: 'P', sensitive: true };

	it('are handling code C or sensitive', () => {
		expect([open, coded, sensitive].map(isRestricted)).toEqual([false, true, true]);
	});

	it('reach only internal roles with the restricted permission', () => {
		for (const role of ['admin', 'analyst', 'supervisor'] as const) {
			expect(mayDiscloseRecord(coded, { role })).toBe(true);
			expect(mayDiscloseRecord(sensitive, { role })).toBe(true);
		}
		for (const role of ['officer', 'community', 'planner', 'viewer'] as const) {
			expect(mayDiscloseRecord(open, { role })).toBe(true);
			expect(mayDiscloseRecord(coded, { role })).toBe(false);
			expect(mayDiscloseRecord(sensitive, { role })).toBe(false);
		}
	});

	it('never reach a public output, whoever makes it', () => {
		expect(mayDiscloseRecord(coded, { role: 'admin' }, 'public')).toBe(false);
		const out = filterRecords([open, coded, sensitive, open], { role: 'analyst' }, 'public');
		expect(out).toEqual({ records: [open, open], withheld: 2 });
	});

	it('treat the community team as a public audience', () => {
		expect(audienceFor({ role: 'community' })).toBe('public');
		expect(audienceFor({ role: 'officer' })).toBe('internal');
	});
});
