/**
 * Harm per offence code (issue 12 §2): the harm-weighted shift ranking reads the records, so a source
 * with offence codes (the Chicago portal's IUCR) is weighed code by code through the crosswalk, while
 * police.uk's broad categories are weighed per category and the answer says "approximate". Both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, engines, hasShared, SHARED, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { importAreaFile } from '../../src/lib/server/ingest/import-areas';
import { riskForShift } from '../../src/lib/server/services/supervisor';
import { harmWeight, offenceCode } from '../../src/lib/server/analysis/harm-index';

const CHI = join(SHARED, 'data/chicago-cpd');
const PORTAL = join(CHI, 'crimes/Crimes_-_2001_to_present.csv');
const DISTRICTS = join(CHI, 'boundaries/police_districts.zip.geojson');
const POLICE_UK = join(SHARED, 'data/uk-policeuk-city-of-london/crime/2020-12');

describe.skipIf(!hasShared).each(engines())(
	'harm per offence code on %s',
	{ timeout: 300_000 },
	(engine) => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await createTestDatabase(engine);
			await importPaths(t.db, { inputs: [PORTAL], format: 'chicago' });
			await importPaths(t.db, { inputs: [POLICE_UK], format: 'police-uk' });
			await importAreaFile(t.db, DISTRICTS, { kind: 'district', codeField: 'DIST_NUM' });
			// A box around the City of London, for the police.uk rows.
			const dir = mkdtempSync(join(tmpdir(), 'beatwise-harm-'));
			const box = [
				[-0.115, 51.505],
				[-0.07, 51.505],
				[-0.07, 51.525],
				[-0.115, 51.525],
				[-0.115, 51.505]
			];
			writeFileSync(
				join(dir, 'box.geojson'),
				JSON.stringify({
					type: 'FeatureCollection',
					features: [
						{
							type: 'Feature',
							properties: { code: 'city-box', name: 'City box' },
							geometry: { type: 'Polygon', coordinates: [box] }
						}
					]
				})
			);
			await importAreaFile(t.db, join(dir, 'box.geojson'), {
				kind: 'box',
				codeField: 'code',
				nameField: 'name'
			});
		});
		afterAll(async () => {
			await t?.drop();
		});

		it('weighs each Chicago record by its IUCR code: a cell of one code scales by exactly its weight', async () => {
			const q = { area: 'district:6', shift: 'night' as const, date: '2016-01-03' };
			const plain = await riskForShift(t.db, q);
			const harmed = await riskForShift(t.db, { ...q, harm: true });
			expect(plain.cells.length).toBeGreaterThan(10);
			// Every incident counted is weighed once; codes the crosswalk knows by their own weight, the
			// few others (e.g. IUCR 5000 "other offense") by their category, approximately.
			const counted = plain.cells.reduce((a, c) => a + c.recent, 0);
			const h = harmed.parameters.harm!;
			expect(h.coded + h.approximate).toBe(counted);
			expect(h.coded).toBeGreaterThan(h.approximate * 5);
			expect(h.note).toBe(
				`Harm weighed per offence code for ${h.coded} of ${counted} incidents; the other ${h.approximate} have only a broad category and are weighed approximately.`
			);
			// Cells whose window holds records of a single IUCR code: harm risk ÷ plain risk = that code's weight.
			const rows = await t.db.query<{
				cell: string;
				iucrs: string[];
				types: string[];
				cats: string[];
			}>(
				`SELECT to_hex(h3_r9) AS cell, array_agg(DISTINCT attributes->>'IUCR') AS iucrs,
			        array_agg(DISTINCT original_type) AS types, array_agg(DISTINCT category) AS cats
			 FROM incidents WHERE h3_r9 IS NOT NULL GROUP BY 1`
			);
			const single = new Map(
				rows
					.filter((r) => r.iucrs.length === 1 && r.cats.length === 1)
					.map((r) => [r.cell, harmWeight(r.cats[0], offenceCode(r.types[0], r.iucrs[0])).weight])
			);
			const byCell = new Map(harmed.cells.map((c) => [c.cell, c.risk]));
			let checked = 0;
			const weights = new Set<number>();
			for (const c of plain.cells) {
				const w = single.get(c.cell);
				if (w === undefined) continue;
				expect(byCell.get(c.cell)! / c.risk).toBeCloseTo(w, 6);
				weights.add(w);
				checked++;
			}
			expect(checked).toBeGreaterThan(5);
			// Different codes, different weights: the crosswalk is applied per code, not per category.
			expect(weights.size).toBeGreaterThan(2);
		});

		it('says "approximate" where the data has only broad categories (police.uk)', async () => {
			const r = await riskForShift(t.db, {
				area: 'box:city-box',
				shift: 'late',
				date: '2020-12-31',
				harm: true
			});
			expect(r.parameters.harm!.coded).toBe(0);
			expect(r.parameters.harm!.approximate).toBeGreaterThan(100);
			expect(r.parameters.harm!.note).toMatch(/^Approximate: the data has only broad categories/);
		});
	}
);
