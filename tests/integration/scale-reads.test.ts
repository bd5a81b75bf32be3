/**
 * Read paths whose work does not grow with the incidents (issue 16 §3), and the rollup recount, on real
 * Chicago assaults (the second half of 2019, district boundaries): the supervisor's recent incidents
 * through the (resolution-7 cell, time) index equal the plain scan of the study cells, newest first and
 * capped; the rollups counted again from the incidents equal those the import wrote, and the check
 * finds a rollup that disagrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	createTestDatabase,
	engines,
	hasShared,
	SHARED,
	withoutShared,
	type TestDatabase
} from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { resolveStudyArea } from '../../src/lib/server/study/area';
import { recentIncidentWindows } from '../../src/lib/server/db/queries/incidents-recent';
import { rebuildRollups, rollupMismatches } from '../../src/lib/server/db/queries/rollup-rebuild';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { cliEnv, inProcessCli } from '../helpers/cli';

const CHI = join(SHARED, 'data/chicago-cpd');
const MAPPING = JSON.parse(
	readFileSync('examples/mappings/chicago-aggravated-assaults.json', 'utf8')
);

describe.skipIf(withoutShared())('scale read paths and the rollup recount', () => {
	const work = mkdtempSync(join(tmpdir(), 'beatwise-scale-'));
	const file = join(work, 'assaults-2019h2.csv');
	if (hasShared) {
		const text = gunzipSync(
			readFileSync(join(CHI, 'derived/chicago_aggravated_assaults.csv.gz'))
		).toString('utf8');
		const lines = text.split('\n');
		writeFileSync(
			file,
			[lines[0], ...lines.filter((l) => l >= '2019-07' && l < '2020')].join('\n') + '\n'
		);
	}
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	for (const engine of engines()) {
		describe(engine, () => {
			let t: TestDatabase;
			let cells: string[];
			beforeAll(async () => {
				t = await createTestDatabase(engine);
				await importAreaFile(t.db, join(CHI, 'boundaries/police_districts.zip.geojson'), {
					kind: 'district'
				});
				const r = await importPaths(t.db, { inputs: [file], format: 'csv', mapping: MAPPING });
				expect(r.failed).toEqual([]);
				cells = (await resolveStudyArea(t.db, { area: ['district:11'], res: 9 })).cells;
			}, 240_000);
			afterAll(async () => {
				await t?.drop();
			});

			/** The plain answer: every incident of the study cells in the period, by scanning them all. */
			async function plain(from: string, to: string) {
				const rows = await t.db.query<{ f: number; day: string }>(
					`SELECT (extract(epoch FROM occurred_from) * 1000)::float8 AS f, local_day::text AS day
					 FROM incidents WHERE h3_r9 = ANY($1::bigint[]) AND local_day BETWEEN $2 AND $3
					 ORDER BY occurred_from DESC, id`,
					[cells.map((c) => BigInt('0x' + c).toString()), from, to]
				);
				return rows.map((r) => ({ f: Number(r.f), day: r.day }));
			}

			it('reads the study cells’ recent incidents through the coarse index: all of them, newest first', async () => {
				const all = await plain('2019-07-01', '2019-12-31');
				expect(all.length).toBeGreaterThan(300);
				const got = await recentIncidentWindows(
					t.db,
					cells,
					9,
					'2019-07-01',
					'2019-12-31',
					null,
					100_000
				);
				// The prefilter by the resolution-7 cells around the study cells loses no incident.
				expect(got.map((g) => g.from)).toEqual(all.map((a) => a.f));
				expect(new Set(got.map((g) => g.timeZone))).toEqual(new Set(['America/Chicago']));
				// Capped: the newest `limit` (times tie rarely; compared as multisets of times).
				const some = await recentIncidentWindows(
					t.db,
					cells,
					9,
					'2019-07-01',
					'2019-12-31',
					null,
					50
				);
				expect(some.map((g) => g.from)).toEqual(all.slice(0, 50).map((a) => a.f));
				expect(some.at(-1)!.day).toBe(all[49].day);
			});

			it('states the profile’s period: a year to the shift, or from the oldest incident read when capped', async () => {
				const r = await riskForShift(t.db, {
					area: 'district:11',
					shift: 'late',
					date: '2019-12-31',
					today: '2019-12-31',
					windowDays: 28
				});
				expect(r.parameters.profile.from).toBe('2019-01-01');
				const timed = await plain('2019-01-01', '2019-12-31');
				expect(r.parameters.profile.timedIncidents + r.parameters.profile.untimedIncidents).toBe(
					timed.length
				);
			});

			it('counts the rollups again from the incidents: the same rows, and the check finds a bad one', async () => {
				const snapshot = () =>
					t.db.query<{ k: string }>(
						`SELECT concat_ws('|', res, grain, h3, period, category, source_id, n, sensitive) AS k
						 FROM cell_counts ORDER BY 1`
					);
				const before = await snapshot();
				expect(await rollupMismatches(t.db)).toEqual([]);
				const [e0] = await t.db.query<{ e: number }>(`SELECT edits::int AS e FROM rollup_edits`);
				await t.db.query(`DELETE FROM cell_counts`);
				const written = await rebuildRollups(t.db);
				expect(written.cellCounts).toBe(before.length);
				expect(await snapshot()).toEqual(before);
				const [e1] = await t.db.query<{ e: number }>(`SELECT edits::int AS e FROM rollup_edits`);
				expect(Number(e1.e)).toBe(Number(e0.e) + 1);
				await t.db.query(
					`UPDATE cell_counts SET n = n + 1
					 WHERE ctid = (SELECT ctid FROM cell_counts WHERE res = 7 AND grain = 'month' LIMIT 1)`
				);
				const bad = await rollupMismatches(t.db);
				expect(bad).toHaveLength(1);
				expect(bad[0]).toMatchObject({ res: 7, grain: 'month' });
				expect(bad[0].rollup).toBe(bad[0].incidents + 1);
				// The administrator's commands (PostgreSQL: the embedded engine admits one process).
				if (engine === 'postgres') {
					const check = await inProcessCli(cliEnv(t), ['rollup', '--check']);
					expect(check.status).toBe(1);
					expect(check.stdout).toContain(`res 7 month: the rollups count ${bad[0].rollup}`);
					const fixed = await inProcessCli(cliEnv(t), ['rollup', '--rebuild', '--json']);
					expect(fixed.status).toBe(0);
					expect(JSON.parse(fixed.stdout)).toEqual({
						written: { cellCounts: before.length, extraCounts: 0 },
						mismatches: []
					});
				} else await rebuildRollups(t.db);
				expect(await snapshot()).toEqual(before);
			});
		});
	}
});
