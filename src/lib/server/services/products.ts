/**
 * The products store (issue 14): intelligence products as stored objects — type, area, period, author,
 * handling code, audience, status (draft → reviewed → published), dissemination list, version — with
 * frozen content (`$lib/contracts/products`): the numbers, tables, text and map as drafted, never
 * recomputed. Published products are immutable (here, and in the database by a trigger); a correction is
 * a new version that names the one it replaces. Every creation, edit, review, publication, list, view
 * and download is audited.
 *
 * Other services and routes build a product's content and call `createDraft`; `review` and `publish`
 * need `products:publish`; reads go through `getProduct` / `listProductsFor` with the reader's scope.
 *
 * Who reads what (`mayRead`):
 * - a public-audience reader (community team) reads public-audience products only;
 * - handling code C only for readers allowed restricted records (`scope.restricted`);
 * - drafts and reviewed products only for those who may draft products (`products:create`);
 * - a reader limited to areas reads the products of those areas and of areas lying at least 90 % inside
 *   them (the neighbourhood view's rule).
 */
import { z } from 'zod';
import type { Database, Queryable } from '../db/client';
import {
	insertProduct,
	listProducts,
	markPublished,
	markReviewed,
	productById,
	updateDraft,
	type ProductRow,
	type ProductWithContent
} from '../db/queries/products';
import { findAreas } from '../db/queries/areas-study';
import { shareInsideAreas } from '../db/queries/areas-detail';
import { recordAudit, type AuditOrigin } from '../auth/audit';
import { hasPermission, type AuthUser } from '../auth/permissions';
import type { ReadScope } from '../auth/read-scope';
import { audienceFor } from '../auth/disclosure';
import {
	PRODUCT_AUDIENCES,
	PRODUCT_TYPES,
	productContentSchema,
	type ProductContent,
	type ProductType
} from '../../contracts/products';
import { isIsoDate } from '../../dates';
import { HANDLING_CODES } from '../../grading';
import { ServiceError } from '../errors';

export type { ProductRow } from '../db/queries/products';

/** Share of a product's area that must lie inside an area-limited reader's areas. */
export const PRODUCT_AREA_MIN_SHARE = 0.9;

/** Who does something to a product: a signed-in user, or the command line (`user` null). */
export interface ProductActor {
	user: AuthUser | null;
	origin: AuditOrigin;
	/** Shown as the author/reviewer/publisher when there is no user (e.g. "beatwise CLI"). */
	name?: string;
}

