/**
 * CSV writing for exports: RFC 4180 (fields separated by commas, records by CRLF; a field holding a
 * comma, double quote, CR or LF is quoted, and its double quotes are doubled), with the OWASP "CSV
 * Injection" guard for text: a text field starting with `=`, `+`, `-`, `@`, tab or carriage return is
 * prefixed with a single quote so spreadsheets show it as text instead of evaluating it as a formula
 * (`=HYPERLINK(…)`, DDE payloads such as `+cmd|' /C calc'!A0`).
 *
 * The guard applies to strings only: numbers are written as numbers, so a longitude of -0.1 stays
 * -0.1. Markup such as `<script>` is written unchanged: CSV is data, and exports are served as
 * `text/csv` attachments with `X-Content-Type-Options: nosniff`, so nothing renders it as HTML.
 *
 * Sources: RFC 4180 §2 (https://www.rfc-editor.org/rfc/rfc4180#section-2); OWASP CSV Injection
 * (https://owasp.org/www-community/attacks/CSV_Injection).
 */

export type CsvValue = string | number | bigint | boolean | null | undefined;

/** Byte order mark: Excel reads a CSV as UTF-8 only when the file starts with it. */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field as it is written.
 * @example csvField('=1+1') // "'=1+1"
 * @example csvField('a,"b"') // '"a,""b"""'
 * @example csvField(-0.1) // '-0.1'
 * @example csvField(null) // ''
 */
export function csvField(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
	const text = FORMULA_START.test(value) ? `'${value}` : value;
	return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, without its line end. */
export function csvRecord(values: readonly CsvValue[]): string {
	return values.map(csvField).join(',');
}

/**
 * A whole CSV document: the header record, then one record a row, each ended by CRLF.
 * @example toCsv(['cell', 'n'], [['8a19…', 3]]) // 'cell,n\r\n8a19…,3\r\n'
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
	const lines = [csvRecord(header)];
	for (const row of rows) {
		if (row.length !== header.length) {
			throw new RangeError(`CSV row has ${row.length} fields, the header ${header.length}`);
		}
		lines.push(csvRecord(row));
	}
	return `${lines.join('\r\n')}\r\n`;
}
