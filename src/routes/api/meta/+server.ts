import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDatabase } from '$lib/server/db';
import { workspaceMeta } from '$lib/server/services/meta';

export const GET: RequestHandler = async () => json(await workspaceMeta(await getDatabase()));
