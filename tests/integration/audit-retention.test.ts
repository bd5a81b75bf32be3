/**
 * Audit retention (issue 10, finding 5), on both engines: `audit_log` is partitioned by month, each
 * entry lands in its month's partition (created on first use), no partition can be updated, deleted
 * from or truncated, and a closed month is archived by detaching its partition whole — which stays
 * append-only on its own — never by deleting rows. The current month cannot be detached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { recordAudit } from '../../src/lib/server/auth/audit';
import { searchAudit } from '../../src/lib/server/db/queries/audit';

const origin = { ip: '192.0.2.91', userAgent: 'vitest' };

describe.each(engines())('audit retention on %s', (engine) => {
	let t: TestDatabase;
	const month = (d: Date) =>
		`audit_log_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

	beforeAll(async () => {
		t = await createTestDatabase(engine);
	});
	afterAll(async () => t?.drop());

	it('is partitioned by month, and an entry lands in its month’s partition', async () => {
		const [p] = await t.db.query<{ strategy: string; key: string }>(
			`SELECT partstrat AS strategy, pg_get_partkeydef('audit_log'::regclass) AS key
			 FROM pg_partitioned_table WHERE partrelid = 'audit_log'::regclass`
		);
		expect(p).toEqual({ strategy: 'r', key: 'RANGE (at)' });
		await recordAudit(t.db, { actor: null, action: 'test.retention', origin });
		const [row] = await t.db.query<{ part: string; at: string | Date }>(
			`SELECT tableoid::regclass::text AS part, at FROM audit_log WHERE action = 'test.retention'`
		);
		expect(row.part).toBe(month(new Date(row.at)));
	});

	it('refuses UPDATE, DELETE and TRUNCATE on a partition itself', async () => {
		const part = month(new Date());
		await expect(t.db.query(`UPDATE ${part} SET action = 'forged'`)).rejects.toThrow(/append-only/);
		await expect(t.db.query(`DELETE FROM ${part}`)).rejects.toThrow(/append-only/);
		await expect(t.db.query(`TRUNCATE ${part}`)).rejects.toThrow(/append-only/);
		await expect(t.db.query(`TRUNCATE audit_log_default`)).rejects.toThrow(/append-only/);
	});

	it('archives a closed month by detaching it whole; the detached table stays append-only', async () => {
		await t.db.query(`SELECT audit_log_partition_for('2024-03-15T12:00:00Z')`);
		await t.db.query(
			`INSERT INTO audit_log (at, action, object) VALUES ('2024-03-15T12:00:00Z', 'test.old', 'march')`
		);
		const before = await searchAudit(t.db, { action: 'test.old', page: 1, pageSize: 10 });
		expect(before.rows.map((r) => r.object)).toEqual(['march']);
		const [d] = await t.db.query<{ part: string }>(
			`SELECT audit_log_detach_month('2024-03-01') AS part`
		);
		expect(d.part).toBe('audit_log_y2024m03');
		// Out of the live trail, whole and unchanged in the detached table, ready to dump.
		expect((await searchAudit(t.db, { action: 'test.old', page: 1, pageSize: 10 })).total).toBe(0);
		const kept = await t.db.query<{ object: string }>(`SELECT object FROM audit_log_y2024m03`);
		expect(kept).toEqual([{ object: 'march' }]);
		await expect(t.db.query(`DELETE FROM audit_log_y2024m03`)).rejects.toThrow(/append-only/);
		await expect(t.db.query(`UPDATE audit_log_y2024m03 SET object = 'x'`)).rejects.toThrow(
			/append-only/
		);
		await expect(t.db.query(`TRUNCATE audit_log_y2024m03`)).rejects.toThrow(/append-only/);
		// The month still being written cannot be archived.
		await expect(t.db.query(`SELECT audit_log_detach_month(now()::date)`)).rejects.toThrow(
			/not a closed month/
		);
	});
});
