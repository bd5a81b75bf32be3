/**
 * The workspace map's keyboard (WCAG 2.1.1), on top of the pure steps of `keyboard-cursor.ts`: with the
 * map focused the arrow keys move a highlighted cell among the cells on the map and report it as a
 * hover (so each view's tooltip shows it), Enter or Space reports it as a click (`keyboard: true`), O
 * pins the observations in it one after another, Shift with an arrow pans. Without cells on the map
 * the arrows are left to MapLibre (they pan).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LayersList } from '@deck.gl/core';
import { cellToLatLng, latLngToCell } from 'h3-js';
import type { ObservationItem } from '$lib/contracts/observations';
import type { HoveredCell, MapClick, PickedObservation } from './map-events';
import { resolutionForZoom } from './workspace-url';
import {
	arrowDirection,
	cursorAtResolution,
	cursorStart,
	cursorStep,
	resolutionOfRows
} from './keyboard-cursor';

/** What the cursor moves among, read when it is needed (the map's props). */
export interface KeyboardInputs {
	map: () => MapLibreMap | undefined;
	container: () => HTMLElement;
	/** The workspace's own cell rows, first that has any: cells, hot spots, emerging. */
	rows: () => readonly (readonly unknown[])[];
	extraLayers: () => LayersList;
	observations: () => ObservationItem[];
	showObservations: () => boolean;
	zoom: () => number;
	onhover?: (cell: HoveredCell | null) => void;
	onclick?: (click: MapClick) => void;
	onobservationclick?: (picked: PickedObservation) => void;
}

/** Resolution of the cells in the first visible, pickable layer of a deck.gl list, or null. */
function resolutionOfLayers(list: LayersList): number | null {
	for (const l of list) {
		if (Array.isArray(l)) {
			const r = resolutionOfLayers(l);
			if (r !== null) return r;
		} else if (l && l.props.visible !== false && l.props.pickable) {
			const data = l.props.data;
			const r = Array.isArray(data) ? resolutionOfRows(data) : null;
			if (r !== null) return r;
		}
	}
	return null;
}

function centreOf(cell: string): [number, number] {
	const [lat, lng] = cellToLatLng(cell);
	return [lng, lat];
}

export class MapKeyboard {
	/** The keyboard cursor's cell (at the resolution it was set at). */
	cursor = $state<string | null>(null);
	#goalX: number | null = null;
	#observationTurn = 0;
	#in: KeyboardInputs;

	constructor(inputs: KeyboardInputs) {
		this.#in = inputs;
	}

	/** Resolution of the cells on the map (the cursor moves among them), or null without cells. */
	readonly resolution = $derived.by((): number | null => {
		for (const rows of this.#in.rows()) {
			const own = resolutionOfRows(rows);
			if (own !== null) return own;
		}
		// Observations alone: the cells the workspace would draw at this zoom hold them.
		return (
			resolutionOfLayers(this.#in.extraLayers()) ??
			(this.#in.showObservations() && this.#in.observations().length
				? resolutionForZoom(this.#in.zoom())
				: null)
		);
	});

	/** The highlighted cell at the resolution on the map now. */
	readonly shown = $derived(
		this.cursor && this.resolution !== null
			? cursorAtResolution(this.cursor, this.resolution)
			: null
	);

	/** The observations in the highlighted cell (O pins them in turn). */
	readonly observations = $derived.by(() => {
		const cell = this.shown;
		const res = this.resolution;
		if (!cell || res === null || !this.#in.showObservations()) return [];
		return this.#in.observations().filter((o) => latLngToCell(o.lat, o.lon, res) === cell);
	});

	/** Tell the page about the cursor as a hover (its tooltip follows it). */
	report(): void {
		const map = this.#in.map();
		if (!map || !this.shown) return;
		const p = map.project(centreOf(this.shown));
		this.#in.onhover?.({ cell: this.shown, layer: 'keyboard-cursor', x: p.x, y: p.y });
	}

	/** Pan (without animation) so the cursor's cell stays well inside the map. */
	#keepInView(map: MapLibreMap, cell: string): void {
		const p = map.project(centreOf(cell));
		const margin = 64;
		const w = this.#in.container().clientWidth;
		const h = this.#in.container().clientHeight;
		const dx = p.x < margin ? p.x - margin : p.x > w - margin ? p.x - (w - margin) : 0;
		const dy = p.y < margin ? p.y - margin : p.y > h - margin ? p.y - (h - margin) : 0;
		if (dx || dy) map.panBy([dx, dy], { animate: false });
	}

	/** The canvas's keydown. */
	keydown = (e: KeyboardEvent): void => {
		const m = this.#in.map();
		if (!m || e.altKey || e.ctrlKey || e.metaKey) return;
		const direction = arrowDirection(e.key);
		const res = this.resolution;
		const handled = () => {
			e.preventDefault();
			e.stopPropagation();
		};
		if (direction && e.shiftKey) {
			handled();
			const d = 120;
			const by: Record<string, [number, number]> = {
				up: [0, -d],
				down: [0, d],
				left: [-d, 0],
				right: [d, 0]
			};
			m.panBy(by[direction], { animate: false });
			return;
		}
		// No cells to move among: the arrows pan (MapLibre's own keyboard handler).
		if (res === null) return;
		const shown = this.shown;
		if (direction) {
			handled();
			const project = (ll: [number, number]) => m.project(ll);
			const next = shown
				? cursorStep(shown, direction, project, this.#goalX)
				: { cell: cursorStart(m.getCenter().toArray() as [number, number], res), goalX: null };
			this.cursor = next.cell;
			this.#goalX = next.goalX;
			this.#observationTurn = 0;
			this.#keepInView(m, next.cell);
			this.report();
		} else if ((e.key === 'Enter' || e.key === ' ') && shown) {
			handled();
			this.#in.onclick?.({ cell: shown, lngLat: centreOf(shown), keyboard: true });
		} else if ((e.key === 'o' || e.key === 'O') && this.observations.length) {
			handled();
			const o = this.observations[this.#observationTurn % this.observations.length];
			this.#observationTurn += 1;
			const p = m.project([o.lon, o.lat]);
			this.#in.onobservationclick?.({ observation: o, x: p.x, y: p.y });
		}
	};

	/** Listen on the map's canvas: keys, and focus by keyboard shows the cursor at once. */
	attach(map: MapLibreMap): void {
		const canvas = map.getCanvas();
		canvas.addEventListener('keydown', this.keydown);
		canvas.addEventListener('focus', () => {
			// A click shows the pointer's cell instead.
			if (!canvas.matches(':focus-visible') || this.resolution === null) return;
			if (!this.cursor)
				this.cursor = cursorStart(map.getCenter().toArray() as [number, number], this.resolution);
			this.report();
		});
		canvas.addEventListener('blur', () => {
			if (this.cursor) this.#in.onhover?.(null);
		});
	}
}
