import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { getDatabase } from '$lib/server/db';
import { SIGN_IN_FAILED, signIn } from '$lib/server/auth/accounts';
import { processSignInLimits, sessionPolicy } from '$lib/server/auth/context';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { controlCharacterProblem } from '$lib/control-characters';
import { auditOrigin, readFormData, safeNext } from '$lib/server/auth/request';

const SignInForm = z.object({
	username: z.string().trim().min(1).max(200),
	password: z.string().min(1).max(1024),
	next: z.string().max(2000).optional()
});

/** A wait as words: "40 seconds", "2 minutes". */
function waitText(ms: number): string {
	const s = Math.max(1, Math.ceil(ms / 1000));
	if (s < 120) return `${s} second${s === 1 ? '' : 's'}`;
	return `${Math.ceil(s / 60)} minutes`;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return { next };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readFormData(event.request);
		const raw = {
			username: form?.get('username') ?? '',
			password: form?.get('password') ?? '',
			next: form?.get('next') ?? undefined
		};
		const parsed = SignInForm.safeParse(raw);
		// Shown again in the form: never with control characters.
		const username =
			typeof raw.username === 'string' && !controlCharacterProblem(raw.username)
				? raw.username.slice(0, 200)
				: '';
		if (!parsed.success) {
			return fail(400, { message: 'Enter your username and password.', username });
		}
		const result = await signIn(await getDatabase(), parsed.data, {
			origin: auditOrigin(event),
			policy: sessionPolicy(),
			limits: processSignInLimits()
		});
		if (!result.ok) {
			if (result.reason === 'blocked') {
				return fail(429, {
					message: `Too many failed sign-ins. Try again in ${waitText(result.retryAfterMs)}.`,
					username
				});
			}
			if (result.reason === 'malformed')
				return fail(400, { message: result.message, username: '' });
			return fail(400, { message: SIGN_IN_FAILED, username });
		}
		setSessionCookie(event.cookies, result.session.token, result.session.expiresAt);
		redirect(303, safeNext(parsed.data.next));
	}
};
