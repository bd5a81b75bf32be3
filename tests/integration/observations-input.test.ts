/**
 * Issue 13 on both engines: accepted intelligence reports as an optional, separate input to hot
 * spots and the supervisor's shift ranking. The reports get their own Gi* layer and their own counts;
 * the crime counts, z and bins are exactly those of the same request without reports; only accepted
 * (or reviewed), not merged reports count; the reader's area limits and handling codes apply (code C
 * only for readers allowed restricted records), and a public audience is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell, polygonToCells } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { insertIncidents } from '../helpers/incidents';
import { replaceAreaCells } from '../../src/lib/server/db/queries/areas';
import { CELL_COLUMNS, exactCells } from '../../src/lib/server/cell-keys';
import { testScope } from '../helpers/scope';
import { hotspotsForArea } from '../../src/lib/server/services/hotspots';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { ServiceError } from '../../src/lib/server/errors';

/** The study area (beat OB) and, inside its west half, the area an officer is limited to (OW). */
const BEAT = { west: -0.11, south: 51.505, east: -0.08, north: 51.525 };
const WEST = { ...BEAT, east: -0.095 };
const IN_WEST = { lon: -0.1, lat: 51.515 };
const IN_EAST = { lon: -0.085, lat: 51.515 };
const RES = 9;
const PERIOD = { from: '2024-03-01', to: '2024-03-31' };

const scope = testScope;

const ring = (b: typeof BEAT) =>
	`POLYGON((${b.west} ${b.south}, ${b.east} ${b.south}, ${b.east} ${b.north}, ${b.west} ${b.north}, ${b.west} ${b.south}))`;

