import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { auditOrigin, readFormData } from '$lib/server/auth/request';
import {
	editDraft,
	getProduct,
	newVersion,
	publishProduct,
	reviewProduct,
	type Product,
	type ProductActor
} from '$lib/server/services/products';
import { withFilledFields } from '$lib/server/products/fields';
import { ServiceError } from '$lib/server/errors';
import { PRODUCT_CSS, productArticle } from '$lib/server/products/document';

function productId(event: Pick<RequestEvent, 'params'>): number {
	const id = Number(event.params.id);
	if (!/^\d{1,15}$/.test(event.params.id) || !Number.isSafeInteger(id) || id < 1)
		error(404, `product ${event.params.id}: there is no such product`);
	return id;
}

/** The product as its reader may see it (audited as a view), rendered from its frozen content. */
export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	let p: Product;
	try {
		p = await getProduct(await getDatabase(), productId(event), scope);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
	const fields = p.content.blocks.flatMap((b, block) =>
		b.kind === 'fields' ? b.items.map((f, item) => ({ ...f, block, item })) : []
	);
	return {
		product: {
			id: p.id,
			title: p.title,
			type: p.type,
			status: p.status,
			version: p.version,
			audience: p.audience,
			previousId: p.previousId,
			nextId: p.nextId,
			dissemination: p.dissemination
		},
		fields,
		article: productArticle(p),
		css: PRODUCT_CSS
	};
};

function actor(event: RequestEvent): ProductActor {
	if (!event.locals.user) error(401, 'Sign in first.');
	return { user: event.locals.user, origin: auditOrigin(event) };
}

async function step(run: () => Promise<unknown>) {
	try {
		await run();
		return { ok: true };
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { message: e.message });
		throw e;
	}
}

export const actions: Actions = {
	/** The fields the team fills in (contact, next meeting, analyst's text) and the dissemination list. */
	edit: async (event) => {
		const id = productId(event);
		const form = await readFormData(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.' });
		const db = await getDatabase();
		return step(async () => {
			const p = await getProduct(db, id, readScope(event.locals, event));
			const values = new Map<string, string>();
			for (const [k, v] of form.entries())
				if (k.startsWith('field-') && typeof v === 'string') values.set(k.slice(6), v);
			const dissemination = String(form.get('dissemination') ?? '')
				.split(/\n|;/)
				.map((s) => s.trim())
				.filter(Boolean);
			await editDraft(
				db,
				id,
				{ content: withFilledFields(p.content, values), dissemination },
				actor(event)
			);
		});
	},
	review: async (event) => {
		const id = productId(event);
		return step(async () => reviewProduct(await getDatabase(), id, actor(event)));
	},
	publish: async (event) => {
		const id = productId(event);
		return step(async () => publishProduct(await getDatabase(), id, actor(event)));
	},
	/** A correction of a published product: a new draft version, then its page. */
	correct: async (event) => {
		const id = productId(event);
		const db = await getDatabase();
		let next: Product;
		try {
			await getProduct(db, id, readScope(event.locals, event));
			next = await newVersion(db, id, {}, actor(event));
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message });
			throw e;
		}
		redirect(303, `/products/${next.id}`);
	}
};
