import { describe, expect, it } from 'vitest';
import { compileTimeFormat } from '../time';
import { checkExternalId, checkTime, describeHeader } from './common';

describe('adapter checks', () => {
	it('shows a header briefly, however long its names or how many', () => {
		expect(describeHeader(['Crime ID', 'Month'])).toBe('"Crime ID", "Month"');
		expect(describeHeader(['x'.repeat(300_000)])).toBe(`"${'x'.repeat(60)}…"`);
		const many = describeHeader(Array.from({ length: 100 }, (_, i) => `c${i}`));
		expect(many.endsWith('"c39", … (100 columns)')).toBe(true);
	});

	it('rejects times before 1900 or more than a day ahead, naming the field', () => {
		const day = compileTimeFormat('YYYY-MM-DD');
		const now = Date.UTC(2024, 5, 15, 12);
		const check = (text: string) => checkTime('when', text, day.parse(text, 'UTC')!, now);
		expect(check('1899-12-31')).toEqual({
			ok: false,
			reject: { field: 'when', reason: '"1899-12-31" is before 1900' }
		});
		expect(check('1900-01-01')).toBeNull();
		expect(check('2024-06-16')).toBeNull();
		expect(check('2024-06-17')).toEqual({
			ok: false,
			reject: { field: 'when', reason: '"2024-06-17" is in the future' }
		});
	});

	it('rejects ids longer than 200 characters', () => {
		expect(checkExternalId('ID', 'a'.repeat(200))).toBeNull();
		expect(checkExternalId('ID', 'a'.repeat(201))).toEqual({
			ok: false,
			reject: { field: 'ID', reason: 'id is 201 characters long (at most 200)' }
		});
	});
});
