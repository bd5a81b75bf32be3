import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { homeAreaId } from '$lib/server/auth/areas';
import { attemptView } from '$lib/server/errors';
import { taskingAreas } from '$lib/server/services/tasking';
import {
	assessment,
	dosageReport,
	taskingFrequency,
	taskingHistory
} from '$lib/server/services/tasking-reports';

const day = (d: number) => new Date(d).toISOString().slice(0, 10);

/**
 * `?area=12&from=2024-01-01&to=2024-03-31&kind=ward`: dosage per shift and week, the tasking history,
 * tasking frequency per area of a kind beside its crime, and the assessment of the area's taskings.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	const db = await getDatabase();
	const p = url.searchParams;
	const areas = await taskingAreas(db, user);
	const area = Number(p.get('area')) || homeAreaId(user) || null;
	const to = p.get('to') || day(Date.now());
	const from = p.get('from') || day(Date.parse(to + 'T00:00:00Z') - 27 * 86_400_000);
	const kind =
		p.get('kind') || (areas.find((a) => a.id === area)?.kind ?? areas[0]?.kind ?? 'borough');
	const [dosage, history, frequency, assess] = await Promise.all([
		attemptView(() => dosageReport(db, user, area, from, to)),
		attemptView(() => taskingHistory(db, user, area)),
		attemptView(() => taskingFrequency(db, kind, from, to)),
		area
			? attemptView(() => assessment(db, user, area, from, to))
			: Promise.resolve({ value: null, error: null })
	]);
	return {
		areas,
		kinds: [...new Set(areas.map((a) => a.kind))],
		area,
		from,
		to,
		kind,
		dosage: dosage.value,
		history: history.value ?? [],
		frequency: frequency.value,
		assessment: assess.value,
		errors: [dosage.error, history.error, frequency.error, assess.error]
			.filter((e) => e !== null)
			.map((e) => e.message)
	};
};
