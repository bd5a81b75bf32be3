import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { AccountError, changeOwnPassword } from '$lib/server/auth/accounts';
import { auditOrigin, readFormData } from '$lib/server/auth/request';
import { MIN_PASSWORD_LENGTH } from '$lib/server/auth/password';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user || !locals.session) error(401, 'Sign in first.');
	return {
		account: {
			username: locals.user.username,
			displayName: locals.user.displayName,
			role: locals.user.role,
			areaLimited: locals.user.areaIds.length > 0,
			sessionExpiresAt: locals.session.expiresAt.toISOString()
		},
		minPasswordLength: MIN_PASSWORD_LENGTH
	};
};

export const actions: Actions = {
	password: async (event) => {
		const { locals } = event;
		if (!locals.user || !locals.session) error(401, 'Sign in first.');
		const form = await readFormData(event.request);
		const current = form?.get('current');
		const next = form?.get('next');
		const confirm = form?.get('confirm');
		if (typeof current !== 'string' || typeof next !== 'string' || typeof confirm !== 'string') {
			return fail(400, { message: 'Fill in the current password and the new one twice.' });
		}
		if (next !== confirm) return fail(400, { message: 'The two new passwords differ.' });
		try {
			await changeOwnPassword(
				await getDatabase(),
				locals.user,
				{ current, next },
				{ sessionId: locals.session.id, origin: auditOrigin(event) }
			);
		} catch (e) {
			if (e instanceof AccountError) return fail(400, { message: e.message, code: e.code });
			throw e;
		}
		return { done: true, message: 'Password changed. Your other sessions have been signed out.' };
	}
};
