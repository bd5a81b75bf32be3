/**
 * Binary transport of `/api/cells` (`format=bin`): 12 bytes per cell instead of ~30 in JSON, and no
 * parsing of strings on the way in.
 *
 * Body, little-endian: `uint32 n`, then `n` uint32 high halves of the 64-bit H3 index, then `n` uint32
 * low halves, then `n` uint32 counts. Metadata travels in the `x-beatwise-*` headers
 * ({@link CELLS_HEADERS}). Columns (not interleaved rows) so each array is one contiguous read.
 *
 * Shared by the server route (encode) and the browser (decode): no node imports here.
 *
 * @example
 * const body = encodeCellsBinary(['88195da49bfffff'], [3]);
 * decodeCellsBody(body); // { cells: ['88195da49bfffff'], counts: [3] }
 */
import { h3IndexToSplitLong, splitLongToH3Index } from 'h3-js';
import { CELLS_HEADERS, type CellsResponse } from '$lib/contracts/cells';

export class CellsCodecError extends Error {
	readonly code: 'E_CELLS_LENGTH' | 'E_CELLS_TRUNCATED' | 'E_CELLS_INDEX' | 'E_CELLS_COUNT';
	constructor(code: CellsCodecError['code'], message: string) {
		super(message);
		this.name = 'CellsCodecError';
		this.code = code;
	}
}

const MAX_U32 = 0xffff_ffff;
const HEX_INDEX = /^[0-9a-f]{1,16}$/i;

function splitIndex(cell: string | bigint, i: number): [low: number, high: number] {
	if (typeof cell === 'bigint') {
		if (cell <= 0n || cell > 0xffff_ffff_ffff_ffffn) {
			throw new CellsCodecError('E_CELLS_INDEX', `cell ${i} is not a 64-bit H3 index: ${cell}`);
		}
		return [Number(cell & 0xffff_ffffn), Number(cell >> 32n)];
	}
	if (!HEX_INDEX.test(cell)) {
		throw new CellsCodecError(
			'E_CELLS_INDEX',
			`cell ${i} is not a hexadecimal H3 index: "${cell}"`
		);
	}
	const [low, high] = h3IndexToSplitLong(cell);
	// h3-js parses through signed 32-bit maths; bring both halves back to unsigned.
	return [low >>> 0, high >>> 0];
}

/**
 * Encode cells (hex strings as h3-js writes them, or the `bigint` the database stores) and their
 * counts into the body of a `format=bin` answer.
 */
export function encodeCellsBinary(
	cells: ArrayLike<string | bigint>,
	counts: ArrayLike<number>
): Uint8Array<ArrayBuffer> {
	const n = cells.length;
	if (counts.length !== n) {
		throw new CellsCodecError(
			'E_CELLS_LENGTH',
			`cells (${n}) and counts (${counts.length}) differ in length`
		);
	}
	const buffer = new ArrayBuffer(4 + 12 * n);
	const view = new DataView(buffer);
	view.setUint32(0, n, true);
	const highAt = 4;
	const lowAt = 4 + 4 * n;
	const countAt = 4 + 8 * n;
	for (let i = 0; i < n; i++) {
		const [low, high] = splitIndex(cells[i], i);
		const count = counts[i];
		if (!Number.isInteger(count) || count < 0 || count > MAX_U32) {
			throw new CellsCodecError('E_CELLS_COUNT', `count ${i} is not a uint32: ${count}`);
		}
		view.setUint32(highAt + 4 * i, high, true);
		view.setUint32(lowAt + 4 * i, low, true);
		view.setUint32(countAt + 4 * i, count, true);
	}
	return new Uint8Array(buffer);
}

/** Metadata of a cells answer, as carried by the `x-beatwise-*` headers. */
export type CellsMeta = Omit<CellsResponse, 'cells' | 'counts'>;

/** Headers for a `format=bin` answer (content type included). */
export function cellsBinaryHeaders(meta: CellsMeta): Record<string, string> {
	const headers: Record<string, string> = {
		'content-type': 'application/octet-stream',
		[CELLS_HEADERS.resolution]: String(meta.resolution),
		[CELLS_HEADERS.total]: String(meta.total),
		[CELLS_HEADERS.max]: String(meta.max),
		[CELLS_HEADERS.categories]: meta.categories.join(',')
	};
	if (meta.from) headers[CELLS_HEADERS.from] = meta.from;
	if (meta.to) headers[CELLS_HEADERS.to] = meta.to;
	return headers;
}

/** Decoded body: `cells[i]` (hex H3 index) has `counts[i]`. */
export interface CellsColumns {
	cells: string[];
	counts: number[];
}

/** Decode the body of a `format=bin` answer. */
export function decodeCellsBody(body: ArrayBuffer | ArrayBufferView): CellsColumns {
	const view =
		body instanceof ArrayBuffer
			? new DataView(body)
			: new DataView(body.buffer, body.byteOffset, body.byteLength);
	if (view.byteLength < 4) {
		throw new CellsCodecError('E_CELLS_TRUNCATED', 'cells body is shorter than its 4-byte header');
	}
	const n = view.getUint32(0, true);
	if (view.byteLength !== 4 + 12 * n) {
		throw new CellsCodecError(
			'E_CELLS_TRUNCATED',
			`cells body holds ${view.byteLength} bytes; ${n} cells need ${4 + 12 * n}`
		);
	}
	const cells = new Array<string>(n);
	const counts = new Array<number>(n);
	const highAt = 4;
	const lowAt = 4 + 4 * n;
	const countAt = 4 + 8 * n;
	for (let i = 0; i < n; i++) {
		const high = view.getUint32(highAt + 4 * i, true);
		const low = view.getUint32(lowAt + 4 * i, true);
		cells[i] = splitLongToH3Index(low, high);
		counts[i] = view.getUint32(countAt + 4 * i, true);
	}
	return { cells, counts };
}

function headerInt(headers: Headers, name: string): number {
	const raw = headers.get(name);
	const value = raw === null ? NaN : Number(raw);
	return Number.isInteger(value) && value >= 0 ? value : NaN;
}

/**
 * Decode a whole `format=bin` answer (body + headers) into the same shape as the JSON answer.
 * Missing total/max are recomputed from the counts; a missing resolution is read from the first cell
 * by the caller if it needs one (here it becomes -1).
 */
export function decodeCellsBinary(
	body: ArrayBuffer | ArrayBufferView,
	headers: Headers
): CellsResponse {
	const { cells, counts } = decodeCellsBody(body);
	let total = headerInt(headers, CELLS_HEADERS.total);
	let max = headerInt(headers, CELLS_HEADERS.max);
	if (Number.isNaN(total) || Number.isNaN(max)) {
		total = 0;
		max = 0;
		for (const c of counts) {
			total += c;
			if (c > max) max = c;
		}
	}
	const resolution = headerInt(headers, CELLS_HEADERS.resolution);
	const categories = (headers.get(CELLS_HEADERS.categories) ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	return {
		resolution: Number.isNaN(resolution) ? -1 : resolution,
		from: headers.get(CELLS_HEADERS.from) || null,
		to: headers.get(CELLS_HEADERS.to) || null,
		categories,
		total,
		max,
		cells,
		counts
	};
}
