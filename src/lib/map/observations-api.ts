/**
 * Client of `/api/observations`: the observations in the map's box (and date range and area), checked
 * with the shared zod schema so a changed contract fails at the edge, not as a wrong map.
 */
import type { BBox } from '$lib/contracts/cells';
import {
	observationsAnswerSchema,
	observationsQueryToSearchParams,
	type ObservationsAnswer,
	type ObservationsQuery
} from '$lib/contracts/observations';
import { getParsed } from './loader';

/** The map's bounds as the API takes them: MapLibre's can run past ±180° and the poles when zoomed out. */
export function apiBbox([w, s, e, n]: readonly [number, number, number, number]): BBox {
	const lon = (v: number) => Math.max(-180, Math.min(180, v));
	const lat = (v: number) => Math.max(-90, Math.min(90, v));
	return [lon(w), lat(s), lon(e), lat(n)];
}

export function observationsUrl(q: ObservationsQuery): string {
	return `/api/observations?${observationsQueryToSearchParams(q)}`;
}

export async function fetchObservations(
	q: ObservationsQuery,
	signal?: AbortSignal
): Promise<ObservationsAnswer> {
	return getParsed(observationsAnswerSchema, observationsUrl(q), 'Loading observations', signal);
}
