/**
 * Client of the workspace API: meta, cells (binary transport) and area boundaries. Every call takes an
 * AbortSignal so a newer request cancels a stale one.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import {
	cellsQueryToSearchParams,
	cellsResponseSchema,
	type CellsQueryInput,
	type CellsResponse
} from '$lib/schemas/cells';
import { decodeCellsBinary } from './cells-codec';

export interface CategoryInfo {
	code: string;
	label: string;
	count: number;
}

export interface WorkspaceMeta {
	engine: string;
	range: { from: string; to: string } | null;
	categories: CategoryInfo[];
	areaKinds: { kind: string; count: number }[];
	basemapStyle: string | null;
	attribution: string[];
}

export interface AreaProperties {
	id: number | string;
	kind: string;
	code: string;
	name: string;
}

export type AreaCollection = FeatureCollection<Geometry, AreaProperties>;

/** A failed API call, with the server's message when it sent one. */
export class ApiError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
	}
}

async function failure(res: Response, what: string): Promise<ApiError> {
	let detail = res.statusText;
	try {
		const body = (await res.json()) as { message?: unknown };
		if (typeof body.message === 'string') detail = body.message;
	} catch {
		// not JSON: keep the status text
	}
	return new ApiError(res.status, `${what} failed (${res.status}): ${detail}`);
}

export async function fetchMeta(signal?: AbortSignal, fetcher: typeof fetch = fetch) {
	const res = await fetcher('/api/meta', { signal });
	if (!res.ok) throw await failure(res, 'Loading the workspace');
	return (await res.json()) as WorkspaceMeta;
}

/** The URL of a cells request (binary form), also used by tests to ask the same question as JSON. */
export function cellsUrl(q: CellsQueryInput): string {
	return `/api/cells?${cellsQueryToSearchParams({ ...q, format: 'bin' })}`;
}

export async function fetchCells(
	q: CellsQueryInput,
	signal?: AbortSignal,
	fetcher: typeof fetch = fetch
): Promise<CellsResponse> {
	const res = await fetcher(cellsUrl(q), { signal });
	if (!res.ok) throw await failure(res, 'Loading cell counts');
	if ((res.headers.get('content-type') ?? '').includes('json')) {
		return cellsResponseSchema.parse(await res.json());
	}
	const decoded = decodeCellsBinary(await res.arrayBuffer(), res.headers);
	if (decoded.resolution < 0 && q.res !== undefined) decoded.resolution = q.res;
	return decoded;
}

export async function fetchAreas(
	kind: string | null,
	signal?: AbortSignal,
	fetcher: typeof fetch = fetch
): Promise<AreaCollection> {
	const qs = kind ? `?kind=${encodeURIComponent(kind)}` : '';
	const res = await fetcher(`/api/areas${qs}`, { signal });
	if (!res.ok) throw await failure(res, 'Loading area boundaries');
	return (await res.json()) as AreaCollection;
}
