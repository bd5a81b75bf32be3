/**
 * What the workspace map (`WorkspaceMap.svelte`) reports to its page: the camera after a move, the
 * cell under the pointer or the keyboard cursor, a click, and a picked observation.
 */
import type { ObservationItem } from '$lib/contracts/observations';

export interface MapView {
	center: [number, number];
	zoom: number;
	bounds: [number, number, number, number];
}

export interface HoveredCell {
	cell: string;
	/** Id of the layer the pointer found the cell in. */
	layer: string;
	x: number;
	y: number;
}

export interface PickedObservation {
	observation: ObservationItem;
	x: number;
	y: number;
}

export interface MapClick {
	/** The cell clicked, or null when the click hit no cell. */
	cell: string | null;
	lngLat: [number, number];
	/** Chosen with the keyboard (Enter on the highlighted cell): move focus to what it opens. */
	keyboard?: boolean;
}
