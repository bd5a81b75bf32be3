/**
 * The one client-side data loader of the pages: a JSON GET whose answer is parsed with the endpoint's
 * contract (zod schema), a state slot with loading and error states, and abort on a newer request.
 */
import type { z } from 'zod';
import { ApiError, failure } from './api';

/** A request's state as a page shows it. */
export type Loaded<T> = {
	state: 'idle' | 'loading' | 'ready' | 'error';
	value: T | null;
	error: string;
};

export const idle = <T>(): Loaded<T> => ({ state: 'idle', value: null, error: '' });

/** The message of a failure without the "X failed (400): " prefix (the page names what failed). */
export function messageOf(e: unknown): string {
	return e instanceof Error ? e.message.replace(/^.*failed \(\d+\): /, '') : String(e);
}

/** GET `url` as JSON; a refusal becomes an `ApiError` with the server's message. */
export async function getJson(url: string, what: string, signal?: AbortSignal): Promise<unknown> {
	const res = await fetch(url, { signal });
	if (res.status === 404 && !(res.headers.get('content-type') ?? '').includes('json')) {
		throw new ApiError(404, `${what} is not available on this server yet.`);
	}
	if (!res.ok) throw await failure(res, what);
	return res.json();
}

/** GET `url` and parse the answer with the endpoint's contract. */
export async function getParsed<S extends z.ZodType>(
	schema: S,
	url: string,
	what: string,
	signal?: AbortSignal
): Promise<z.output<S>> {
	return schema.parse(await getJson(url, what, signal));
}

/**
 * Run a request into a state slot: loading now, then ready or error. Returns the abort of this run
 * (call it when a newer request replaces it; an aborted run sets nothing).
 */
export function load<T>(
	set: (l: Loaded<T>) => void,
	run: (signal: AbortSignal) => Promise<T>
): () => void {
	const controller = new AbortController();
	set({ state: 'loading', value: null, error: '' });
	run(controller.signal)
		.then((value) => {
			if (!controller.signal.aborted) set({ state: 'ready', value, error: '' });
		})
		.catch((e: unknown) => {
			if (!controller.signal.aborted) set({ state: 'error', value: null, error: messageOf(e) });
		});
	return () => controller.abort();
}
