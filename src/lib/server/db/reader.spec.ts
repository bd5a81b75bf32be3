import { describe, expect, it } from 'vitest';
import { lsnAtLeast } from './reader';

describe('lsnAtLeast', () => {
	it('compares pg_lsn texts as 64-bit positions, not as strings', () => {
		expect(lsnAtLeast('0/605BA58', '0/605BA58')).toBe(true);
		expect(lsnAtLeast('0/605BA59', '0/605BA58')).toBe(true);
		expect(lsnAtLeast('0/605BA57', '0/605BA58')).toBe(false);
		// 'A' < 'F' as text but 0/A0000000 > 0/F000000 as a position.
		expect(lsnAtLeast('0/A0000000', '0/F000000')).toBe(true);
		expect(lsnAtLeast('1/0', '0/FFFFFFFF')).toBe(true);
		expect(lsnAtLeast('0/FFFFFFFF', '1/0')).toBe(false);
	});
});
