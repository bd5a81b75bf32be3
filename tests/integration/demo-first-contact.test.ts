/**
 * First contact on PostgreSQL: a fresh checkout started with `BEATWISE_DEMO=1` and `DATABASE_URL`
 * has no data folder yet (the embedded engine, which would create it, is not used). Start-up used to
 * crash with ENOENT writing demo-credentials.txt there. Runs when BEATWISE_TEST_DATABASE_URL is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, serverUrl, type TestDatabase } from '../helpers/db';
import { parseEnv } from '../../src/lib/server/env';
import { loadDemoOnStart } from '../../src/lib/server/demo/first-start';
import { ROLES } from '../../src/lib/server/auth/permissions';
import { workspaceMeta } from '../../src/lib/server/services/meta';

describe.skipIf(!serverUrl())('demo on a fresh PostgreSQL database (BEATWISE_DEMO=1)', () => {
	let t: TestDatabase;
	let checkout: string;

	beforeAll(async () => {
		t = await createTestDatabase('postgres');
		checkout = mkdtempSync(join(tmpdir(), 'beatwise-checkout-'));
	});
	afterAll(async () => {
		await t?.drop();
		if (checkout) rmSync(checkout, { recursive: true, force: true });
	});

	it('loads the demo and saves the credentials in a data folder it creates', async () => {
		// As the server parses it: the README's variables on a checkout without `.beatwise/data`.
		const dataDir = join(checkout, '.beatwise', 'data');
		const e = parseEnv({ DATABASE_URL: t.url, BEATWISE_DEMO: '1', BEATWISE_DATA: dataDir });
		expect(existsSync(dataDir)).toBe(false);
		const lines: string[] = [];
		const loaded = await loadDemoOnStart(t.db, e, (l) => lines.push(l));
		expect(loaded).not.toBeNull();
		expect(loaded!.crime.imported).toBeGreaterThan(10_000);
		expect(loaded!.crime.rejected).toBe(0);
		// The timed source: every Chicago assault of districts 11 and 15 in 2018–2019 (ATTRIBUTION.md).
		expect(loaded!.timed).toMatchObject({ imported: 4488, rejected: 0, duplicate: 0 });
		expect(loaded!.areas).toContainEqual({ kind: 'district', count: 2 });
		expect(loaded!.areas).toContainEqual({ kind: 'beat', count: 24 });
		// The map's boundary layer starts on the first kind: one where most incidents are (London's
		// boroughs and LSOAs), not Chicago's beats, which sort first by name.
		const kinds = (await workspaceMeta(t.db)).areaKinds;
		expect(kinds.map((k) => k.kind).slice(0, 2)).toEqual(['borough', 'lsoa']);
		expect(kinds).toContainEqual({ kind: 'beat', count: 24 });

		const [{ n }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incidents`);
		expect(n).toBe(loaded!.crime.imported + loaded!.timed.imported);
		// The seeded board: yesterday's and today's late shift, three units each; visits only in the past.
		expect(loaded!.tasking!.taskings).toHaveLength(2);
		const [units] = await t.db.query<{ n: number; future: number }>(
			`SELECT (SELECT count(*)::int FROM shift_units) AS n,
			        (SELECT count(*)::int FROM patrol_visits WHERE ended_at > now()) AS future`
		);
		expect(units).toEqual({ n: 6, future: 0 });
		const file = join(dataDir, 'demo-credentials.txt');
		const saved = readFileSync(file, 'utf8').trim().split('\n');
		expect(saved.map((l) => l.split(/\s+/)[1])).toEqual(ROLES.map((r) => `demo-${r}`));
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(lines.some((l) => l.includes(file))).toBe(true);
	});

	it('loads nothing again on the next start', async () => {
		const dataDir = join(checkout, '.beatwise', 'data');
		const e = parseEnv({ DATABASE_URL: t.url, BEATWISE_DEMO: '1', BEATWISE_DATA: dataDir });
		const before = readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8');
		expect(await loadDemoOnStart(t.db, e, () => {})).toBeNull();
		expect(readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8')).toBe(before);
	});
});
