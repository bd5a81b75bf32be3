/** Shared by the problem pages: the reader, and service errors as form failures. */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { readScope } from '$lib/server/auth/read-scope';
import { ServiceError } from '$lib/server/errors';

export function problemReader(
	event: Pick<RequestEvent, 'locals' | 'getClientAddress' | 'request'>
) {
	const scope = readScope(event.locals, event);
	return { userId: scope.user.id, areaIds: scope.areaIds };
}

/** Run a form action's service call; a ServiceError becomes a failure naming what to fix. */
export async function attempt<T>(fn: () => Promise<T>, done: (v: T) => string) {
	try {
		const v = await fn();
		return { done: true, message: done(v) };
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { done: false, message: e.message });
		throw e;
	}
}