export interface Product extends ProductRow {
	type: ProductType;
	content: ProductContent;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (what: string) =>
	z
		.string()
		.regex(ISO_DAY, `${what}: a date written YYYY-MM-DD`)
		.refine(isIsoDate, `${what}: not a real date`);

/** What `createDraft` needs; every message names the field. */
export const draftRequestSchema = z
	.object({
		type: z.enum(PRODUCT_TYPES, { message: `type: one of ${PRODUCT_TYPES.join(', ')}` }),
		title: z.string().trim().min(1, 'title: required').max(300, 'title: at most 300 characters'),
		/** Area reference: id or kind:code. */
		area: z.union([z.string().trim().min(1, 'area: required'), z.number().int().positive()]),
		period: z.object({
			from: day('period.from'),
			to: day('period.to'),
			label: z.string().trim().min(1, 'period.label: required')
		}),
		audience: z.enum(PRODUCT_AUDIENCES, { message: 'audience: internal or public' }),
		handlingCode: z.enum(HANDLING_CODES, { message: 'handlingCode: P or C' }).default('P'),
		dissemination: z
			.array(z.string().trim().min(1).max(200, 'dissemination: entries of at most 200 characters'))
			.max(100, 'dissemination: at most 100 entries')
			.default([]),
		content: productContentSchema
	})
	.refine((r) => r.period.from <= r.period.to, {
		message: 'period: from must be on or before to',
		path: ['period']
	})
	.refine((r) => r.audience === 'internal' || r.handlingCode === 'P', {
		message: 'handlingCode: a public product carries handling code P',
		path: ['handlingCode']
	});
export type DraftRequest = z.input<typeof draftRequestSchema>;

/** A zod failure as one message naming the fields. */
function invalid(e: z.ZodError): ServiceError {
	const msg = e.issues
		.map((i) => (i.message.includes(':') ? i.message : `${i.path.join('.')}: ${i.message}`))
		.join('; ');
	return new ServiceError('E_PARAMETER', msg);
}

const actorName = (a: ProductActor) => a.user?.displayName ?? a.name ?? 'beatwise CLI';

function need(a: ProductActor, permission: 'products:create' | 'products:publish'): void {
	if (a.user && !hasPermission(a.user, permission))
		throw new ServiceError(
			'E_FORBIDDEN',
			permission === 'products:create'
				? 'Your role may not draft products.'
				: 'Your role may not review or publish products.',
			403
		);
}

function audit(
	db: Queryable,
	a: ProductActor,
	action: string,
	p: Pick<ProductRow, 'id' | 'type' | 'version' | 'status' | 'areaKind' | 'areaCode'>,
	detail: Record<string, unknown> = {}
): Promise<void> {
	return recordAudit(db, {
		actor: a.user,
		username: a.user ? undefined : actorName(a),
		action,
		object: `product:${p.id}`,
		detail: {
			type: p.type,
			version: p.version,
			status: p.status,
			area: `${p.areaKind}:${p.areaCode}`,
			...detail
		},
		origin: a.origin
	});
}

function asProduct(row: ProductWithContent): Product {
	return {
		...row,
		type: row.type as ProductType,
		content: productContentSchema.parse(row.content)
	};
}

/**
 * Store a new draft. A public-audience user (community team) may draft public products only.
 * @example
 * const p = await createDraft(db, { type: 'briefing', title: 'Bishopsgate, May 2024', area: 'lsoa:E01000001',
 *   period: { from: '2024-05-01', to: '2024-05-31', label: 'May 2024' }, audience: 'public', content }, actor);
 * p.status // 'draft'
 */
export async function createDraft(
	db: Database,
	request: DraftRequest,
	actor: ProductActor,
	previous?: Product
): Promise<Product> {
	need(actor, 'products:create');
	const parsed = draftRequestSchema.safeParse(request);
	if (!parsed.success) throw invalid(parsed.error);
	const r = parsed.data;
	if (actor.user && audienceFor(actor.user) === 'public' && r.audience !== 'public')
		throw new ServiceError(
			'E_FORBIDDEN',
			'audience: your role drafts public products only (audience public)',
			403
		);
	if (r.handlingCode === 'C' && actor.user && !hasPermission(actor.user, 'incidents:restricted'))
		throw new ServiceError(
			'E_FORBIDDEN',
			'handlingCode: your role may not draft products with handling code C',
			403
		);
	const { areas, missing } = await findAreas(db, [String(r.area)]);
	if (missing.length || areas.length !== 1)
		throw new ServiceError(
			'E_UNKNOWN_AREA',
			`area: no single area "${r.area}"; use an id or kind:code (e.g. lsoa:E01000001)`,
			404
		);
	const area = areas[0];
	if (actor.user?.areaIds.length && !(await insideAreas(db, area.id, actor.user.areaIds)))
		throw new ServiceError(
			'E_FORBIDDEN',
			`area: ${area.name} is outside your account's areas`,
			403
		);
	return db.transaction(async (tx) => {
		const id = await insertProduct(tx, {
			type: r.type,
			title: r.title,
			area: { id: area.id, kind: area.kind, code: area.code, name: area.name },
			period: r.period,
			author: { id: actor.user?.id ?? null, name: actorName(actor) },
			handlingCode: r.handlingCode,
			audience: r.audience,
			dissemination: r.dissemination,
			content: r.content,
			version: previous ? previous.version + 1 : 1,
			previousId: previous?.id ?? null
		});
		const p = asProduct((await productById(tx, id))!);
		await audit(tx, actor, 'product.create', p, previous ? { previous: previous.id } : {});
		return p;
	});
}

async function insideAreas(db: Queryable, areaId: number, within: number[]): Promise<boolean> {
	return (
		within.includes(areaId) ||
		(await shareInsideAreas(db, areaId, within)) >= PRODUCT_AREA_MIN_SHARE
	);
}

/** Whether `scope`'s reader may read `p` (the module comment gives the rules). */
export async function mayRead(db: Queryable, p: ProductRow, scope: ReadScope): Promise<boolean> {
	if (scope.audience === 'public' && p.audience !== 'public') return false;
	if (p.handlingCode !== 'P' && !scope.restricted) return false;
	if (p.status !== 'published' && !hasPermission(scope.user, 'products:create')) return false;
	if (scope.areaIds && !(await insideAreas(db, p.areaId, scope.areaIds))) return false;
	return true;
}

async function load(db: Queryable, id: number): Promise<Product> {
	const row = Number.isSafeInteger(id) && id > 0 ? await productById(db, id) : null;
	if (!row) throw new ServiceError('E_NOT_FOUND', `product ${id}: there is no such product`, 404);
	return asProduct(row);
}

/** One product for a reader, audited as a view or a download (also when refused, with 403). */
export async function getProduct(
	db: Database,
	id: number,
	scope: ReadScope,
	as: 'view' | 'download' = 'view'
): Promise<Product> {
	const p = await load(db, id);
	const allowed = await mayRead(db, p, scope);
	await scope.audit(db, as === 'view' ? 'product.view' : 'product.download', `product:${p.id}`, {
		type: p.type,
		version: p.version,
		status: p.status,
		area: `${p.areaKind}:${p.areaCode}`,
		refused: !allowed
	});
	if (!allowed)
		throw new ServiceError(
			'E_FORBIDDEN',
			`product ${id}: you may not read this product (its audience, handling code or area)`,
			403
		);
	return p;
}

/**
 * A product handed out by an operator without a read scope (the command line): audited as a download
 * by the actor.
 */
export async function recordProductDownload(
	db: Queryable,
	p: ProductRow,
	actor: ProductActor
): Promise<void> {
	await audit(db, actor, 'product.download', p, { audience: p.audience });
}

export interface ProductListFilter {
	type?: string;
	/** kind:code */
	area?: string;
}

/** The products a reader may read, by area and type (metadata only), audited. */
export async function listProductsFor(
	db: Database,
	scope: ReadScope,
	filter: ProductListFilter = {}
): Promise<ProductRow[]> {
	if (filter.type && !(PRODUCT_TYPES as readonly string[]).includes(filter.type))
		throw new ServiceError('E_PARAMETER', `type: one of ${PRODUCT_TYPES.join(', ')}`);
	let areaKind: string | undefined;
	let areaCode: string | undefined;
	if (filter.area) {
		const m = /^([a-z0-9_-]+):(.+)$/.exec(filter.area);
		if (!m) throw new ServiceError('E_PARAMETER', `area: kind:code (e.g. lsoa:E01000001)`);
		[, areaKind, areaCode] = m;
	}
	const rows = await listProducts(db, { type: filter.type, areaKind, areaCode });
	const out: ProductRow[] = [];
	for (const r of rows) if (await mayRead(db, r, scope)) out.push(r);
	await scope.audit(db, 'product.list', 'products', {
		filter,
		returned: out.length,
		products: out.map((p) => p.id)
	});
	return out;
}

/** Replace a draft's title, dissemination list and content (a reviewed product goes back to draft first). */
export async function editDraft(
	db: Database,
	id: number,
	change: { title?: string; dissemination?: string[]; content?: ProductContent },
	actor: ProductActor
): Promise<Product> {
	need(actor, 'products:create');
	return db.transaction(async (tx) => {
		const p = await load(tx, id);
		if (p.status !== 'draft')
			throw new ServiceError(
				'E_PRODUCT_STATUS',
				`product ${id} is ${p.status}: only a draft can be edited${p.status === 'published' ? '; publish a new version to correct it' : ''}`,
				422
			);
		const content = change.content ? productContentSchema.safeParse(change.content) : null;
		if (content && !content.success) throw invalid(content.error);
		const title = change.title?.trim() ?? p.title;
		if (!title) throw new ServiceError('E_PARAMETER', 'title: required');
		await updateDraft(tx, id, {
			title,
			dissemination: change.dissemination ?? p.dissemination,
			content: content?.data ?? p.content
		});
		const next = await load(tx, id);
		await audit(tx, actor, 'product.edit', next);
		return next;
	});
}

/** draft → reviewed. */
export async function reviewProduct(
	db: Database,
	id: number,
	actor: ProductActor
): Promise<Product> {
	need(actor, 'products:publish');
	return db.transaction(async (tx) => {
		const p = await load(tx, id);
		if (!(await markReviewed(tx, id, { id: actor.user?.id ?? null, name: actorName(actor) })))
			throw new ServiceError(
				'E_PRODUCT_STATUS',
				`product ${id} is ${p.status}: only a draft can be marked reviewed`,
				422
			);
		const next = await load(tx, id);
		await audit(tx, actor, 'product.review', next);
		return next;
	});
}

/** reviewed → published: from now on the product cannot change. */
export async function publishProduct(
	db: Database,
	id: number,
	actor: ProductActor
): Promise<Product> {
	need(actor, 'products:publish');
	return db.transaction(async (tx) => {
		const p = await load(tx, id);
		if (!(await markPublished(tx, id, { id: actor.user?.id ?? null, name: actorName(actor) })))
			throw new ServiceError(
				'E_PRODUCT_STATUS',
				p.status === 'published'
					? `product ${id} is already published`
					: `product ${id} is a draft: it must be reviewed before it is published`,
				422
			);
		const next = await load(tx, id);
		await audit(tx, actor, 'product.publish', next, {
			audience: next.audience,
			handlingCode: next.handlingCode,
			dissemination: next.dissemination
		});
		return next;
	});
}

/**
 * A correction: a new draft of a published product (version + 1, naming it as previous), with new
 * content or a copy of the old. The published version stays as it was.
 */
export async function newVersion(
	db: Database,
	id: number,
	change: { title?: string; content?: ProductContent; dissemination?: string[] },
	actor: ProductActor
): Promise<Product> {
	const p = await load(db, id);
	if (p.status !== 'published')
		throw new ServiceError(
			'E_PRODUCT_STATUS',
			`product ${id} is ${p.status}: edit the draft instead of making a new version`,
			422
		);
	if (p.nextId !== null)
		throw new ServiceError(
			'E_PRODUCT_STATUS',
			`product ${id} already has a newer version (product ${p.nextId}): correct that one`,
			422
		);
	return createDraft(
		db,
		{
			type: p.type,
			title: change.title ?? p.title,
			area: `${p.areaKind}:${p.areaCode}`,
			period: { from: p.periodFrom, to: p.periodTo, label: p.periodLabel },
			audience: p.audience,
			handlingCode: p.handlingCode,
			dissemination: change.dissemination ?? p.dissemination,
			content: change.content ?? p.content
		},
		actor,
		p
	);
}
