import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import type { Database } from '$lib/server/db/client';
import type { AuthUser } from '$lib/server/auth/permissions';
import type { AuditOrigin } from '$lib/server/auth/audit';
import { getDatabase } from '$lib/server/db';
import { readScope } from '$lib/server/auth/read-scope';
import { listProductsFor } from '$lib/server/services/products';
import { ServiceError } from '$lib/server/errors';
import { auditOrigin, readFormData } from '$lib/server/auth/request';
import { audienceFor } from '$lib/server/auth/disclosure';
import { draftBriefing } from '$lib/server/products/briefing';
import { draftTrendReport } from '$lib/server/products/trend-report';
import { draftAssessment, type AssessmentType } from '$lib/server/products/assessment';
import type { Product } from '$lib/server/services/products';
import { basemapSetting } from '$lib/server/basemap-style';
import { env } from '$lib/server/env';
import { ChromiumMissingError } from '$lib/server/products/chromium';
import { draftRoadEvaluation } from '$lib/server/products/road-evaluation';
import { roadEvaluationQuerySchema } from '$lib/contracts/road-safety';

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

type Drafter = (db: Database, user: AuthUser, origin: AuditOrigin) => Promise<Product>;

/** Run a product builder for the signed-in user, then open the draft (errors back to the form). */
async function drafted(event: RequestEvent, area: string, period: string, build: Drafter) {
	const user = event.locals.user;
	if (!user) error(401, 'Sign in first.');
	if (!area) return fail(400, { message: 'area: choose an area (kind:code)', area, period });
	let id: number;
	try {
		id = (await build(await getDatabase(), user, auditOrigin(event))).id;
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { message: e.message, area, period });
		if (e instanceof ChromiumMissingError) return fail(503, { message: e.message, area, period });
		throw e;
	}
	redirect(303, `/products/${id}`);
}

const unreadable = () =>
	fail(400, { message: 'The form could not be read.', area: '', period: '' });

export const actions: Actions = {
	/** Draft a community-safety briefing (the map picture is drawn now: this takes a while). */
	briefing: async (event) => {
		const form = await readFormData(event.request);
		if (!form) return unreadable();
		const area = String(form.get('area') ?? '').trim();
		const period = String(form.get('period') ?? '').trim();
		const user = event.locals.user;
		const audience =
			user && audienceFor(user) === 'public' ? 'public' : String(form.get('audience') ?? '');
		if (audience !== 'public' && audience !== 'internal')
			return fail(400, { message: 'audience: public or internal', area, period });
		return drafted(event, area, period, (db, u, origin) =>
			draftBriefing(
				db,
				{
					area,
					period,
					audience,
					threshold: env().suppressBelow,
					basemapStyle: basemapSetting().style
				},
				{ user: u, origin }
			)
		);
	},
	/** Draft a trend report for planners (internal). */
	trend: async (event) => {
		const form = await readFormData(event.request);
		if (!form) return unreadable();
		const area = String(form.get('area') ?? '').trim();
		const fromYear = Number(form.get('fromYear'));
		const toYear = Number(form.get('toYear'));
		return drafted(event, area, '', (db, user, origin) =>
			draftTrendReport(
				db,
				{ area, fromYear, toYear, basemapStyle: basemapSetting().style },
				{ user, origin }
			)
		);
	},
	/**
	 * Save a road-safety before/after evaluation as a product (internal): the same request as
	 * /api/analysis/road-safety, evaluated again here and frozen with its map and charts.
	 */
	roadSafety: async (event) => {
		const form = await readFormData(event.request);
		if (!form) return unreadable();
		const raw: Record<string, string> = {};
		for (const [k, v] of form.entries()) if (typeof v === 'string' && v.trim() !== '') raw[k] = v;
		const parsed = roadEvaluationQuerySchema.safeParse(raw);
		if (!parsed.success)
			return fail(400, {
				message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
				area: '',
				period: ''
			});
		const q = parsed.data;
		return drafted(event, q.site ?? `${q.lat},${q.lon}`, q.schemeDate, (db, user, origin) =>
			draftRoadEvaluation(
				db,
				{
					site:
						q.site !== undefined
							? { area: q.site }
							: { lon: q.lon!, lat: q.lat!, radiusM: q.radius! },
					control: q.control ?? null,
					schemeDate: q.schemeDate,
					periodDays: q.periodDays,
					gapDays: q.gapDays,
					confidence: q.confidence,
					basemapStyle: basemapSetting().style
				},
				{ user, origin }
			)
		);
	},
	/** Draft a threat assessment, risk analysis or intelligence memo (internal). */
	assessment: async (event) => {
		const form = await readFormData(event.request);
		if (!form) return unreadable();
		const area = String(form.get('area') ?? '').trim();
		const handlingCode = String(form.get('handlingCode') ?? 'P');
		if (handlingCode !== 'P' && handlingCode !== 'C')
			return fail(400, { message: 'handlingCode: P or C', area, period: '' });
		return drafted(event, area, '', (db, user, origin) =>
			draftAssessment(
				db,
				{
					type: String(form.get('type') ?? '') as AssessmentType,
					area,
					from: String(form.get('from') ?? ''),
					to: String(form.get('to') ?? ''),
					handlingCode,
					basemapStyle: basemapSetting().style
				},
				{ user, origin }
			)
		);
	}
};
