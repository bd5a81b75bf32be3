import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';
import { SESSION_COOKIE, endSession } from '$lib/server/auth/session';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { recordAudit } from '$lib/server/auth/audit';
import { auditOrigin } from '$lib/server/auth/request';

/** Sign out: the session row is deleted (the cookie alone is worthless after this), then /login. */
export const POST: RequestHandler = async (event) => {
	const token = event.cookies.get(SESSION_COOKIE);
	const db = await getDatabase();
	if (token) await endSession(db, token);
	if (event.locals.user) {
		await recordAudit(db, {
			actor: event.locals.user,
			action: 'logout',
			origin: auditOrigin(event)
		});
	}
	clearSessionCookie(event.cookies);
	redirect(303, '/login');
};
