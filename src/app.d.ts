// See https://svelte.dev/docs/kit/types#app.d.ts
import type { AuthUser } from '$lib/server/auth/permissions';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			/** The signed-in user, set by `handle` from the session cookie; null when anonymous. */
			user: AuthUser | null;
			session: { id: string; expiresAt: Date } | null;
		}
	}
}

export {};
