/**
 * Issue 11 (one contract per endpoint) for the import page's service, on both engines: upload →
 * proposed mapping → dry run → import → progress, each answer as sent (JSON) read by the contract the
 * page parses it with (`contracts/imports.ts`), key for key, so the service and the page cannot drift.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import {
	dryRunSchema,
	importIdSchema,
	importRequestSchema,
	importRunSchema,
	uploadProposalSchema
} from '../../src/lib/contracts/imports';
import {
	dryRunUpload,
	importRun,
	proposeForUpload,
	saveUpload,
	startUploadImport
} from '../../src/lib/server/services/imports';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';

const DIR = resolve('tests/fixtures/imports');
const ANALYST = { id: 42, username: 'analyst-contracts' };
const ORIGIN = { ip: null, userAgent: 'contracts test' };

/** The answer as the page receives it, read by `schema`: the same, key for key. */
function onTheWire<S extends z.ZodType>(schema: S, answer: unknown): z.output<S> {
	const wire = JSON.parse(JSON.stringify(answer));
	const parsed = schema.parse(wire);
	expect(parsed).toEqual(wire);
	return parsed;
}

describe.each(engines())('import service answers and their contracts on %s', (engine) => {
	let t: TestDatabase;
	let uploads: string;
	const before = process.env.BEATWISE_UPLOAD_DIR;

	beforeAll(async () => {
		uploads = mkdtempSync(join(tmpdir(), 'beatwise-uploads-'));
		process.env.BEATWISE_UPLOAD_DIR = uploads;
		t = await createTestDatabase(engine);
	}, 120_000);

	afterAll(async () => {
		if (before === undefined) delete process.env.BEATWISE_UPLOAD_DIR;
		else process.env.BEATWISE_UPLOAD_DIR = before;
		await t?.drop();
		rmSync(uploads, { recursive: true, force: true });
	});

	it('upload, dry run and import answer what the page parses', async () => {
		const csv = readFileSync(join(DIR, 'placeholders.csv'));
		const token = saveUpload(ANALYST.id, 'placeholders.csv', new Uint8Array(csv));
		expect(importIdSchema.safeParse(token).success).toBe(true);

		const proposal = onTheWire(
			uploadProposalSchema,
			await proposeForUpload(t.db, ANALYST.id, token)
		);
		expect(proposal.columns.map((c) => c.name)).toEqual(['id', 'when', 'type', 'lon', 'lat']);
		expect(proposal.saved).toBeNull();

		const request = importRequestSchema.parse({
			token,
			mapping: readFileSync(join(DIR, 'placeholders.json'), 'utf8')
		});
		const dry = onTheWire(
			dryRunSchema,
			await dryRunUpload(t.db, ANALYST.id, request.token, request.mapping)
		);
		expect(dry).toMatchObject({ total: 4, imported: 4, rejected: 0, sourceExists: false });

		const started = onTheWire(
			importRunSchema,
			startUploadImport(t.db, { actor: ANALYST, origin: ORIGIN }, request.token, request.mapping)
		);
		expect(started).toMatchObject({ id: token, status: 'running', summary: null });
		expect(started).not.toHaveProperty('userId');

		// Poll as the page does, until the import has finished.
		await vi.waitFor(() => expect(importRun(ANALYST.id, token)?.status).not.toBe('running'), {
			timeout: 60_000,
			interval: 50
		});
		const done = onTheWire(importRunSchema, importRun(ANALYST.id, token));
		expect(done.status).toBe('complete');
		expect(done.summary).toMatchObject({ total: 4, imported: 4, failed: [] });
		// Someone else's poll finds nothing.
		expect(importRun(ANALYST.id + 1, token)).toBeNull();

		// The kept mapping is proposed for a file of the same shape (headers compared loosely)…
		const propose = async (name: string, text: string) =>
			(await proposeForUpload(t.db, ANALYST.id, saveUpload(ANALYST.id, name, Buffer.from(text))))
				.saved;
		expect(
			(await propose('next.csv', 'ID,When,Type,Lon,Lat\nP9,2024-02-01 10:00,THEFT,-87.6,41.8\n'))
				?.source
		).toBe('fixture placeholders');
		// …not for another file that merely has the columns it reads among many it never saw.
		expect(
			await propose(
				'other.csv',
				'id,when,type,lon,lat,officer,beat,unit,shift,remarks,ward\n' +
					'X1,2024-02-01 10:00,THEFT,-87.6,41.8,A,1,2,late,none,3\n'
			)
		).toBeNull();
	}, 120_000);

	it('refuses a request without a token or mapping with the field named', () => {
		const r = importRequestSchema.safeParse({ mapping: 5 });
		expect(r.success).toBe(false);
		expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['token', 'mapping']);
		expect(importIdSchema.safeParse('../../etc/passwd').success).toBe(false);
	});
});
