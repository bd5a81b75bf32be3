/**
 * The map workspace's requests, one `Resource` per layer: cell counts (through the caching
 * `CellsLoader`, shared with the slider's prefetch), area outlines, Gi* hot spots, emerging hot spots,
 * observations in view, and a clicked area's total. Each `load…` starts a request and returns its abort,
 * so a page `$effect` that calls it cancels the stale request when its inputs change; `follow` installs
 * those effects for the map workspace's model (call it while the page initialises).
 */
import type { CellsQueryInput, CellsResponse } from '$lib/contracts/cells';
import type { ObservationsAnswer, ObservationsQuery } from '$lib/contracts/observations';
import { CellsLoader, fetchAreas, type AreaCollection } from './api';
import type {
	AnalysisLayerStatus,
	ObservationsLayerStatus
} from '$lib/components/map/layer-status';
import type { EmergingAnswer, HotspotsAnswer } from '$lib/contracts/hotspots';
import {
	cellsPerBin,
	fetchEmerging,
	fetchHotspots,
	type EmergingRequest,
	type HotspotsRequest
} from './analysis-api';
import { fetchObservations } from './observations-api';
import { Resource } from './resource.svelte';
import { apiBbox } from './observations-api';
import type { WorkspaceModel } from './workspace-model.svelte';
import { cellRows, emergingRows, hotspotRows, reportHotspotsLayer } from './layers';
import { countClasses } from './palette';

/** The map's status line: what `MapStatus` shows. */
export type MapStatusKind =
	| { kind: 'error'; message: string }
	| { kind: 'no-data' | 'no-categories' | 'loading' | 'no-match' };

/** Rows by their cell (an answer is read-only once it arrives). */
function byCell<R extends { cell: string }, V>(rows: readonly R[], pick: (r: R) => V) {
	return new Map(rows.map((r) => [r.cell, pick(r)]));
}

/** How often each value occurs, in order of first occurrence. */
function tally(values: readonly string[]): Map<string, number> {
	return new Map([...new Set(values)].map((v) => [v, values.filter((x) => x === v).length]));
}

function status(r: Resource<unknown>, parameters?: Record<string, unknown>): AnalysisLayerStatus {
	return { state: r.state, message: r.error, parameters };
}

export class WorkspaceData {
	#m: WorkspaceModel;
	constructor(m: WorkspaceModel) {
		this.#m = m;
	}
	get m(): WorkspaceModel {
		return this.#m;
	}
	readonly loader = new CellsLoader();
	/** True while a cell request is out that the cache could not answer (a cached step shows no badge). */
	cellsWaiting = $state(false);
	/** The answer with the key of the question it answers (the slider waits for its step's). */
	readonly cells = new Resource<{ key: string; answer: CellsResponse }>();
	readonly areas = new Resource<{ kind: string; outlines: AreaCollection }>();
	readonly hotspots = new Resource<HotspotsAnswer>();
	readonly emerging = new Resource<EmergingAnswer>();
	readonly observations = new Resource<ObservationsAnswer>();
	readonly areaTotal = new Resource<{ incidents: number; cells: number }>();
	/** The layer panel's view of each analysis layer: state, the server's refusal, the parameters it ran with. */
	readonly hotspotStatus = $derived(status(this.hotspots, this.hotspots.value?.parameters));
	readonly emergingStatus = $derived(status(this.emerging, this.emerging.value?.parameters));
	readonly observationsStatus = $derived.by((): ObservationsLayerStatus => {
		const r = this.observations.value;
		if (this.observations.state !== 'ready' || !r) return status(this.observations);
		const { total, withheld, limit } = r;
		return { ...status(this.observations), shown: r.items.length, total, withheld, limit };
	});
	/** Cells per Gi* bin and per emerging category, as the legends list them. */
	readonly hotspotBins = $derived(
		this.hotspots.value ? cellsPerBin(this.hotspots.value.bin) : null
	);
	readonly emergingCounts = $derived.by(() => {
		if (!this.emerging.value) return null;
		return tally(this.emerging.value.category);
	});

	/** The cell answer shown, its rows and count classes; the state of the cells request. */
	readonly answer = $derived(this.cells.value?.answer ?? null);
	readonly rows = $derived(this.answer ? cellRows(this.answer) : []);
	readonly countByCell = $derived(byCell(this.rows, (r) => r.count));
	readonly classes = $derived(countClasses(this.answer?.max ?? 0));
	/** Waiting on the network for the cells (a cached answer swaps in without it). */
	readonly loading = $derived(this.cells.loading && this.cellsWaiting);
	readonly cellsError = $derived(this.cells.state === 'error' ? this.cells.error : null);
	/** The slider's step is drawn: its answer is in. */
	readonly stepReady = $derived(!this.loading && this.cells.value?.key === this.m.queryKey);
	readonly cellsState = $derived(
		this.loading
			? 'loading'
			: this.cellsError
				? 'error'
				: this.answer || this.m.noCategories || this.m.noSources
					? 'ready'
					: 'idle'
	);
	readonly outlines = $derived(this.areas.value?.outlines ?? null);
	readonly hotspotList = $derived(this.hotspots.value ? hotspotRows(this.hotspots.value) : []);
	readonly hotspotByCell = $derived(byCell(this.hotspotList, (r) => r));
	/** The accepted reports' Gi* (asked with the hot spots when the reports layer is on), drawn apart. */
	readonly reportLayer = $derived(
		this.m.showReports ? (this.hotspots.value?.observations ?? null) : null
	);
	readonly reportLayers = $derived(
		this.reportLayer && this.hotspots.value
			? [
					reportHotspotsLayer(
						hotspotRows({ ...this.reportLayer, cells: this.hotspots.value.cells }),
						{ visible: true }
					)
				]
			: []
	);
	readonly emergingList = $derived(this.emerging.value ? emergingRows(this.emerging.value) : []);
	readonly emergingByCell = $derived(byCell(this.emergingList, (r) => r));

