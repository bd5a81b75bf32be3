import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { listProductsFor } from '$lib/server/services/products';
import { ServiceError } from '$lib/server/services/errors';
import { auditOrigin, readFormData } from '$lib/server/auth/request';
import { audienceFor } from '$lib/server/auth/disclosure';
import { draftBriefing } from '$lib/server/products/briefing';
import { basemapSetting } from '$lib/server/basemap-style';
import { env } from '$lib/server/env';
import { ChromiumMissingError } from '$lib/server/products/chromium';

/**
 * `?area=kind:code&type=briefing`: the products the signed-in user may read, by area and type (the
 * products service decides which, and audits the list).
 */
export const load: PageServerLoad = async (event) => {
	const scope = readScope(event.locals, event);
	const filter = {
		area: event.url.searchParams.get('area') || undefined,
		type: event.url.searchParams.get('type') || undefined
	};
	try {
		const products = await listProductsFor(await getDatabase(), scope, filter);
		// `?briefing=kind:code&period=YYYY-MM` (the neighbourhood page's link) fills in the form.
		const draft = {
			area: event.url.searchParams.get('briefing') ?? '',
			period: event.url.searchParams.get('period') ?? '',
			publicOnly: audienceFor(scope.user) === 'public'
		};
		return { products, filter, draft };
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};

export const actions: Actions = {
	/** Draft a community-safety briefing (the map picture is drawn now: this takes a while). */
	briefing: async (event) => {
		const user = event.locals.user;
		if (!user) error(401, 'Sign in first.');
		const form = await readFormData(event.request);
		if (!form) return fail(400, { message: 'The form could not be read.', area: '', period: '' });
		const area = String(form.get('area') ?? '').trim();
		const period = String(form.get('period') ?? '').trim();
		const audience = audienceFor(user) === 'public' ? 'public' : String(form.get('audience') ?? '');
		if (!area)
			return fail(400, { message: 'area: choose a neighbourhood (kind:code)', area, period });
		if (audience !== 'public' && audience !== 'internal')
			return fail(400, { message: 'audience: public or internal', area, period });
		let id: number;
		try {
			const p = await draftBriefing(
				await getDatabase(),
				{
					area,
					period,
					audience,
					threshold: env().suppressBelow,
					basemapStyle: basemapSetting().style
				},
				{ user, origin: auditOrigin(event) }
			);
			id = p.id;
		} catch (e) {
			if (e instanceof ServiceError) return fail(e.status, { message: e.message, area, period });
			if (e instanceof ChromiumMissingError) return fail(503, { message: e.message, area, period });
			throw e;
		}
		redirect(303, `/products/${id}`);
	}
};
