/**
 * Intelligence products (products): insert drafts, move them through review and publication, read them.
 * A published row cannot be updated or deleted (trigger `products_published_immutable`, migration
 * 0011); the updates here name the status they expect, so a row that moved on meanwhile is not touched.
 */
import type { Queryable } from '../client';

export interface ProductRow {
	id: number;
	type: string;
	title: string;
	areaId: number;
	areaKind: string;
	areaCode: string;
	areaName: string;
	periodFrom: string;
	periodTo: string;
	periodLabel: string;
	authorId: number | null;
	authorName: string;
	handlingCode: 'P' | 'C';
	audience: 'internal' | 'public';
	status: 'draft' | 'reviewed' | 'published';
	dissemination: string[];
	version: number;
	previousId: number | null;
	/** The id of the version that replaces this one, if any. */
	nextId: number | null;
	createdAt: string;
	updatedAt: string;
	reviewedByName: string | null;
	reviewedAt: string | null;
	publishedByName: string | null;
	publishedAt: string | null;
}

export interface ProductWithContent extends ProductRow {
	content: unknown;
}

const COLUMNS = `p.id, p.type, p.title, p.area_id, p.area_kind, p.area_code, p.area_name,
	p.period_from::text AS period_from, p.period_to::text AS period_to, p.period_label, p.author_id,
	p.author_name, p.handling_code, p.audience, p.status, p.dissemination, p.version, p.previous_id,
	(SELECT n.id FROM products n WHERE n.previous_id = p.id) AS next_id, p.created_at, p.updated_at,
	p.reviewed_by_name, p.reviewed_at, p.published_by_name, p.published_at`;

const iso = (v: unknown): string | null =>
	v === null || v === undefined ? null : new Date(v as string).toISOString();
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function toRow(r: Record<string, unknown>): ProductRow {
	return {
		id: Number(r.id),
		type: String(r.type),
		title: String(r.title),
		areaId: Number(r.area_id),
		areaKind: String(r.area_kind),
		areaCode: String(r.area_code),
		areaName: String(r.area_name),
		periodFrom: String(r.period_from),
		periodTo: String(r.period_to),
		periodLabel: String(r.period_label),
		authorId: num(r.author_id),
		authorName: String(r.author_name),
		handlingCode: r.handling_code as ProductRow['handlingCode'],
		audience: r.audience as ProductRow['audience'],
		status: r.status as ProductRow['status'],
		dissemination: json(r.dissemination) as string[],
		version: Number(r.version),
		previousId: num(r.previous_id),
		nextId: num(r.next_id),
		createdAt: iso(r.created_at)!,
		updatedAt: iso(r.updated_at)!,
		reviewedByName: (r.reviewed_by_name as string | null) ?? null,
		reviewedAt: iso(r.reviewed_at),
		publishedByName: (r.published_by_name as string | null) ?? null,
		publishedAt: iso(r.published_at)
	};
}

export interface NewProduct {
	type: string;
	title: string;
	area: { id: number; kind: string; code: string; name: string };
	period: { from: string; to: string; label: string };
	author: { id: number | null; name: string };
	handlingCode: 'P' | 'C';
	audience: 'internal' | 'public';
	dissemination: string[];
	content: unknown;
	version?: number;
	previousId?: number | null;
}

export async function insertProduct(db: Queryable, p: NewProduct): Promise<number> {
	const [row] = await db.query<{ id: number }>(
		`INSERT INTO products (type, title, area_id, area_kind, area_code, area_name, period_from,
		   period_to, period_label, author_id, author_name, handling_code, audience, dissemination,
		   content, version, previous_id)
		 VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10, $11, $12, $13, $14::jsonb,
		   $15::jsonb, $16, $17)
		 RETURNING id`,
		[
			p.type,
			p.title,
			p.area.id,
			p.area.kind,
			p.area.code,
			p.area.name,
			p.period.from,
			p.period.to,
			p.period.label,
			p.author.id,
			p.author.name,
			p.handlingCode,
			p.audience,
			JSON.stringify(p.dissemination),
			JSON.stringify(p.content),
			p.version ?? 1,
			p.previousId ?? null
		]
	);
	return Number(row.id);
}

export async function productById(db: Queryable, id: number): Promise<ProductWithContent | null> {
	const [r] = await db.query(`SELECT ${COLUMNS}, p.content FROM products p WHERE p.id = $1`, [id]);
	return r ? { ...toRow(r), content: json(r.content) } : null;
}

/** Every product's metadata (no content), by area, type and newest first. */
export async function listProducts(
	db: Queryable,
	f: { type?: string; areaKind?: string; areaCode?: string; limit?: number } = {}
): Promise<ProductRow[]> {
	const rows = await db.query(
		`SELECT ${COLUMNS} FROM products p
		 WHERE ($1::text IS NULL OR p.type = $1) AND ($2::text IS NULL OR p.area_kind = $2)
		   AND ($3::text IS NULL OR p.area_code = $3)
		 ORDER BY p.area_name, p.area_kind, p.area_code, p.type, p.period_to DESC, p.id DESC
		 LIMIT $4`,
		[f.type ?? null, f.areaKind ?? null, f.areaCode ?? null, f.limit ?? 1000]
	);
	return rows.map(toRow);
}

/** Replace a draft's content, title and dissemination list; false when it is no longer a draft. */
export async function updateDraft(
	db: Queryable,
	id: number,
	p: { title: string; dissemination: string[]; content: unknown }
): Promise<boolean> {
	const rows = await db.query(
		`UPDATE products SET title = $2, dissemination = $3::jsonb, content = $4::jsonb, updated_at = now()
		 WHERE id = $1 AND status = 'draft' RETURNING id`,
		[id, p.title, JSON.stringify(p.dissemination), JSON.stringify(p.content)]
	);
	return rows.length === 1;
}

/** draft → reviewed; false when the product was not a draft. */
export async function markReviewed(
	db: Queryable,
	id: number,
	by: { id: number | null; name: string }
): Promise<boolean> {
	const rows = await db.query(
		`UPDATE products SET status = 'reviewed', reviewed_by_id = $2, reviewed_by_name = $3,
		   reviewed_at = now(), updated_at = now()
		 WHERE id = $1 AND status = 'draft' RETURNING id`,
		[id, by.id, by.name]
	);
	return rows.length === 1;
}

/** reviewed → published; false when the product was not reviewed. */
export async function markPublished(
	db: Queryable,
	id: number,
	by: { id: number | null; name: string }
): Promise<boolean> {
	const rows = await db.query(
		`UPDATE products SET status = 'published', published_by_id = $2, published_by_name = $3,
		   published_at = now(), updated_at = now()
		 WHERE id = $1 AND status = 'reviewed' RETURNING id`,
		[id, by.id, by.name]
	);
	return rows.length === 1;
}