describe.each(engines())(
	'accepted reports as a separate input on %s',
	{ timeout: 300_000 },
	(engine) => {
		let t: TestDatabase;
		let westId: number;
		const cellOf = (p: { lon: number; lat: number }) => latLngToCell(p.lat, p.lon, RES);

		async function addArea(code: string, b: typeof BEAT): Promise<number> {
			const [a] = await t.db.query<{ id: number }>(
				`INSERT INTO areas (kind, code, name, geom)
			 VALUES ('beat', $1, $1, ST_Multi(ST_GeomFromText($2, 4326))) RETURNING id`,
				[code, ring(b)]
			);
			const id = Number(a.id);
			const cells = polygonToCells(
				[
					[b.south, b.west],
					[b.south, b.east],
					[b.north, b.east],
					[b.north, b.west]
				],
				10
			);
			await replaceAreaCells(t.db, [
				{ areaId: id, cells: cells.map((c) => BigInt('0x' + c).toString()) }
			]);
			return id;
		}

		async function addReport(
			sourceId: number,
			p: { lon: number; lat: number },
			o: { status?: string; code?: 'P' | 'C'; category?: string; merged?: boolean } = {}
		): Promise<void> {
			const cells = exactCells(p.lat, p.lon);
			await t.db.query(
				`INSERT INTO observations (source_id, text, source_evaluation, intelligence_assessment,
			   handling_code, observed_at, geom, category, review_status, merged_into,
			   ${CELL_COLUMNS.join(', ')})
			 VALUES ($1, 'report', 2, 'B', $2, '2024-03-05T12:00:00Z',
			   ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7,
			   ${CELL_COLUMNS.map((_, i) => `$${i + 8}::bigint`).join(', ')})`,
				[
					sourceId,
					o.code ?? 'P',
					p.lon,
					p.lat,
					o.category ?? 'drugs',
					o.status ?? 'accepted',
					o.merged ? 1 : null,
					...cells
				]
			);
		}

		beforeAll(async () => {
			t = await createTestDatabase(engine);
			const [s] = await t.db.query<{ id: number }>(
				`INSERT INTO sources (name, kind, category) VALUES ('t crime', 'internal', 'crime'),
			   ('t reports', 'internal', 'community') RETURNING id`
			);
			const crime = Number(s.id);
			const reports = crime + 1;
			await addArea('OB', BEAT);
			westId = await addArea('OW', WEST);
			const incidents = [];
			for (let i = 0; i < 12; i++)
				incidents.push({ ext: `W${i}`, ...IN_WEST, day: '2024-03-05', category: 'burglary' });
			for (let i = 0; i < 3; i++)
				incidents.push({ ext: `E${i}`, ...IN_EAST, day: '2024-03-06', category: 'burglary' });
			await insertIncidents(t.db, crime, incidents);
			// Counted: 4 accepted P in the east, 1 reviewed P in the west, 1 accepted C in the west.
			for (let i = 0; i < 4; i++) await addReport(reports, IN_EAST);
			await addReport(reports, IN_WEST, { status: 'reviewed', category: 'burglary' });
			await addReport(reports, IN_WEST, { code: 'C' });
			// Never counted: new, rejected, merged into another.
			await addReport(reports, IN_EAST, { status: 'new' });
			await addReport(reports, IN_EAST, { status: 'rejected' });
			await addReport(reports, IN_EAST, { merged: true });
		});
		afterAll(async () => {
			await t?.drop();
		});

		const request = { area: ['beat:OB'], res: RES, ...PERIOD };

		it('adds a separate Gi* layer of accepted reports and leaves the crime answer as it was', async () => {
			const crime = await hotspotsForArea(t.db, request);
			const both = await hotspotsForArea(
				t.db,
				{ ...request, observations: 'accepted' },
				scope('analyst')
			);
			expect(crime.observations).toBeUndefined();
			// The crime part is the same answer: counts, z and bins untouched by the reports.
			expect(both.counts).toEqual(crime.counts);
			expect(both.z).toEqual(crime.z);
			expect(both.bin).toEqual(crime.bin);
			expect(both.summary.total).toBe(15);
			const o = both.observations!;
			expect(o.input).toBe(
				'accepted intelligence reports (after review), counted apart from recorded crime'
			);
			expect(o.label).toBe('6 accepted reports (not crimes)');
			expect(o.total).toBe(6);
			expect(o.withheld).toBe(0);
			expect(o.counts).toHaveLength(both.cells.length);
			const at = (c: string) => o.counts[both.cells.indexOf(c)];
			expect(at(cellOf(IN_EAST))).toBe(4);
			expect(at(cellOf(IN_WEST))).toBe(2);
			expect(o.z).toHaveLength(both.cells.length);
			expect(o.bin).toHaveLength(both.cells.length);
			// A category filter applies to the reports' categories too.
			const burglary = await hotspotsForArea(
				t.db,
				{ ...request, categories: ['burglary'], observations: 'accepted' },
				scope('analyst')
			);
			expect(burglary.observations!.total).toBe(1);
		});

		it("follows the reader's handling codes and area limits", async () => {
			// An officer may not see code C: left out, and not told how many.
			const officer = await hotspotsForArea(
				t.db,
				{ ...request, observations: 'accepted' },
				scope('officer')
			);
			expect(officer.observations!.total).toBe(5);
			expect(officer.observations!.withheld).toBeNull();
			// Limited to the west half: only the reports there (the reviewed P and, for a supervisor, the C).
			const west = await hotspotsForArea(
				t.db,
				{ ...request, observations: 'accepted' },
				scope('supervisor', [westId])
			);
			expect(west.observations!.total).toBe(2);
			expect(west.counts).toEqual(officer.counts);
		});

		it('refuses reports to a public audience and without a read scope', async () => {
			for (const s of [scope('community'), undefined]) {
				const e = await hotspotsForArea(t.db, { ...request, observations: 'accepted' }, s).catch(
					(x: unknown) => x
				);
				expect(e).toBeInstanceOf(ServiceError);
				expect((e as ServiceError).status).toBe(403);
			}
		});

		it("shows accepted reports beside the shift ranking, within the reader's scope", async () => {
			const q = {
				area: 'beat:OB',
				shift: 'late' as const,
				date: '2024-03-06',
				today: '2024-03-06',
				windowDays: 28,
				withReports: true
			};
			const plain = await riskForShift(t.db, { ...q, withReports: false });
			const analyst = await riskForShift(t.db, q, scope('analyst'));
			expect(plain.intelligence).toBeNull();
			// The ranking is the same: reports are shown beside it, never added to the risk.
			expect(analyst.cells).toEqual(plain.cells);
			// The ranking feeds taskings (a shared product): the code-C report has no sanitised text.
			expect(analyst.intelligence).toMatchObject({
				total: 5,
				withheld: 1,
				perCell: { [cellOf(IN_EAST)]: 4, [cellOf(IN_WEST)]: 1 }
			});
			await t.db.query(
				`UPDATE observations SET sanitised_text = 'a sanitised account' WHERE handling_code = 'C'`
			);
			expect((await riskForShift(t.db, q, scope('analyst'))).intelligence).toMatchObject({
				total: 6,
				withheld: 0
			});
			const officer = await riskForShift(t.db, q, scope('officer', [westId]));
			expect(officer.intelligence).toMatchObject({
				total: 1,
				withheld: null,
				perCell: { [cellOf(IN_WEST)]: 1 }
			});
			await expect(riskForShift(t.db, q)).rejects.toThrow(/not part of your role/);
		});
	}
);
