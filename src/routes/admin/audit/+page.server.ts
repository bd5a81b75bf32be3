import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { controlCharacterProblem, escapeControlCharacters } from '$lib/control-characters';
import { getDatabase } from '$lib/server/db';
import { isIsoDate } from '$lib/dates';
import { auditContext, auditTrail } from '$lib/server/services/audit';

const PAGE_SIZE = 50;

const Day = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like 2024-05-31')
	.refine(isIsoDate, 'not a real date')
	.refine((s) => s >= '1900-01-01', 'use a date from 1900-01-01 on');

const Search = z.object({
	user: z
		.string()
		.trim()
		.max(200)
		.superRefine((v, ctx) => {
			const problem = controlCharacterProblem(v);
			if (problem) ctx.addIssue({ code: 'custom', message: problem });
		})
		.optional(),
	action: z
		.string()
		.trim()
		.max(100)
		.regex(/^[a-z0-9.-]*$/, 'actions are lower-case words with dots, like login.failure')
		.optional(),
	from: Day.optional(),
	to: Day.optional(),
	page: z.coerce.number().int().min(1).max(100_000).default(1)
});

/**
 * Audit search by user, action (exact, or a prefix ending in "."), date range (whole days, UTC), paged;
 * each entry as a readable line (who, what, which area and period, when), its stored detail beside it.
 */
export const load: PageServerLoad = async ({ url }) => {
	const raw = Object.fromEntries(
		['user', 'action', 'from', 'to', 'page']
			.map((k) => [k, url.searchParams.get(k) ?? undefined])
			.filter(([, v]) => v !== undefined && v !== '')
	);
	const parsed = Search.safeParse(raw);
	const db = await getDatabase();
	const { actions, blocks } = await auditContext(db);
	const filters = {
		user: typeof raw.user === 'string' ? escapeControlCharacters(raw.user) : '',
		action: typeof raw.action === 'string' ? raw.action : '',
		from: typeof raw.from === 'string' ? raw.from : '',
		to: typeof raw.to === 'string' ? raw.to : ''
	};
	if (!parsed.success) {
		const i = parsed.error.issues[0];
		return {
			filters,
			actions,
			blocks,
			error: `${i.path.join('.')}: ${i.message}`,
			rows: [],
			total: 0,
			page: 1,
			pageSize: PAGE_SIZE
		};
	}
	const q = parsed.data;
	const result = await auditTrail(db, { ...q, pageSize: PAGE_SIZE });
	return {
		filters,
		actions,
		blocks,
		error: null,
		rows: result.rows,
		total: result.total,
		page: q.page,
		pageSize: PAGE_SIZE
	};
};
