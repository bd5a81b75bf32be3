import type { LayoutServerLoad } from './$types';
import { sessionUserView } from '$lib/server/auth/permissions';

/** The signed-in user (name, role, permissions) for every page; use `can(data.user, …)` to hide UI. */
export const load: LayoutServerLoad = async ({ locals }) => ({
	user: locals.user ? sessionUserView(locals.user) : null
});
