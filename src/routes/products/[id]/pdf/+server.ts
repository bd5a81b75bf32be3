import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { getProduct } from '$lib/server/services/products';
import { productPdf } from '$lib/server/products/pdf';
import { ServiceError } from '$lib/server/errors';
import { ChromiumMissingError } from '$lib/server/products/chromium';

/** The product's PDF: Chromium's print of the product document, audited as a download. */
export const GET: RequestHandler = async (event) => {
	const scope = readScope(event.locals, event);
	if (!/^\d{1,15}$/.test(event.params.id))
		error(404, `product ${event.params.id}: there is no such product`);
	try {
		const p = await getProduct(await getDatabase(), Number(event.params.id), scope, 'download');
		const { pdf, filename } = await productPdf(p);
		return new Response(new Uint8Array(pdf), {
			headers: {
				'content-type': 'application/pdf',
				'content-disposition': `attachment; filename="${filename}"`,
				'cache-control': 'private, no-store'
			}
		});
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		if (e instanceof ChromiumMissingError) error(503, e.message);
		throw e;
	}
};
