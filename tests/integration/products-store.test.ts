/**
 * The products store on both engines: draft → reviewed → published, published rows immutable in the
 * service and in the database (the trigger refuses UPDATE and DELETE whoever asks), corrections as new
 * versions, who reads what (audience, handling code, drafts, area limits), and the audit trail of every
 * step, list, view and download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import {
	createDraft,
	editDraft,
	getProduct,
	listProductsFor,
	newVersion,
	publishProduct,
	reviewProduct,
	type ProductActor
} from '../../src/lib/server/services/products';
import { scopeFor } from '../../src/lib/server/auth/read-scope';
import type { AuthUser } from '../../src/lib/server/auth/permissions';
import { ServiceError } from '../../src/lib/server/errors';
import type { ProductContent } from '../../src/lib/contracts/products';

const origin = { ip: '192.0.2.14', userAgent: 'vitest' };
const SQUARE = (x: number) =>
	`ST_Multi(ST_GeomFromText('POLYGON((${x} 51.5, ${x + 0.01} 51.5, ${x + 0.01} 51.51, ${x} 51.51, ${x} 51.5))', 4326))`;

const content = (n: number): ProductContent => ({
	summary: [`${n} burglaries in May 2024.`],
	blocks: [
		{
			kind: 'table',
			heading: 'Top concerns',
			table: { caption: 'Counts', columns: ['category', 'count'], rows: [['Burglary', n]] }
		}
	],
	parameters: { test: true }
});

async function expectError(p: Promise<unknown>, code: string, status: number): Promise<void> {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(ServiceError);
	expect((e as ServiceError).code).toBe(code);
	expect((e as ServiceError).status).toBe(status);
}

describe.each(engines())('the products store (%s)', (engine) => {
	let t: TestDatabase;
	const users: Record<string, AuthUser> = {};
	let areaA: number;
	let areaB: number;
	const actor = (u: AuthUser): ProductActor => ({ user: u, origin });
	const auditCount = async (action: string, object?: string) =>
		Number(
			(
				await t.db.query<{ n: number }>(
					`SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR object = $2)`,
					[action, object ?? null]
				)
			)[0].n
		);

	beforeAll(async () => {
		t = await createTestDatabase(engine);
		const [a] = await t.db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('lsoa', 'T001', 'Test North', ${SQUARE(-0.1)}) RETURNING id`
		);
		const [b] = await t.db.query<{ id: number }>(
			`INSERT INTO areas (kind, code, name, geom) VALUES ('lsoa', 'T002', 'Test South', ${SQUARE(-0.05)}) RETURNING id`
		);
		areaA = Number(a.id);
		areaB = Number(b.id);
		for (const [name, role, areas] of [
			['analyst', 'analyst', []],
			['community', 'community', [areaA]],
			['viewer', 'viewer', []],
			['limited', 'analyst', [areaB]]
		] as const) {
			const [u] = await t.db.query<{ id: number }>(
				`INSERT INTO users (username, display_name, password_hash, role, area_ids)
				 VALUES ($1, $2, 'x', $3, $4::jsonb) RETURNING id`,
				[`p-${name}`, `Test ${name}`, role, JSON.stringify(areas)]
			);
			users[name] = {
				id: Number(u.id),
				username: `p-${name}`,
				displayName: `Test ${name}`,
				role,
				areaIds: [...areas]
			};
		}
	}, 300_000);
	afterAll(async () => t?.drop());

	it('drafts, reviews and publishes; a published product cannot change, in the service or the database', async () => {
		const draft = await createDraft(
			t.db,
			{
				type: 'briefing',
				title: 'Test North, May 2024',
				area: 'lsoa:T001',
				period: { from: '2024-05-01', to: '2024-05-31', label: 'May 2024' },
				audience: 'public',
				dissemination: ['Ward panel'],
				content: content(7)
			},
			actor(users.community)
		);
		expect(draft).toMatchObject({
			status: 'draft',
			version: 1,
			audience: 'public',
			handlingCode: 'P',
			areaName: 'Test North',
			authorName: 'Test community'
		});
		const edited = await editDraft(t.db, draft.id, { content: content(8) }, actor(users.community));
		expect(edited.content.summary).toEqual(['8 burglaries in May 2024.']);
		// The community team may not review or publish.
		await expectError(reviewProduct(t.db, draft.id, actor(users.community)), 'E_FORBIDDEN', 403);
		await expectError(
			publishProduct(t.db, draft.id, actor(users.analyst)),
			'E_PRODUCT_STATUS',
			422
		);
		await reviewProduct(t.db, draft.id, actor(users.analyst));
		const published = await publishProduct(t.db, draft.id, actor(users.analyst));
		expect(published.status).toBe('published');
		expect(published.publishedByName).toBe('Test analyst');
		expect(await auditCount('product.publish', `product:${draft.id}`)).toBe(1);

		await expectError(
			editDraft(t.db, draft.id, { content: content(1) }, actor(users.analyst)),
			'E_PRODUCT_STATUS',
			422
		);
		// The database refuses too, whoever asks.
		await expect(
			t.db.query(`UPDATE products SET content = '{}'::jsonb WHERE id = $1`, [draft.id])
		).rejects.toThrow(/published and cannot be changed/);
		await expect(t.db.query(`DELETE FROM products WHERE id = $1`, [draft.id])).rejects.toThrow(
			/published and cannot be changed/
		);
		const again = await getProduct(t.db, draft.id, scopeFor(users.analyst, origin));
		expect(again.content.summary).toEqual(['8 burglaries in May 2024.']);

		// A correction is a new version; the published one stays, and knows its successor.
		const v2 = await newVersion(t.db, draft.id, { content: content(9) }, actor(users.analyst));
		expect(v2).toMatchObject({ version: 2, previousId: draft.id, status: 'draft' });
		const v1 = await getProduct(t.db, draft.id, scopeFor(users.analyst, origin));
		expect(v1.nextId).toBe(v2.id);
		expect(v1.content.summary).toEqual(['8 burglaries in May 2024.']);
		await expectError(
			newVersion(t.db, draft.id, {}, actor(users.analyst)),
			'E_PRODUCT_STATUS',
			422
		);
	});

	it('gives each reader only what they may read, and audits lists, views and downloads (refusals too)', async () => {
		const internal = await createDraft(
			t.db,
			{
				type: 'intelligence-memo',
				title: 'Memo on Test South',
				area: areaB,
				period: { from: '2024-01-01', to: '2024-06-30', label: 'H1 2024' },
				audience: 'internal',
				handlingCode: 'C',
				content: content(3)
			},
			actor(users.analyst)
		);
		// Community team: public products only; viewer: published only, no handling code C.
		await expectError(
			getProduct(t.db, internal.id, scopeFor(users.community, origin)),
			'E_FORBIDDEN',
			403
		);
		await expectError(
			getProduct(t.db, internal.id, scopeFor(users.viewer, origin)),
			'E_FORBIDDEN',
			403
		);
		expect(await auditCount('product.view', `product:${internal.id}`)).toBe(2);
		const limited = await getProduct(
			t.db,
			internal.id,
			scopeFor(users.limited, origin),
			'download'
		);
		expect(limited.id).toBe(internal.id);
		expect(await auditCount('product.download', `product:${internal.id}`)).toBe(1);

		const titles = async (u: AuthUser) =>
			(await listProductsFor(t.db, scopeFor(u, origin))).map((p) => p.title).sort();
		expect(await titles(users.analyst)).toEqual([
			'Memo on Test South',
			'Test North, May 2024',
			'Test North, May 2024'
		]);
		// Limited to Test South: nothing of Test North.
		expect(await titles(users.limited)).toEqual(['Memo on Test South']);
		// The community team sees the public briefing of their area, and its new draft version.
		expect(await titles(users.community)).toEqual(['Test North, May 2024', 'Test North, May 2024']);
		// The viewer: the published briefing only.
		expect(await titles(users.viewer)).toEqual(['Test North, May 2024']);
		expect(await auditCount('product.list')).toBe(4);
	});

	it('refuses bad requests with a message naming the field', async () => {
		const base = {
			type: 'briefing' as const,
			title: 'x',
			area: 'lsoa:T001',
			period: { from: '2024-05-01', to: '2024-05-31', label: 'May 2024' },
			audience: 'internal' as const,
			content: content(1)
		};
		const message = async (req: Record<string, unknown>, u = users.analyst) =>
			(
				(await createDraft(t.db, { ...base, ...req } as typeof base, actor(u)).catch(
					(e: unknown) => e
				)) as Error
			).message;
		expect(await message({ type: 'poem' })).toMatch(/^type: one of briefing/);
		expect(await message({ period: { from: '2024-06-01', to: '2024-05-01', label: 'x' } })).toMatch(
			/period: from must be on or before to/
		);
		expect(await message({ audience: 'public', handlingCode: 'C' })).toMatch(
			/handlingCode: a public product carries handling code P/
		);
		expect(await message({ area: 'lsoa:NOPE' })).toMatch(/area: no single area "lsoa:NOPE"/);
		expect(await message({}, users.community)).toMatch(/audience: your role drafts public/);
		expect(await message({ area: 'lsoa:T002', audience: 'public' }, users.community)).toMatch(
			/area: Test South is outside your account's areas/
		);
		expect(await message({}, users.viewer)).toMatch(/may not draft products/);
	});
});
