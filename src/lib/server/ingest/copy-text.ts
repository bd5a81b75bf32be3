/**
 * Encoding of values for PostgreSQL's text COPY format, and of points as hex EWKB, which PostGIS
 * parses faster than WKT. Both are exact: no rounding of coordinates, no loss of text.
 */

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Text PostgreSQL can store: no NUL characters, no lone UTF-16 surrogates. */
export function storableText(v: string): string {
	const t = v.isWellFormed() ? v : v.toWellFormed();
	return t.includes('\u0000') ? t.replaceAll('\u0000', '') : t;
}

/** A JSON-like value with every string and key made storable (for jsonb and text parameters). */
export function storableValue(v: unknown): unknown {
	if (typeof v === 'string') return storableText(v);
	if (Array.isArray(v)) return v.map(storableValue);
	if (v && typeof v === 'object')
		return Object.fromEntries(
			Object.entries(v).map(([k, x]) => [storableText(k), storableValue(x)])
		);
	return v;
}

/** One field of a COPY text row (`\N` for null). */
export function copyField(v: string | number | boolean | null | undefined): string {
	if (v === null || v === undefined) return '\\N';
	if (typeof v !== 'string') return String(v);
	const t = storableText(v);
	return /[\\\t\n\r]/.test(t) ? t.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : t;
}

/** Attributes as JSON that jsonb accepts (no \u0000 escapes, no lone surrogates). */
export function attributesJson(attributes: Record<string, string>): string {
	const clean: Record<string, string> = {};
	for (const [k, v] of Object.entries(attributes)) clean[storableText(k)] = storableText(v);
	return JSON.stringify(clean);
}

const ewkb = Buffer.alloc(25);
ewkb.writeUInt8(1, 0); // little-endian
ewkb.writeUInt32LE(0x20000001, 1); // Point with SRID flag

/** `SRID=srid;POINT(x y)` as hex EWKB. */
export function pointEwkbHex(x: number, y: number, srid = 4326): string {
	ewkb.writeUInt32LE(srid, 5);
	ewkb.writeDoubleLE(x, 9);
	ewkb.writeDoubleLE(y, 17);
	return ewkb.toString('hex');
}
