import type { PageServerLoad } from './$types';
import { readSnapshot } from '$lib/server/db';
import { homeAreaId } from '$lib/server/auth/areas';
import { recordViewRun } from '$lib/server/auth/analysis-audit';
import { readScope } from '$lib/server/auth/read-scope';
import { auditOrigin } from '$lib/server/auth/request';
import { workspaceMeta } from '$lib/server/services/meta';
import { attemptView } from '$lib/server/errors';
import { riskForShift } from '$lib/server/services/supervisor';
import { shiftName } from '$lib/contracts/shifts';

const num = (v: string | null) => (v !== null && v !== '' && Number.isFinite(+v) ? +v : undefined);

/**
 * `?area=12&shift=late&date=2020-12-31&halfLife=14&window=56&guard=0`: ranked risk cells for a shift;
 * without `area`, the account's home area; without `date`, today or the data's last day if earlier.
 */
export const load: PageServerLoad = (event) =>
	readSnapshot(async (db) => {
		const { url, locals } = event;
		const meta = await attemptView(() => workspaceMeta(db));
		const p = url.searchParams;
		// No area chosen: the account's own area (demo supervisor: the City of London).
		const home = locals.user ? homeAreaId(locals.user) : null;
		const area = p.get('area') || (home === null ? null : String(home));
		const shift = shiftName(p.get('shift'));
		const query = {
			area,
			shift,
			date: p.get('date') || undefined,
			halfLifeDays: num(p.get('halfLife')),
			windowDays: num(p.get('window')),
			biasGuard: p.get('guard') !== '0',
			withReports: p.get('reports') === '1'
		};
		const risk = area
			? await attemptView(() =>
					riskForShift(
						db,
						{ ...query, area },
						query.withReports ? readScope(locals, event) : undefined
					)
				)
			: { value: null, error: null };
		if (area) {
			const who = { actor: locals.user ?? null, origin: auditOrigin(event) };
			await recordViewRun(db, who, 'shift-risk', query, risk);
		}
		return { meta: meta.value, metaError: meta.error, risk: risk.value, riskError: risk.error };
	});
