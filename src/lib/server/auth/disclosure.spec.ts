import { describe, expect, it } from 'vitest';
import {
	audienceFor,
	disclosePublicCellCount,
	disclosePublicCount,
	filterRecords,
	isRestricted,
	mayDiscloseRecord,
	sensitiveAllowedAt
} from './disclosure';
import { perturb } from './cell-key';

describe('public counts', () => {
	it('are perturbed by the cell-key method: 1–4 never shown, 0 kept, same records same value', () => {
		for (let key = 0; key < 256; key++) {
			expect(disclosePublicCount({ n: 0, keySum: key })).toBe(0);
			for (const n of [1, 2, 3, 4])
				expect([0, 5]).toContain(disclosePublicCount({ n, keySum: key }));
			expect(disclosePublicCount({ n: 3, keySum: key })).toBe(perturb(3, key, 5));
		}
		expect(disclosePublicCount({ n: 9, keySum: 10 }, 10)).toBe(perturb(9, 10, 10));
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

	it('are removed, with their keys, from fine public cell counts before perturbation', () => {
		const cell = { n: 9, keySum: 700, sensitive: 6, sensitiveKeySum: 500 };
		expect(disclosePublicCellCount({ ...cell, res: 9 })).toBe(perturb(3, 200, 5));
		expect(disclosePublicCellCount({ ...cell, res: 7 })).toBe(perturb(9, 700, 5));
		expect(disclosePublicCellCount({ ...cell, n: 6, keySum: 500, res: 10 })).toBe(0);
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
