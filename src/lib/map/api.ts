/**
 * Client of the workspace API: meta, cells (binary transport) and area boundaries. Every call takes an
 * AbortSignal so a newer request cancels a stale one.
 */
import { areaCollectionSchema, type AreaCollection } from '$lib/contracts/areas';
import {
	cellsQueryToSearchParams,
	cellsResponseSchema,
	type CellsQueryInput,
	type CellsResponse
} from '$lib/contracts/cells';
import { cellDetailSchema, type CellDetail } from '$lib/contracts/cell-detail';
import { workspaceMetaSchema, type WorkspaceMeta } from '$lib/contracts/meta';
import { decodeCellsBinary } from './cells-codec';

/** The answers' types, declared once in the contracts (re-exported for the map's modules). */
export type { CategoryInfo, SourceInfo, WorkspaceMeta } from '$lib/contracts/meta';
export type { AreaCollection, AreaProperties } from '$lib/contracts/areas';

/** A failed API call, with the server's message when it sent one. */
export class ApiError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
	}
}

export async function failure(res: Response, what: string): Promise<ApiError> {
	let detail = res.statusText;
	try {
		const body = (await res.json()) as { message?: unknown };
		if (typeof body.message === 'string') detail = body.message;
	} catch {
		// not JSON: keep the status text
	}
	return new ApiError(res.status, `${what} failed (${res.status}): ${detail}`);
}

export async function fetchMeta(
	signal?: AbortSignal,
	fetcher: typeof fetch = fetch
): Promise<WorkspaceMeta> {
	const res = await fetcher('/api/meta', { signal });
	if (!res.ok) throw await failure(res, 'Loading the workspace');
	return workspaceMetaSchema.parse(await res.json());
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
	return areaCollectionSchema.parse(await res.json());
}

export function cellDetailUrl(
	cell: string,
	q: Pick<CellsQueryInput, 'from' | 'to' | 'categories' | 'sources'>
): string {
	const p = cellsQueryToSearchParams(q);
	return `/api/cell/${cell}${p.size ? `?${p}` : ''}`;
}

export async function fetchCellDetail(
	cell: string,
	q: Pick<CellsQueryInput, 'from' | 'to' | 'categories' | 'sources'>,
	signal?: AbortSignal
): Promise<CellDetail> {
	const res = await fetch(cellDetailUrl(cell, q), { signal });
	if (!res.ok) throw await failure(res, 'Loading the cell');
	return cellDetailSchema.parse(await res.json());
}

/** One page of `/api/incidents?cell=…`; fields beyond these are shown as the server sends them. */
export interface IncidentPage {
	items: Record<string, unknown>[];
	page: number;
	pageSize: number | null;
	total: number | null;
	/**
	 * Records the server left out (restricted handling or sensitive): told only to roles that may see
	 * them, 0 otherwise.
	 */
	withheld: number;
}

export async function fetchIncidents(
	cell: string,
	page: number,
	q: Pick<CellsQueryInput, 'from' | 'to' | 'categories'>,
	signal?: AbortSignal
): Promise<IncidentPage> {
	const p = cellsQueryToSearchParams(q);
	p.set('cell', cell);
	p.set('page', String(page));
	const res = await fetch(`/api/incidents?${p}`, { signal });
	if (!res.ok) throw await failure(res, 'Loading incidents');
	const body = (await res.json()) as Record<string, unknown>;
	const list = [body.items, body.incidents, body.rows, body.data].find(Array.isArray) as
		Record<string, unknown>[] | undefined;
	const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
	return {
		items: list ?? [],
		page: num(body.page) ?? page,
		pageSize: num(body.pageSize) ?? num(body.limit),
		total: num(body.total) ?? num(body.count),
		withheld: num(body.withheld) ?? 0
	};
}

interface Pending {
	promise: Promise<CellsResponse>;
	controller: AbortController;
	waiters: number;
	done: boolean;
}

/**
 * Cell answers by URL, shared between the map and the slider's prefetch: a request someone still waits
 * for is never sent twice, one nobody waits for any more is aborted (stale), and the last answers stay
 * cached so stepping back and forth does not ask again.
 */
export class CellsLoader {
	#entries = new Map<string, Pending>();
	readonly capacity: number;

	constructor(capacity = 16) {
		this.capacity = capacity;
	}

	load(q: CellsQueryInput, signal?: AbortSignal): Promise<CellsResponse> {
		const key = cellsUrl(q);
		let entry = this.#entries.get(key);
		if (entry) {
			// Refresh its place in the LRU order.
			this.#entries.delete(key);
			this.#entries.set(key, entry);
		} else {
			const controller = new AbortController();
			const created: Pending = {
				promise: fetchCells(q, controller.signal),
				controller,
				waiters: 0,
				done: false
			};
			created.promise.then(
				() => (created.done = true),
				() => this.#entries.delete(key)
			);
			entry = created;
			this.#entries.set(key, entry);
			this.#evict();
		}
		const e = entry;
		e.waiters += 1;
		return new Promise<CellsResponse>((resolve, reject) => {
			const onAbort = () => {
				e.waiters -= 1;
				if (e.waiters === 0 && !e.done) {
					e.controller.abort();
					this.#entries.delete(key);
				}
				reject(new DOMException('Aborted', 'AbortError'));
			};
			if (signal?.aborted) return onAbort();
			signal?.addEventListener('abort', onAbort, { once: true });
			e.promise.then(
				(r) => {
					signal?.removeEventListener('abort', onAbort);
					e.waiters -= 1;
					resolve(r);
				},
				(err: unknown) => {
					signal?.removeEventListener('abort', onAbort);
					e.waiters -= 1;
					reject(err);
				}
			);
		});
	}

	/** True when the answer for `q` is already here (no request, no wait). */
	has(q: CellsQueryInput): boolean {
		return this.#entries.get(cellsUrl(q))?.done === true;
	}

	#evict() {
		for (const [key, e] of this.#entries) {
			if (this.#entries.size <= this.capacity) break;
			if (e.done) this.#entries.delete(key);
		}
	}
}
