/**
 * What the map's layer panel (`LayerPanel.svelte`) is told and tells: each analysis layer's state,
 * the observations layer's counts, and a change of layers; and how a layer's parameters and counts
 * read in words.
 */
import type { MapLayerId } from '$lib/map/workspace-url';

export interface AnalysisLayerStatus {
	state: 'idle' | 'loading' | 'ready' | 'error';
	message?: string;
	/** Parameters as the server reported them, shown as given. */
	parameters?: Record<string, unknown>;
}

export interface ObservationsLayerStatus extends AnalysisLayerStatus {
	/**
	 * Observations drawn, how many matched in all (the API caps an answer), and how many withheld
	 * (null: this role is not told).
	 */
	shown?: number;
	total?: number;
	withheld?: number | null;
	limit?: number;
}

export interface LayerChange {
	layers?: MapLayerId[];
	areaKind?: string | null;
	k?: number;
	fdr?: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/** The observations drawn, of how many, and how many withheld, in words. */
export function observationsCount(o: ObservationsLayerStatus): string {
	const shown = o.shown ?? 0;
	const total = o.total ?? shown;
	let text = `${fmt(shown)} shown`;
	if (total > shown)
		text += ` of ${fmt(total)} (the newest ${fmt(o.limit ?? shown)}; zoom in for the rest)`;
	if (o.withheld) text += ` · ${fmt(o.withheld)} withheld (handling code C)`;
	return text;
}

/** The parameters worth reading, in a fixed order, formatted; unknown ones are left out. */
export function describeParameters(p: Record<string, unknown> | undefined): string[] {
	if (!p) return [];
	const out: string[] = [];
	const v = (key: string) => p[key];
	if (v('res') !== undefined) out.push(`resolution ${v('res')}`);
	if (v('k') !== undefined) out.push(`k = ${v('k')}`);
	const f = v('fdr');
	if (f !== undefined)
		out.push(
			typeof f === 'string'
				? `FDR ${f.replace(/([A-Z])/g, ' $1').toLowerCase()}`
				: `FDR ${f ? 'on' : 'off'}`
		);
	if (v('alpha') !== undefined) out.push(`α = ${v('alpha')}`);
	if (v('step') !== undefined) out.push(`by ${v('step')}`);
	if (v('timeSteps') !== undefined) out.push(`${v('timeSteps')} time-step neighbours`);
	if (v('studyAreaCells') !== undefined)
		out.push(`${fmt(Number(v('studyAreaCells')))} cells in the study area`);
	if (v('from') && v('to')) out.push(`${v('from')} to ${v('to')}`);
	return out;
}
