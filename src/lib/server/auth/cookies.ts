/** The session cookie: HttpOnly, Secure, SameSite=Lax, path /, lasting until the session's expiry. */
import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from './session';

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date): void {
	// Secure also on http://127.0.0.1 and localhost: browsers treat loopback as a secure context.
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		secure: true,
		sameSite: 'lax',
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}
