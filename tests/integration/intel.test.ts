/**
 * Intelligence work end to end on both engines (issue 13): the source register (edit rights, history),
 * a report entered on the map (exact cells, stored once when sent twice, audited), the review queue
 * (area limits, nearby incidents, accept / regrade / reject with a reason, each stored and audited),
 * cross-checking (a scored and explained duplicate, the corroboration rule through the service, a merge
 * that takes the duplicate off the map).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell, polygonToCells } from 'h3-js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { insertIncidents } from '../helpers/incidents';
import type { Database } from '../../src/lib/server/db/client';
import { searchAudit } from '../../src/lib/server/db/queries/audit';
import { acceptedObservationCounts } from '../../src/lib/server/db/queries/observations';
import { testScope } from '../helpers/scope';
import { ServiceError } from '../../src/lib/server/errors';
import {
	crossCheckFor,
	decidePair,
	decideReview,
	linkReport,
	parseSourceFields,
	recordReport,
	reviewQueueFor,
	saveSource,
	sourceRegisterFor
} from '../../src/lib/server/services/intel';
import { observationsForMap } from '../../src/lib/server/services/observations';
import type { NewReport } from '../../src/lib/contracts/intel';

const HERE = { lon: -0.0984, lat: 51.5138 };
/** 40 m north of HERE. */
const NEAR = { lon: -0.0984, lat: 51.5138 + 40 / 111_195 };
const FAR = { lon: -0.2, lat: 51.45 };
const BOX: [number, number, number, number] = [-0.11, 51.5, -0.08, 51.53];

const scope = testScope;

let n = 0;
const clientId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

function report(sourceId: number, o: Partial<NewReport> = {}): NewReport {
	return {
		clientId: clientId(),
		sourceId,
		observedAt: '2024-03-01T20:00:00Z',
		...HERE,
		text: 'Two men dealing from a grey van',
		category: 'drugs',
		locationText: 'Cheapside',
		grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'P' },
		...o
	};
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
	const e = await p.catch((x: unknown) => x);
	expect(e).toBeInstanceOf(ServiceError);
	expect((e as ServiceError).message).toMatch(pattern);
}

