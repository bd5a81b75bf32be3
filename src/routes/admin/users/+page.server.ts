import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import {
	AccountError,
	accountsForAdmin,
	createAccount,
	resetPassword,
	setAccountDisabled,
	updateAccount
} from '$lib/server/auth/accounts';
import { ROLES } from '$lib/server/auth/permissions';
import { auditOrigin, readFormData } from '$lib/server/auth/request';

export const load: PageServerLoad = async () => {
	const { users, areas } = await accountsForAdmin(await getDatabase());
	return { users, areas, roles: [...ROLES] };
};

const Id = z.coerce.number().int().positive().max(2_147_483_647);
const AreaIds = z.array(z.coerce.number().int().positive().max(2_147_483_647)).max(1000);

function formObject(form: FormData) {
	return {
		id: form.get('id') ?? undefined,
		username: form.get('username') ?? undefined,
		displayName: form.get('displayName') ?? undefined,
		role: form.get('role') ?? undefined,
		password: form.get('password') ?? undefined,
		areaIds: form.getAll('areaIds').filter((v) => v !== '')
	};
}

async function readForm(event: RequestEvent) {
	const form = await readFormData(event.request);
	if (!form) return null;
	return formObject(form);
}

function actorOf(event: RequestEvent) {
	const user = event.locals.user;
	if (!user) error(401, 'Sign in first.');
	return { actor: user, origin: auditOrigin(event) };
}

function problem(action: string, e: unknown) {
	if (e instanceof AccountError) {
		return fail(400, { action, message: e.message, code: e.code, field: e.field ?? null });
	}
	throw e;
}

function invalid(action: string, err: z.ZodError) {
	const first = err.issues[0];
	return fail(400, {
		action,
		message: `${first.path.join('.') || 'form'}: ${first.message}`,
		code: 'E_FORM',
		field: String(first.path[0] ?? '')
	});
}

const Create = z.object({
	username: z.string().trim().min(1, 'enter a username').max(64),
	displayName: z.string().trim().max(120).optional(),
	role: z.enum(ROLES, { message: `choose one of ${ROLES.join(', ')}` }),
	password: z.string().max(256).optional(),
	areaIds: AreaIds
});

const Update = z.object({
	id: Id,
	displayName: z.string().trim().min(1, 'enter a display name').max(120),
	role: z.enum(ROLES, { message: `choose one of ${ROLES.join(', ')}` }),
	areaIds: AreaIds
});

const ById = z.object({ id: Id });

export const actions: Actions = {
	create: async (event) => {
		const raw = await readForm(event);
		if (!raw) return fail(400, { action: 'create', message: 'Send the form.', code: 'E_FORM' });
		const parsed = Create.safeParse(raw);
		if (!parsed.success) return invalid('create', parsed.error);
		try {
			const r = await createAccount(await getDatabase(), parsed.data, actorOf(event));
			return {
				action: 'create',
				message: `Created ${r.user.username} (${r.user.role}).`,
				oneTimePassword: r.generated ? { username: r.user.username, password: r.password } : null
			};
		} catch (e) {
			return problem('create', e);
		}
	},
	update: async (event) => {
		const raw = await readForm(event);
		if (!raw) return fail(400, { action: 'update', message: 'Send the form.', code: 'E_FORM' });
		const parsed = Update.safeParse(raw);
		if (!parsed.success) return invalid('update', parsed.error);
		try {
			const { id, ...change } = parsed.data;
			const u = await updateAccount(await getDatabase(), id, change, actorOf(event));
			return { action: 'update', message: `Saved ${u.username}.` };
		} catch (e) {
			return problem('update', e);
		}
	},
	disable: async (event) => byId(event, 'disable'),
	enable: async (event) => byId(event, 'enable'),
	reset: async (event) => byId(event, 'reset')
};

async function byId(event: RequestEvent, action: 'disable' | 'enable' | 'reset') {
	const raw = await readForm(event);
	const parsed = ById.safeParse(raw ?? {});
	if (!parsed.success) return invalid(action, parsed.error);
	const ctx = actorOf(event);
	try {
		const db = await getDatabase();
		if (action === 'reset') {
			const r = await resetPassword(db, parsed.data.id, ctx);
			return {
				action,
				message: `New password for ${r.username}; their sessions have ended.`,
				oneTimePassword: r
			};
		}
		await setAccountDisabled(db, parsed.data.id, action === 'disable', ctx);
		return { action, message: action === 'disable' ? 'Account disabled.' : 'Account enabled.' };
	} catch (e) {
		return problem(action, e);
	}
}
