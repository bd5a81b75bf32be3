import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';
import { ServiceError } from '$lib/server/errors';
import { unitOrders } from '$lib/server/services/tasking';
import { printToPdf } from '$lib/server/export/pdf';

/**
 * `/tasking/5/orders.pdf?unit=3`: the unit's printable orders as PDF, printed by Chromium from the
 * orders page with the caller's own session (so the PDF shows exactly what the caller may see).
 */
export const GET: RequestHandler = async ({ params, url, locals, request }) => {
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	const id = Number(params.id);
	const unit = Number(url.searchParams.get('unit'));
	if (!Number.isInteger(id) || id <= 0) error(400, 'tasking: must be a tasking id');
	if (!Number.isInteger(unit) || unit <= 0) error(400, 'unit: add ?unit= with a unit id');
	let callSign: string;
	try {
		callSign = (await unitOrders(await getDatabase(), user, id, unit)).unit.callSign;
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
	const pdf = await printToPdf(
		new URL(`/tasking/${id}/print?unit=${unit}`, url.origin).toString(),
		request.headers.get('cookie') ?? ''
	);
	return new Response(new Uint8Array(pdf), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `inline; filename="orders-${callSign.replace(/[^A-Za-z0-9-]/g, '_')}-${id}.pdf"`,
			'cache-control': 'no-store'
		}
	});
};
