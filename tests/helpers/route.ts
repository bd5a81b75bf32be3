/** Calling a route's GET handler directly, as SvelteKit would, for service-level integration tests. */

export interface RouteAnswer {
	status: number;
	body: { message: string } & Record<string, unknown>;
}

/**
 * GET `path` through `handler` with an anonymous request event (the analysis routes audit each run,
 * so they need the event's user, request and client address); SvelteKit's thrown errors become answers.
 */
export async function getRoute(
	handler: (event: never) => Response | Promise<Response>,
	path: string
): Promise<RouteAnswer> {
	const url = new URL(path, 'http://localhost');
	try {
		const res = await handler({
			url,
			locals: { user: null },
			request: new Request(url),
			getClientAddress: () => '127.0.0.1'
		} as never);
		return { status: res.status, body: await res.json() };
	} catch (err) {
		const x = err as { status: number; body: { message: string } };
		return { status: x.status, body: x.body };
	}
}
