import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The administration home: the users page is the first thing an administrator needs. */
export const load: PageServerLoad = async () => redirect(303, '/admin/users');
