/**
 * docs/import-mapping.md shows each mapping feature with a fixture of tests/fixtures/imports: every
 * block marked `<!-- fixture: NAME -->` must be that file verbatim, and every mapping must validate.
 * tests/integration/import-mappings.test.ts imports the same files and asserts the accounting the
 * docs state.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMapping } from './mapping';

const root = new URL('../../../../', import.meta.url);
const docs = readFileSync(new URL('docs/import-mapping.md', root), 'utf8');
const blocks = [...docs.matchAll(/<!-- fixture: ([\w.-]+) -->\n\n?```\w+\n([\s\S]*?)```/g)].map(
	(m) => ({ name: m[1], text: m[2] })
);

describe('docs/import-mapping.md examples', () => {
	it('shows every mapping feature with a fixture', () => {
		expect(blocks.map((b) => b.name)).toEqual([
			'placeholders.csv',
			'placeholders.json',
			'bng.csv',
			'bng.json',
			'esri.json',
			'categories.csv',
			'categories.json',
			'retractions.csv',
			'retractions.json',
			'months.json',
			'offences.csv',
			'offences.json',
			'offences-next.csv'
		]);
	});

	it.each(blocks)('$name is the fixture file verbatim', ({ name, text }) => {
		expect(text).toBe(readFileSync(new URL(`tests/fixtures/imports/${name}`, root), 'utf8'));
		if (name.endsWith('.json')) expect(() => parseMapping(JSON.parse(text), name)).not.toThrow();
	});
});
