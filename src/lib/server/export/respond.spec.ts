import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cellExportQuerySchema, incidentExportQuerySchema } from '$lib/contracts/exports';
import type { AuthUser } from '$lib/server/auth/permissions';
import { ServiceError } from '$lib/server/errors';
import type { CsvExport } from '$lib/server/services/exports';
import { readScope } from '$lib/server/auth/read-scope';
import type * as Respond from './respond';
import { toCsv, UTF8_BOM } from './csv';

/**
 * No database: the export's read snapshot runs the work on an empty stand-in. Mocked with doMock and
 * withdrawn after this file, not with a hoisted vi.mock: unit spec files share a worker's modules
 * (vite.config.ts, `isolate: false`), and vitest keeps a vi.mock registered for the files after it.
 */
let csvExportResponse: typeof Respond.csvExportResponse;
beforeAll(async () => {
	vi.doMock('$lib/server/db', () => ({
		getDatabase: async () => ({}),
		readSnapshot: async <T>(work: (db: object) => Promise<T>) => work({})
	}));
	({ csvExportResponse } = await import('./respond'));
});
afterAll(() => {
	vi.doUnmock('$lib/server/db');
});

const analyst: AuthUser = { id: 7, username: 'a', displayName: 'A', role: 'analyst', areaIds: [] };

function event(query: string, user: AuthUser | null = analyst) {
	return {
		url: new URL(`http://localhost/api/export/x?${query}`),
		locals: { user, session: null },
		getClientAddress: () => '192.0.2.9',
		request: new Request('http://localhost/', { headers: { 'user-agent': 'spec' } })
	};
}

/** The export route's call: the request's read scope, then the export. */
function exportFor<S extends Parameters<typeof csvExportResponse>[2]>(
	e: ReturnType<typeof event>,
	schema: S,
	run: Parameters<typeof csvExportResponse<S>>[3]
) {
	return csvExportResponse(e, readScope(e.locals, e), schema, run);
}

const file: CsvExport = {
	filename: 'beatwise-incidents-cell-89195da49b7ffff.csv',
	csv: toCsv(['location_text'], [['=1+1'], ['<script>alert(1)</script>']]),
	rows: 2,
	withheld: 3
};

/** The HttpError SvelteKit's `error()` throws. */
async function failure(
	p: Promise<unknown>
): Promise<{ status: number; body: { message: string } }> {
	return p.then(
		() => {
			throw new Error('expected an error');
		},
		(e: { status: number; body: { message: string } }) => e
	);
}

describe('csvExportResponse', () => {
	it('answers a CSV download with a BOM, the counts in headers and the parsed query', async () => {
		const run = vi.fn(async () => file);
		const res = await exportFor(
			event('cell=89195DA49B7FFFF&categories=burglary,burglary&from=2024-01-01'),
			incidentExportQuerySchema,
			run
		);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toBe(
			'attachment; filename="beatwise-incidents-cell-89195da49b7ffff.csv"'
		);
		expect(res.headers.get('x-beatwise-rows')).toBe('2');
		expect(res.headers.get('x-beatwise-withheld')).toBe('3');
		const body = new Uint8Array(await res.arrayBuffer());
		expect([...body.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(body)).toBe(
			UTF8_BOM + "location_text\r\n'=1+1\r\n<script>alert(1)</script>\r\n"
		);
		expect(run).toHaveBeenCalledWith(
			{},
			expect.objectContaining({
				user: analyst,
				areaIds: null,
				restricted: true,
				origin: { ip: '192.0.2.9', userAgent: 'spec' }
			}),
			{ cell: '89195DA49B7FFFF', from: '2024-01-01', categories: ['burglary'] }
		);
	});

	it.each([
		['', incidentExportQuerySchema, /^cell: give either/],
		['cell=89195da49b7ffff&area=3', incidentExportQuerySchema, /^cell: give either/],
		['cell=zz', incidentExportQuerySchema, /^cell: must be an H3 cell index/],
		['area=0', incidentExportQuerySchema, /^area: must be an area id/],
		['cell=89195da49b7ffff&from=2024-02-30', incidentExportQuerySchema, /^from: must be a date/],
		['cell=89195da49b7ffff&categories=DROP%20TABLE', incidentExportQuerySchema, /^categories\.0:/],
		['area=3', cellExportQuerySchema, /^audience: is required/],
		['area=3&audience=everyone', cellExportQuerySchema, /^audience: is required/],
		['area=3&audience=public&res=11', cellExportQuerySchema, /^res: must be from 7 to 10/],
		['audience=public', cellExportQuerySchema, /^area: give either/],
		['bbox=1,2,3&audience=public', cellExportQuerySchema, /^bbox: must be west,south/],
		['area=3&audience=public&from=2024-02-01&to=2024-01-01', cellExportQuerySchema, /^from: /]
	])('refuses %j with a 400 naming the parameter', async (query, schema, message) => {
		const run = vi.fn(async () => file);
		const e = await failure(exportFor(event(query), schema, run));
		expect(e.status).toBe(400);
		expect(e.body.message).toMatch(message);
		expect(run).not.toHaveBeenCalled();
	});

	it('turns service errors into their status, and refuses anonymous callers', async () => {
		const notFound = await failure(
			exportFor(event('area=99&audience=internal'), cellExportQuerySchema, async () => {
				throw new ServiceError('E_UNKNOWN_AREA', 'area: there is no area with id 99', 404);
			})
		);
		expect(notFound).toMatchObject({ status: 404, body: { message: /no area with id 99/ } });
		const anonymous = await failure(
			(async () => exportFor(event('area=3', null), incidentExportQuerySchema, async () => file))()
		);
		expect(anonymous.status).toBe(401);
	});
});
