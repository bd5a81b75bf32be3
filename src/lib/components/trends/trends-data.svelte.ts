/**
 * The trends view's state and requests. `TrendsState` reads the URL (`tab`, `kind`, `by`, the two
 * periods, `categories`, `step`, `cs`, `csCategory`); `TrendsData` keeps one `Resource` per answer —
 * the change map, emerging hot spots, the small multiples, CompStat and the places of the largest
 * changes — each in step with the state through `follow` (call it while the page initialises).
 */
import type { MultiplePanel } from '$lib/components/views/HexMultiples.svelte';
import { withParams } from '$lib/components/views/view-params';
import { changeClass, CHANGE_CLASSES, type ChangeTest } from '$lib/components/views/change-classes';
import { changeAnswerSchema, type ChangeAnswer } from '$lib/contracts/change';
import { placesAnswerSchema, type PlacesAnswer } from '$lib/contracts/places';
import {
	compStatAnswerSchema,
	coverageAnswerSchema,
	type CompStatAnswer
} from '$lib/contracts/trends';
import { emergingAnswerSchema, type EmergingAnswer } from '$lib/contracts/hotspots';
import { fetchAreas, fetchCells, type AreaCollection, type WorkspaceMeta } from '$lib/map/api';
import { emergingRows } from '$lib/map/layers';
import { getParsed } from '$lib/map/loader';
import { EMERGING_CLASSES } from '$lib/map/palette';
import { Resource } from '$lib/map/resource.svelte';

/** The default periods the page's server load found (only the dates are read here). */
type Periods = { now: { from: string; to: string }; before: { from: string; to: string } };

/** What the URL says, with the defaults filled in. */
export class TrendsState {
	#params: () => URLSearchParams;
	#meta: () => WorkspaceMeta | null;
	#periods: () => Periods | null | undefined;

	constructor(
		params: () => URLSearchParams,
		meta: () => WorkspaceMeta | null,
		periods: () => Periods | null | undefined
	) {
		this.#params = params;
		this.#meta = meta;
		this.#periods = periods;
	}

	get params(): URLSearchParams {
		return this.#params();
	}
	get meta(): WorkspaceMeta | null {
		return this.#meta();
	}
	get defaults(): Periods | null | undefined {
		return this.#periods();
	}
	readonly tab = $derived(this.params.get('tab') ?? 'change');
	readonly kinds = $derived(this.meta?.areaKinds ?? []);
	readonly kind = $derived(
		this.params.get('kind') ??
			(this.kinds.find((k) => k.kind === 'lsoa') ?? this.kinds[0])?.kind ??
			null
	);
	readonly by = $derived(this.params.get('by') === 'area' ? 'area' : 'cell');
	readonly nowFrom = $derived(this.params.get('from') ?? this.defaults?.now.from ?? '');
	readonly nowTo = $derived(this.params.get('to') ?? this.defaults?.now.to ?? '');
	readonly beforeFrom = $derived(this.params.get('beforeFrom') ?? this.defaults?.before.from ?? '');
	readonly beforeTo = $derived(this.params.get('beforeTo') ?? this.defaults?.before.to ?? '');
	readonly categories = $derived(
		(this.params.get('categories') ?? '').split(',').filter((c) => c !== '')
	);
	readonly step = $derived(this.params.get('step') === 'month' ? 'month' : 'year');
	readonly csArea = $derived(Number(this.params.get('cs')) || null);
	readonly csCategory = $derived(this.params.get('csCategory') ?? 'all');
	readonly studyRef = $derived(this.kind ? `${this.kind}:*` : null);
}

const query = (path: string, params: Record<string, string | number | null>) =>
	`${path}?${withParams(new URLSearchParams(), params)}`;

function changeUrl(s: TrendsState): string {
	return query('/api/analysis/change', {
		from: s.nowFrom,
		to: s.nowTo,
		beforeFrom: s.beforeFrom,
		beforeTo: s.beforeTo,
		categories: s.categories.join(','),
		...(s.by === 'cell' ? { by: 'cell', area: s.studyRef, res: 9 } : { by: 'area', kind: s.kind })
	});
}

function emergingUrl(s: TrendsState): string {
	return query('/api/analysis/emerging', {
		area: s.studyRef,
		res: 9,
		from: s.nowFrom,
		to: s.nowTo,
		step: 'month',
		categories: s.categories.join(',')
	});
}

/**
 * The small multiples' periods: one panel per calendar year (or per month of the last twelve),
 * labelled with its coverage, "2017 (Jan–Jun)" for half a year; periods without any data are left out.
 */
function coverageUrl(s: TrendsState, range: { from: string; to: string }): string {
	const end = new Date(s.nowTo + 'T00:00:00Z');
	const yearAgo = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1));
	return query('/api/analysis/coverage', {
		from:
			s.step === 'year' ? `${range.from.slice(0, 4)}-01-01` : yearAgo.toISOString().slice(0, 10),
		to: s.step === 'year' ? `${range.to.slice(0, 4)}-12-31` : s.nowTo,
		step: s.step
	});
}

export interface ChangeRow extends ChangeTest {
	id: string;
	name: string;
	now: number;
	before: number;
}

const testOf = (c: ChangeAnswer, i: number): ChangeTest => ({
	direction: c.direction[i],
	pAdjusted: c.pAdjusted[i]
});

/** A lookup built once from an answer (never changed afterwards). */
function lookup<K, V>(entries: readonly (readonly [K, V])[]): Map<K, V> {
	return new Map(entries);
}

