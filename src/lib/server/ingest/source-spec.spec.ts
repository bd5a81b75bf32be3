import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSource } from './import';
import { parseMapping } from './mapping';

describe('the source a mapped import registers', () => {
	it("carries the mapping's attribution, so maps credit the data as its licence asks", () => {
		const mapping = parseMapping(
			JSON.parse(readFileSync('src/lib/server/demo/data/chicago/mapping.json', 'utf8'))
		);
		const spec = defaultSource('csv', 'assaults.csv.gz', mapping);
		expect(spec.attribution).toMatch(/City of Chicago Data Portal/);
		expect(spec.name).toBe(mapping.source);
	});

	it('has no attribution when the mapping gives none, and refuses an empty one', () => {
		const base = {
			timezone: 'UTC',
			time: { column: 'd', format: 'YYYY-MM-DD' },
			category: { fixed: 'other-crime' },
			location: { lon: 'x', lat: 'y' }
		};
		expect(defaultSource('csv', 'f.csv', parseMapping(base)).attribution).toBeUndefined();
		expect(() => parseMapping({ ...base, attribution: '  ' }, 'm.json')).toThrow(/attribution/);
	});
});
