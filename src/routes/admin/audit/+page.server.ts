import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { controlCharacterProblem, escapeControlCharacters } from '$lib/control-characters';
import { getDatabase } from '$lib/server/db';
import { auditActions, searchAudit } from '$lib/server/db/queries/audit';
import { describeAudit } from '$lib/server/auth/audit-view';

const PAGE_SIZE = 50;

const Day = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like 2024-05-31')
	.refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real date')
	.refine((s) => s >= '1900-01-01', 'use a date from 1900-01-01 on');

/** The start of the day after `day`, or undefined past year 9999 (no upper bound then). */
function dayAfter(day: string): Date | undefined {
	const d = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
	return d.getUTCFullYear() > 9999 ? undefined : d;
}

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
	const actions = await auditActions(db);
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
			error: `${i.path.join('.')}: ${i.message}`,
			rows: [],
			total: 0,
			page: 1,
			pageSize: PAGE_SIZE
		};
	}
	const q = parsed.data;
	const to = q.to ? dayAfter(q.to) : undefined;
	const result = await searchAudit(db, {
		username: q.user || undefined,
		action: q.action || undefined,
		from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
		to,
		page: q.page,
		pageSize: PAGE_SIZE
	});
	return {
		filters,
		actions,
		error: null,
		rows: result.rows.map((r) => ({ ...describeAudit(r), object: r.object })),
		total: result.total,
		page: q.page,
		pageSize: PAGE_SIZE
	};
};