/** How many of `keys` fall in each of `all`, in the order of `all`. */
function countBy(all: readonly string[], keys: readonly string[]): Map<string, number> {
	return new Map(all.map((k) => [k, keys.filter((x) => x === k).length]));
}

export class TrendsData {
	readonly areas = new Resource<AreaCollection>();
	readonly change = new Resource<ChangeAnswer>();
	readonly emerging = new Resource<EmergingAnswer>();
	readonly multiples = new Resource<MultiplePanel[]>();
	readonly compstat = new Resource<CompStatAnswer>();
	/** Where the cells of the largest changes are (street or area), by cell. */
	readonly places = new Resource<PlacesAnswer>();
	#s: TrendsState;

	constructor(s: TrendsState) {
		this.#s = s;
	}
	get s(): TrendsState {
		return this.#s;
	}

	/** Every compared cell or area with its test, counts now and before and its name. */
	readonly changeRows = $derived.by((): ChangeRow[] => {
		const c = this.change.value;
		if (!c) return [];
		return c.ids.map((id, i) => ({
			id,
			name: c.names?.[i] ?? id,
			now: c.now[i],
			before: c.before[i],
			...testOf(c, i)
		}));
	});
	/** Cells drawn on the change map: those with incidents in either period. */
	readonly changeCells = $derived(
		this.s.by === 'cell'
			? this.changeRows.filter((r) => r.now + r.before > 0).map((r) => ({ ...r, cell: r.id }))
			: []
	);
	readonly changeByCell = $derived(lookup(this.changeCells.map((c) => [c.cell, c])));
	readonly testByCode = $derived(
		lookup<string, ChangeTest>(this.s.by === 'area' ? this.changeRows.map((r) => [r.id, r]) : [])
	);
	readonly changeCounts = $derived(
		countBy(
			CHANGE_CLASSES.map((c) => c.key),
			(this.s.by === 'cell' ? this.changeCells : [...this.testByCode.values()]).map(
				(t) => changeClass(t).key
			)
		)
	);
	/** The five most significant changes (smallest adjusted p, then the larger counts). */
	readonly topChanges = $derived(
		this.changeRows
			.filter((r) => r.direction !== 'no significant change')
			.sort((a, b) => a.pAdjusted - b.pAdjusted || b.now + b.before - (a.now + a.before))
			.slice(0, 5)
	);
	readonly placeOf = $derived(lookup((this.places.value?.places ?? []).map((p) => [p.cell, p])));
	readonly emergingList = $derived(this.emerging.value ? emergingRows(this.emerging.value) : []);
	readonly emergingCounts = $derived(
		countBy(
			EMERGING_CLASSES.map((c) => c.code),
			this.emergingList.map((r) => r.category)
		)
	);
	/** The CompStat table of the chosen category (or the first). */
	readonly csTable = $derived(
		this.compstat.value?.tables.find((t) => t.category === this.s.csCategory) ??
			this.compstat.value?.tables[0] ??
			null
	);
	/** `data-state` of the view, which tests wait on. */
	readonly viewState = $derived.by(() => {
		const t = this.s.tab;
		const r = t === 'change' ? this.change : t === 'emerging' ? this.emerging : this.multiples;
		return `${t}:${r.state}:${this.compstat.state}`;
	});

	follow(retry: () => number): void {
		const s = this.s;
		$effect(() => {
			const k = s.kind;
			if (k) return this.areas.run((signal) => fetchAreas(k, signal));
		});
		$effect(() => {
			void retry();
			if (!s.meta?.range || s.tab !== 'change' || !s.studyRef || !s.nowFrom || !s.beforeFrom)
				return;
			const url = changeUrl(s);
			return this.change.run((signal) =>
				getParsed(changeAnswerSchema, url, 'The change map', signal)
			);
		});
		$effect(() => {
			void retry();
			if (!s.meta?.range || s.tab !== 'emerging' || !s.studyRef || !s.nowFrom) return;
			const url = emergingUrl(s);
			return this.emerging.run((signal) =>
				getParsed(emergingAnswerSchema, url, 'Emerging hot spots', signal)
			);
		});
		$effect(() => {
			void retry();
			const range = s.meta?.range;
			if (!range || s.tab !== 'multiples') return;
			const url = coverageUrl(s, range);
			const categories = s.categories.length ? s.categories : undefined;
			return this.multiples.run(async (signal) => {
				const coverage = await getParsed(
					coverageAnswerSchema,
					url,
					'The periods with data',
					signal
				);
				const periods = coverage.steps.filter((p) => p.status !== 'missing');
				const answers = await Promise.all(
					periods.map((p) => fetchCells({ res: 9, from: p.from, to: p.to, categories }, signal))
				);
				return answers.map((a, i) => ({
					label: periods[i].label,
					cells: a.cells,
					counts: a.counts,
					total: a.total
				}));
			});
		});
		$effect(() => {
			void retry();
			const range = s.meta?.range;
			if (!range) return;
			const url = query('/api/analysis/trends', {
				area: s.csArea,
				categories: s.categories.join(','),
				date: range.to
			});
			return this.compstat.run((signal) =>
				getParsed(compStatAnswerSchema, url, 'The CompStat table', signal)
			);
		});
		$effect(() => {
			const ids = s.by === 'cell' ? this.topChanges.map((r) => r.id).join(',') : '';
			if (!ids) return;
			return this.places.run((signal) =>
				getParsed(placesAnswerSchema, `/api/places?cells=${ids}`, 'Place names', signal)
			);
		});
	}
}
