/**
 * The map workspace's state and what follows from it: the URL state (`WorkspaceState`), the camera, the
 * role's permissions and the meta, and derived from them the resolution, the layers shown, the slider's
 * steps, the period shown and the cell question. The page renders it; `WorkspaceData` fetches for it.
 */
import type { CellsQueryInput } from '$lib/contracts/cells';
import { can, type Permission, type SessionUser } from '$lib/auth/can';
import type { MapView } from './map-events';
import type { WorkspaceMeta } from './api';
import { stepIndex, stepPeriod, timeSteps } from './time-steps';
import { resolutionForZoom, workspaceStateToParams, type WorkspaceState } from './workspace-url';

/** Central London (the shipped basemap and demo data) until the data says otherwise. */
export const DEFAULT_CENTER: [number, number] = [-0.0915, 51.5155];
export const DEFAULT_ZOOM = 12;

export interface TimeChange {
	index?: number;
	mode?: WorkspaceState['time'];
	unit?: WorkspaceState['step'];
}

export class WorkspaceModel {
	ws = $state<WorkspaceState>() as WorkspaceState;
	view = $state<MapView | null>(null);
	#meta: () => WorkspaceMeta | null;
	#user: () => SessionUser | null | undefined;

	constructor(
		initial: WorkspaceState,
		meta: () => WorkspaceMeta | null,
		user: () => SessionUser | null | undefined
	) {
		this.ws = initial;
		this.#meta = meta;
		this.#user = user;
	}

	get meta(): WorkspaceMeta | null {
		return this.#meta();
	}

	// What the role may do, to offer only that (the server checks every request again).
	#may = (p: Permission) => {
		const u = this.#user();
		return u === undefined || can(u, p);
	};
	readonly canAnalyse = $derived(this.#may('analysis:run'));
	readonly canSeeIncidents = $derived(this.#may('incidents:detail'));
	readonly canSeeObservations = $derived(this.#may('map:view'));

	readonly hasData = $derived(this.meta?.range != null);
	readonly zoom = $derived(this.view?.zoom ?? this.ws.zoom ?? DEFAULT_ZOOM);
	readonly autoRes = $derived(resolutionForZoom(this.zoom));
	readonly res = $derived(this.ws.res ?? this.autoRes);
	readonly noCategories = $derived(this.ws.categories !== null && this.ws.categories.length === 0);
	readonly noSources = $derived(this.ws.sources !== null && this.ws.sources.length === 0);
	readonly areaKind = $derived(this.ws.areaKind ?? this.meta?.areaKinds[0]?.kind ?? null);
	readonly showAreas = $derived(this.ws.layers.includes('areas') && this.areaKind !== null);
	readonly showCells = $derived(this.ws.layers.includes('cells'));
	readonly showHotspots = $derived(this.canAnalyse && this.ws.layers.includes('hotspots'));
	readonly showEmerging = $derived(this.canAnalyse && this.ws.layers.includes('emerging'));
	readonly showObservations = $derived(
		this.canSeeObservations && this.ws.layers.includes('observations')
	);
	// Accepted reports as their own hot-spot layer beside the crimes' (issue 13).
	readonly showReports = $derived(
		this.showHotspots && this.canSeeObservations && this.ws.layers.includes('reports')
	);

	// The slider's steps cover the chosen period (or the data's whole range).
	readonly period = $derived({
		from: this.ws.from ?? this.meta?.range?.from ?? null,
		to: this.ws.to ?? this.meta?.range?.to ?? null
	});
	readonly steps = $derived(
		this.ws.time !== 'off' && this.period.from && this.period.to
			? timeSteps(this.period.from, this.period.to, this.ws.step)
			: []
	);
	readonly stepIdx = $derived(stepIndex(this.steps, this.ws.t));
	/** The slider's step shown now (its start), or '' when the slider is off. */
	readonly stepStart = $derived(
		this.ws.time !== 'off' && this.steps.length ? this.steps[this.stepIdx].start : ''
	);
	/** The period the map shows now: a slider step, or the filters' dates. */
	readonly shown = $derived.by((): { from?: string; to?: string } => {
		if (this.ws.time !== 'off' && this.steps.length)
			return stepPeriod(this.steps, this.stepIdx, this.ws.time);
		return { from: this.ws.from ?? undefined, to: this.ws.to ?? undefined };
	});

	cellsQuery(p: { from?: string; to?: string }): CellsQueryInput {
		return {
			res: this.res,
			from: p.from,
			to: p.to,
			categories: this.ws.categories ?? undefined,
			sources: this.ws.sources ?? undefined,
			area: this.ws.area !== null ? [this.ws.area] : undefined
		};
	}
	readonly query = $derived(this.cellsQuery(this.shown));
	readonly queryKey = $derived(JSON.stringify(this.query));
	/** The next step's question, fetched ahead so playback does not wait on the network. */
	readonly nextQuery = $derived(
		this.ws.time !== 'off' && this.stepIdx + 1 < this.steps.length
			? this.cellsQuery(stepPeriod(this.steps, this.stepIdx + 1, this.ws.time))
			: null
	);

	/** Study area of the analysis layers: the chosen area, else the visible map. */
	readonly analysisBase = $derived(
		this.view || this.ws.area !== null
			? {
					area: this.ws.area,
					bbox: this.ws.area === null && this.view ? this.view.bounds : null,
					res: this.res,
					categories: this.ws.categories ?? undefined
				}
			: null
	);

	/** The query string the address bar should carry. */
	readonly urlParams = $derived(
		workspaceStateToParams({
			...this.ws,
			t: this.stepStart || this.ws.t,
			center: this.view?.center ?? this.ws.center,
			zoom: this.view?.zoom ?? this.ws.zoom
		})
	);

	set(change: Partial<WorkspaceState>): void {
		this.ws = { ...this.ws, ...change };
	}

	changeTime(change: TimeChange): void {
		const next = { ...this.ws };
		if (change.mode) next.time = change.mode;
		if (change.unit && change.unit !== this.ws.step) {
			// Keep the same moment when switching unit: the new step holding the old step's start.
			next.step = change.unit;
			next.t = this.steps[this.stepIdx]?.from ?? this.ws.t;
		}
		if (change.index !== undefined) next.t = this.steps[change.index]?.start ?? null;
		this.ws = next;
	}
}
