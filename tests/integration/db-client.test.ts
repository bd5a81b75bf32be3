/** The one database interface behaves the same on both engines. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';

for (const engine of engines()) {
	describe(`database client (${engine})`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await createTestDatabase(engine);
		});
		afterAll(async () => {
			await t?.drop();
		});

		it('has PostGIS and the h3_parent function', async () => {
			const [r] = await t.db.query<{ p: string; srid: number }>(
				`SELECT to_hex(h3_parent(x'8a2a1072b59ffff'::bigint, 8)) AS p,
				        ST_SRID(ST_SetSRID(ST_MakePoint(0, 0), 4326)) AS srid`
			);
			// h3-js: cellToParent('8a2a1072b59ffff', 8) === '882a1072b5fffff'
			expect(r.p).toBe('882a1072b5fffff');
			expect(Number(r.srid)).toBe(4326);
		});

		it('passes arrays as parameters', async () => {
			const rows = await t.db.query<{ v: string }>(`SELECT unnest($1::text[]) AS v`, [
				['a', 'b "quoted"', 'c\\d', null]
			]);
			expect(rows.map((r) => r.v)).toEqual(['a', 'b "quoted"', 'c\\d', null]);
		});

		it('rolls back a transaction whose COPY the server refuses, with an error', async () => {
			await expect(
				t.db.transaction(async (tx) => {
					await tx.query(
						`INSERT INTO sources (name, kind, category) VALUES ('before', 'open', 'x')`
					);
					// The same name twice violates sources.name's unique constraint.
					await tx.copyIn('sources', ['name', 'kind', 'category'], 'dup\topen\tx\ndup\topen\tx\n');
				})
			).rejects.toThrow();
			const rows = await t.db.query(`SELECT name FROM sources WHERE name IN ('before', 'dup')`);
			expect(rows).toEqual([]);
			await t.db.transaction((tx) =>
				tx.copyIn('sources', ['name', 'kind', 'category'], 'after\topen\tx\n')
			);
			const after = await t.db.query<{ name: string }>(
				`SELECT name FROM sources WHERE name = 'after'`
			);
			expect(after).toEqual([{ name: 'after' }]);
		});

		it('refuses to change the audit log', async () => {
			await t.db.query(`INSERT INTO audit_log (action, object) VALUES ('test', 'x')`);
			await expect(t.db.query(`UPDATE audit_log SET action = 'changed'`)).rejects.toThrow(
				/append-only/
			);
			await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
		});
	});
}

describe('opening a database that is not there', () => {
	it('says which server could not be reached and what to do, hiding the password', async () => {
		const { openDatabase } = await import('../../src/lib/server/db/client');
		const err = await openDatabase({
			databaseUrl: 'postgres://someone:secret@127.0.0.1:1/nowhere'
		}).catch((e) => e);
		expect(err.code).toBe('E_DB_UNREACHABLE');
		expect(err.message).toMatch(
			/Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1/
		);
		expect(err.message).not.toMatch(/secret/);
		expect(err.message).toMatch(/DATABASE_URL/);
	});
});
