import { describe, expect, it } from 'vitest';
import { cellToParent, gridDisk, latLngToCell } from 'h3-js';
import {
	CellsCodecError,
	cellsBinaryHeaders,
	decodeCellsBinary,
	decodeCellsBody,
	encodeCellsBinary
} from './cells-codec';
import { CELLS_HEADERS, cellsResponseSchema } from '$lib/contracts/cells';

// Bank junction, City of London, and the cells around it.
const BANK = latLngToCell(51.5133, -0.0889, 8);

describe('encodeCellsBinary', () => {
	it('writes n, then high halves, low halves and counts as little-endian uint32 columns', () => {
		// 0x88195da49bfffff = high 0x088195da, low 0x49bfffff
		const body = encodeCellsBinary(['88195da49bfffff'], [7]);
		expect(body.byteLength).toBe(16);
		const view = new DataView(body.buffer);
		expect(view.getUint32(0, true)).toBe(1);
		expect(view.getUint32(4, true)).toBe(0x088195da);
		expect(view.getUint32(8, true)).toBe(0x49bfffff);
		expect(view.getUint32(12, true)).toBe(7);
		expect([...body.subarray(0, 8)]).toEqual([1, 0, 0, 0, 0xda, 0x95, 0x81, 0x08]);
	});

	it('takes the bigint the database stores and gives the same bytes as the hex string', () => {
		const cells = gridDisk(BANK, 2);
		const counts = cells.map((_, i) => i * 3);
		const fromHex = encodeCellsBinary(cells, counts);
		const fromBigint = encodeCellsBinary(
			cells.map((c) => BigInt(`0x${c}`)),
			counts
		);
		expect([...fromBigint]).toEqual([...fromHex]);
	});

	it('rejects mismatched lengths, non-H3 strings and counts outside uint32 with typed errors', () => {
		const code = (f: () => unknown) => {
			try {
				f();
			} catch (e) {
				return e instanceof CellsCodecError ? e.code : 'other';
			}
			return 'none';
		};
		expect(code(() => encodeCellsBinary([BANK], [1, 2]))).toBe('E_CELLS_LENGTH');
		expect(code(() => encodeCellsBinary(['not-a-cell'], [1]))).toBe('E_CELLS_INDEX');
		expect(code(() => encodeCellsBinary([0n], [1]))).toBe('E_CELLS_INDEX');
		expect(code(() => encodeCellsBinary([BANK], [-1]))).toBe('E_CELLS_COUNT');
		expect(code(() => encodeCellsBinary([BANK], [1.5]))).toBe('E_CELLS_COUNT');
		expect(code(() => encodeCellsBinary([BANK], [2 ** 32]))).toBe('E_CELLS_COUNT');
	});
});

describe('decodeCellsBody', () => {
	it('round-trips every cell of a disk at several resolutions, counts up to 2^32 - 1', () => {
		for (const res of [5, 8, 10]) {
			const centre =
				res === 8 ? BANK : res < 8 ? cellToParent(BANK, res) : latLngToCell(51.5, -0.1, res);
			const cells = gridDisk(centre, 3);
			const counts = cells.map((_, i) => (i === 0 ? 0xffff_ffff : i));
			const decoded = decodeCellsBody(encodeCellsBinary(cells, counts));
			expect(decoded.cells).toEqual(cells);
			expect(decoded.counts).toEqual(counts);
		}
	});

	it('decodes an empty answer and a view into a larger buffer', () => {
		expect(decodeCellsBody(encodeCellsBinary([], []))).toEqual({ cells: [], counts: [] });
		const inner = encodeCellsBinary([BANK], [4]);
		const outer = new Uint8Array(inner.byteLength + 3);
		outer.set(inner, 3);
		expect(decodeCellsBody(outer.subarray(3))).toEqual({ cells: [BANK], counts: [4] });
	});

	it('refuses a truncated body', () => {
		const body = encodeCellsBinary([BANK, cellToParent(BANK, 7)], [1, 2]);
		expect(() => decodeCellsBody(body.subarray(0, body.byteLength - 1))).toThrow('2 cells need 28');
		expect(() => decodeCellsBody(new Uint8Array(2))).toThrow(CellsCodecError);
	});
});

describe('decodeCellsBinary', () => {
	it('gives the same shape as the JSON answer, metadata from the headers', () => {
		const cells = gridDisk(BANK, 1);
		const counts = cells.map((_, i) => i + 1);
		const meta = {
			resolution: 8,
			from: '2021-01-01',
			to: '2021-12-31',
			categories: ['burglary', 'robbery'],
			total: 28,
			max: 7
		};
		const headers = new Headers(cellsBinaryHeaders(meta));
		expect(headers.get('content-type')).toBe('application/octet-stream');
		expect(headers.get(CELLS_HEADERS.resolution)).toBe('8');
		const decoded = decodeCellsBinary(encodeCellsBinary(cells, counts), headers);
		expect(decoded).toEqual({ ...meta, cells, counts });
		expect(cellsResponseSchema.safeParse(decoded).success).toBe(true);
	});

	it('recomputes total and max, and leaves the range null, when headers are missing', () => {
		const decoded = decodeCellsBinary(encodeCellsBinary([BANK], [5]), new Headers());
		expect(decoded).toMatchObject({ total: 5, max: 5, from: null, to: null, categories: [] });
	});
});