describe.each(engines())('intelligence work on %s', (engine) => {
	let t: TestDatabase;
	let db: Database;
	let officers: number;
	let residents: number;
	let elsewhere: number;

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		db = t.db;
		await db.query(`INSERT INTO users (id, username, display_name, password_hash, role)
			VALUES (1, 'seed', 'seed', 'x', 'admin')`);
		// An area around HERE only, for an area-limited reviewer.
		const d = 0.003;
		const ring: [number, number][] = [
			[HERE.lat - d, HERE.lon - d],
			[HERE.lat - d, HERE.lon + d],
			[HERE.lat + d, HERE.lon + d],
			[HERE.lat + d, HERE.lon - d],
			[HERE.lat - d, HERE.lon - d]
		];
		const [a] = await db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('ward', 'W1', 'Here',
			   ST_Multi(ST_GeomFromText($1, 4326))) RETURNING id`,
			[`POLYGON((${ring.map(([la, lo]) => `${lo} ${la}`).join(', ')}))`]
		);
		const [b] = await db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('ward', 'W2', 'Elsewhere',
			   ST_Multi(ST_GeomFromText('POLYGON((-0.3 51.4, -0.25 51.4, -0.25 51.42, -0.3 51.42, -0.3 51.4))', 4326))) RETURNING id`
		);
		elsewhere = Number(b.id);
		expect(polygonToCells([ring], 10, false).length).toBeGreaterThan(0);
		expect(Number(a.id)).toBeGreaterThan(0);
		const [crime] = await db.query<{ id: number }>(
			`INSERT INTO sources (name, kind, category) VALUES ('Recorded crime', 'internal', 'recorded-crime') RETURNING id`
		);
		await insertIncidents(db, Number(crime.id), [
			{ ext: 'i1', ...NEAR, day: '2024-03-01', category: 'drugs' },
			{ ext: 'i2', ...FAR, day: '2024-03-01', category: 'drugs' }
		]);
	});
	afterAll(async () => {
		await db?.close().catch(() => {});
		await t?.drop();
	});

	it('keeps a source register analysts edit and others only read, audited', async () => {
		const fields = parseSourceFields({
			name: 'Patrol observations',
			kind: 'internal',
			category: 'officer',
			owner: 'Neighbourhood team 3',
			defaultReliability: '1',
			defaultHandlingCode: 'P'
		});
		officers = await saveSource(db, scope('analyst'), undefined, fields);
		residents = await saveSource(
			db,
			scope('analyst'),
			undefined,
			parseSourceFields({
				name: 'Residents',
				kind: 'open',
				category: 'community',
				defaultReliability: '2',
				defaultHandlingCode: 'C'
			})
		);
		await rejects(saveSource(db, scope('officer'), undefined, fields), /Only analysts/);
		await rejects(saveSource(db, scope('analyst'), undefined, fields), /name: a source named/);
		expect(() =>
			parseSourceFields({ ...fields, kind: 'open', defaultReliability: '1' } as never)
		).toThrow(/category: officer is a category of internal sources, not open/);
		expect(() =>
			parseSourceFields({
				name: 'x',
				kind: 'open',
				category: 'community',
				defaultReliability: '4',
				defaultHandlingCode: 'P'
			})
		).toThrow(/defaultReliability: source evaluation must be 1/);
		const reg = await sourceRegisterFor(db, scope('officer'));
		expect(reg.canEdit).toBe(false);
		expect(reg.sources.find((s) => s.id === officers)).toMatchObject({
			kind: 'internal',
			category: 'officer',
			owner: 'Neighbourhood team 3',
			defaultReliability: 1,
			defaultHandlingCode: 'P',
			reports: 0
		});
		const audit = await searchAudit(db, { action: 'sources.create', page: 1, pageSize: 50 });
		expect(audit.total).toBe(2);
	});

	let first: number;
	let second: number;
	it('stores a report from the map with its exact cells, once when sent twice, audited', async () => {
		const r = report(officers);
		const a = await recordReport(db, scope('officer'), r);
		expect(a).toEqual({ id: a.id, created: true, sharedProductBlock: null });
		const again = await recordReport(db, scope('officer'), r);
		expect(again).toEqual({ ...a, created: false });
		first = a.id;
		const [row] = await db.query<Record<string, string>>(
			`SELECT h3_r5::text AS r5, h3_r8::text AS r8, h3_r10::text AS r10, h3::text AS r11,
			        review_status, created_by FROM observations WHERE id = $1`,
			[first]
		);
		const cell = (res: number) => BigInt(`0x${latLngToCell(HERE.lat, HERE.lon, res)}`).toString();
		expect(row).toEqual({
			r5: cell(5),
			r8: cell(8),
			r10: cell(10),
			r11: cell(11),
			review_status: 'new',
			created_by: 't-officer'
		});
		const audit = await searchAudit(db, { action: 'observations.create', page: 1, pageSize: 50 });
		expect(audit.total).toBe(1);
		// Code C without a sanitised text: stored, and told it cannot feed a shared product yet.
		const c = await recordReport(db, scope('community'), {
			...report(residents, {
				...NEAR,
				observedAt: '2024-03-01T20:40:00Z',
				locationText: 'cheapside.'
			}),
			grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'C' }
		});
		expect(c.sharedProductBlock).toMatch(/write a sanitised text/);
		second = c.id;
		await rejects(recordReport(db, scope('viewer'), report(officers)), /does not record/);
		await rejects(recordReport(db, scope('officer'), report(9999)), /sourceId: no source 9999/);
	});

	it('queues new reports for review inside the reviewer’s limits, with nearby incidents', async () => {
		const q = await reviewQueueFor(db, scope('analyst'), first);
		expect(q.items.map((i) => i.id)).toEqual([first, second]);
		expect(q.selected?.report.id).toBe(first);
		expect(q.selected?.nearby.incidents.map((i) => Math.round(i.metres))).toEqual([40]);
		expect(q.selected?.nearby.reports.map((r) => r.id)).toEqual([second]);
		// Handling code C stays with users allowed restricted records; area limits apply.
		await rejects(reviewQueueFor(db, scope('officer'), null), /does not review/);
		const limited = await reviewQueueFor(db, scope('supervisor', [elsewhere]), null);
		expect(limited.items).toEqual([]);
		await rejects(reviewQueueFor(db, scope('supervisor', [elsewhere]), first), /no report/);
	});

	it('records accept, regrade and reject with a reason, in the review table and the audit log', async () => {
		await rejects(
			decideReview(db, scope('analyst'), { id: first, decision: 'reject', reason: ' ' }),
			/reason: give a reason/
		);
		await rejects(
			decideReview(db, scope('analyst'), {
				id: first,
				decision: 'regrade',
				reason: 'same grading',
				grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'P' }
			}),
			/must change the grading/
		);
		const regraded = await decideReview(db, scope('analyst'), {
			id: first,
			decision: 'regrade',
			reason: 'officer saw it first-hand',
			grading: { sourceEvaluation: '1', intelligenceAssessment: 'a', handlingCode: 'P' }
		});
		expect(regraded).toMatchObject({ gradingBefore: '2/C/P', gradingAfter: '1/A/P' });
		const accepted = await decideReview(db, scope('supervisor'), {
			id: second,
			decision: 'accept',
			reason: 'plausible, resident known to the team',
			sanitisedText: 'A resident reports dealing from a van on Cheapside.'
		});
		expect(accepted.gradingAfter).toBe('2/C/C');
		const rows = await db.query<{ observation_id: string; decision: string; decided_by: string }>(
			`SELECT observation_id::text, decision, decided_by FROM observation_reviews ORDER BY id`
		);
		expect(rows).toEqual([
			{ observation_id: String(first), decision: 'regrade', decided_by: 't-analyst' },
			{ observation_id: String(second), decision: 'accept', decided_by: 't-supervisor' }
		]);
		const audit = await searchAudit(db, { action: 'observations.review', page: 1, pageSize: 50 });
		expect(audit.total).toBe(2);
		expect(audit.rows.map((r) => r.detail)).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					gradingBefore: '2/C/P',
					gradingAfter: '1/A/P',
					reason: 'officer saw it first-hand'
				})
			])
		);
		const [s] = await db.query<{ review_status: string; sanitised_text: string }>(
			`SELECT review_status, sanitised_text FROM observations WHERE id = $1`,
			[second]
		);
		expect(s).toEqual({
			review_status: 'accepted',
			sanitised_text: 'A resident reports dealing from a van on Cheapside.'
		});
		// A third report, rejected with its reason, leaves the map.
		const junk = await recordReport(db, scope('officer'), report(officers, { text: 'test entry' }));
		await decideReview(db, scope('analyst'), {
			id: junk.id,
			decision: 'reject',
			reason: 'training entry'
		});
		const map = await observationsForMap(db, scope('analyst'), { bbox: BOX });
		expect(map.items.map((i) => i.id).sort()).toEqual([first, second].sort());
		// The hot-spot and tasking input: accepted reports per own cell, apart from crime counts;
		// code C (the second) only for readers who may see restricted records, rejected ones never.
		const counted = (includeRestricted: boolean, sharedProduct = false) =>
			acceptedObservationCounts(db, {
				res: 9,
				from: '2024-03-01',
				to: '2024-03-01',
				categories: null,
				allowedAreaIds: null,
				includeRestricted,
				sharedProduct
			});
		const expected = new Map<string, number>();
		for (const p of [HERE, NEAR]) {
			const c = latLngToCell(p.lat, p.lon, 9);
			expected.set(c, (expected.get(c) ?? 0) + 1);
		}
		expect(await counted(true)).toEqual({ perCell: expected, withheld: 0 });
		const shared = await counted(false);
		expect([...shared.perCell.values()].reduce((a, b) => a + b, 0)).toBe(1);
		expect(shared.withheld).toBe(1);
		// As a tasking input (a shared product) code C counts only with its sanitised text.
		expect((await counted(true, true)).withheld).toBe(0);
		await db.query(`UPDATE observations SET sanitised_text = NULL WHERE id = $1`, [second]);
		expect((await counted(true, true)).withheld).toBe(1);
		expect((await counted(true)).withheld).toBe(0);
		await db.query(
			`UPDATE observations SET sanitised_text = 'A resident reports dealing from a van on Cheapside.' WHERE id = $1`,
			[second]
		);
	});

	it('cross-checks: explains a duplicate, applies the corroboration rule, merges', async () => {
		const cc = await crossCheckFor(db, scope('analyst'));
		expect(cc.candidates).toHaveLength(1);
		const c = cc.candidates[0];
		expect([c.first.id, c.second.id]).toEqual([first, second]);
		expect(c.explanation).toBe('same street, 40 minutes apart, same category, different sources');
		// 0.4·max(1 − 40/400, 0.75) + 0.4·(1 − 40/360) + 0.2
		expect(c.score).toBe(0.916);

		// Same source: no raise. A third report of the officers' source corroborating the residents'.
		const own = await recordReport(
			db,
			scope('community'),
			report(residents, { observedAt: '2024-03-02T09:00:00Z', text: 'again the van' })
		);
		await rejects(
			linkReport(db, scope('analyst'), {
				id: second,
				kind: 'corroborates',
				otherReport: own.id,
				raise: true,
				reason: 'same van'
			}),
			/raise: not allowed — same source/
		);
		// An independent source (the recorded incident) may raise C to B.
		const [inc] = await db.query<{ source_id: number; id: string }>(
			`SELECT source_id, id::text AS id FROM incidents WHERE external_id = 'i1'`
		);
		const linked = await linkReport(db, scope('analyst'), {
			id: second,
			kind: 'corroborates',
			otherIncident: { sourceId: Number(inc.source_id), id: Number(inc.id) },
			raise: true,
			reason: 'drugs arrest at the van that evening'
		});
		expect(linked.assessment).toBe('B');
		const audit = await searchAudit(db, { action: 'observations.link', page: 1, pageSize: 50 });
		expect(audit.rows[0].detail).toMatchObject({
			gradingBefore: '2/C/C',
			gradingAfter: '2/B/C',
			independent: true
		});
		const reg = await sourceRegisterFor(db, scope('analyst'));
		expect(reg.sources.find((s) => s.id === residents)).toMatchObject({
			reports: 2,
			corroborated: 1
		});

		await decidePair(db, scope('analyst'), {
			first,
			second,
			decision: 'merge',
			keep: second,
			reason: 'the same dealing seen twice'
		});
		await rejects(
			decidePair(db, scope('analyst'), { first, second, decision: 'apart', reason: 'again' }),
			/merged into report/
		);
		const map = await observationsForMap(db, scope('analyst'), { bbox: BOX });
		expect(map.items.map((i) => i.id).sort()).toEqual([second, own.id].sort());
		expect((await crossCheckFor(db, scope('analyst'))).candidates).toEqual([]);
		const merges = await searchAudit(db, { action: 'observations.merge', page: 1, pageSize: 50 });
		expect(merges.rows[0].detail).toMatchObject({ kept: second, merged: first, score: 0.916 });
	});
});