	/** What the map's status line says, or null: nothing to say. */
	status(metaError: string | null): MapStatusKind | null {
		const m = this.m;
		if (metaError) return { kind: 'error', message: metaError };
		if (!m.meta) return null;
		if (!m.hasData) return { kind: 'no-data' };
		if (this.cellsError) return { kind: 'error', message: this.cellsError };
		if (m.noCategories || m.noSources) return { kind: 'no-categories' };
		if (this.loading) return { kind: 'loading' };
		if (this.answer && this.answer.cells.length === 0 && m.ws.time === 'off')
			return { kind: 'no-match' };
		return null;
	}

	loadCells(q: CellsQueryInput, key: string, then: (r: CellsResponse) => void): () => void {
		this.cellsWaiting = !this.loader.has(q);
		return this.cells.run(async (signal) => {
			try {
				const answer = await this.loader.load(q, signal);
				if (!signal.aborted) then(answer);
				return { key, answer };
			} finally {
				if (!signal.aborted) this.cellsWaiting = false;
			}
		});
	}

	/** Ask ahead for a question the page will likely ask next (errors are for the real request). */
	prefetchCells(q: CellsQueryInput): () => void {
		const controller = new AbortController();
		this.loader.load(q, controller.signal).catch(() => undefined);
		return () => controller.abort();
	}

	loadAreas(kind: string): () => void {
		return this.areas.run(async (signal) => ({ kind, outlines: await fetchAreas(kind, signal) }));
	}

	loadHotspots(q: HotspotsRequest): () => void {
		return this.hotspots.run((signal) => fetchHotspots(q, signal));
	}

	loadEmerging(q: EmergingRequest): () => void {
		return this.emerging.run((signal) => fetchEmerging(q, signal));
	}

	loadObservations(q: ObservationsQuery): () => void {
		return this.observations.run((signal) => fetchObservations(q, signal));
	}

	loadAreaTotal(q: CellsQueryInput): () => void {
		this.areaTotal.reset();
		return this.areaTotal.run(async (signal) => {
			const r = await this.loader.load(q, signal);
			return { incidents: r.total, cells: r.cells.length };
		});
	}

	/**
	 * Keep every layer's request in step with the model once the map is ready: cells (the first answer
	 * goes to `onCells`, to fit the camera), the slider's next step, area outlines, the analysis layers,
	 * observations in view, and the total of `clicked()`. `retry()` changing asks for the cells again.
	 */
	follow(
		ready: () => boolean,
		opts: {
			retry: () => number;
			clicked: () => { id: number | string } | null;
			onCells: (r: CellsResponse) => void;
		}
	): void {
		const m = this.m;
		$effect(() => {
			const [q, key] = [m.query, m.queryKey];
			void opts.retry();
			if (!ready() || !m.hasData) return;
			if (m.noCategories || m.noSources) return this.cells.reset();
			return this.loadCells(q, key, opts.onCells);
		});
		// Prefetch the slider's next step once the current one is in.
		$effect(() => {
			const next = m.nextQuery;
			if (next && this.stepReady && !m.noCategories && !m.noSources)
				return this.prefetchCells(next);
		});
		// Area boundaries of the chosen kind: drawn as a layer, listed in the area filter, found on click.
		$effect(() => {
			const kind = m.areaKind;
			if (ready() && kind !== null && this.areas.value?.kind !== kind) return this.loadAreas(kind);
		});
		$effect(() => {
			const base = m.analysisBase;
			if (!ready() || !m.hasData || !m.showHotspots || !base || m.noCategories) return;
			const observations = m.showReports;
			return this.loadHotspots({ ...base, ...m.shown, k: m.ws.k, fdr: m.ws.fdr, observations });
		});
		$effect(() => {
			const base = m.analysisBase;
			if (!ready() || !m.hasData || !m.showEmerging || !base || m.noCategories) return;
			const [from, to] = [m.ws.from ?? undefined, m.ws.to ?? undefined];
			return this.loadEmerging({ ...base, from, to, step: 'month', k: m.ws.k });
		});
		// Observations in the visible box for the period shown (and the chosen area).
		$effect(() => {
			const view = m.view;
			if (!ready() || !m.showObservations || !view) return;
			const area = m.ws.area ?? undefined;
			return this.loadObservations({ bbox: apiBbox(view.bounds), ...m.shown, area });
		});
		// The clicked area's total for the period shown.
		$effect(() => {
			const a = opts.clicked();
			if (!a) return;
			return this.loadAreaTotal({ ...m.cellsQuery(m.shown), res: 9, area: [Number(a.id)] });
		});
	}
}
