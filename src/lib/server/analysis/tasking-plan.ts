/**
 * The tasking board's rules, as pure functions: which unit patrols which cell, and the dosage plan of
 * each unit (visits of a set length, in a seeded random order, with a target and a maximum per spot).
 *
 * - **Areas**: a unit only gets cells of its own area.
 * - **Closeness**: each unit starts from the highest-risk free cell of its area; every other cell, in
 *   risk order, goes to the unit with room whose cells' centroid is nearest (great-circle distance between
 *   H3 cell centres), so a unit's cells stay together — a greedy, one-pass form of k-means on centroids.
 * - **Dosage** after Koper (1995) and the Sacramento experiment (Telep, Mitchell & Weisburd 2014): visits
 *   of `visitMinutes`, `targetVisits` per spot in the shift, never more than `maxVisits` per spot (counting
 *   visits the spot already has that day), spread over the shift in a random order drawn from the
 *   tasking's seed, so patrols are unpredictable yet reproducible.
 *
 * @example
 * const a = allocateCells(spots, units, { spotsPerUnit: 3 });
 * const plan = planDosage(a.byUnit.get(1)!, { visitMinutes: 15, targetVisits: 2, maxVisits: 3, seed: 7,
 *   shiftStart: Date.parse('2024-03-01T15:00:00Z'), shiftMinutes: 480 });
 */
import { cellToLatLng, greatCircleDistance } from 'h3-js';
import { mulberry32, type Random } from './random';
import { AnalysisInputError } from './weights';

export interface CandidateSpot {
	cell: string;
	/** The area the cell is in (the supervisor's area or a sub-area a unit patrols). */
	areaId: number;
	risk: number;
}

export interface PatrolUnit {
	id: number;
	areaId: number;
	/** Cells this unit can take; default the options' `spotsPerUnit`. */
	capacity?: number;
}

export interface AllocationOptions {
	/** Cells per unit (Sacramento: 1–6 per officer). */
	spotsPerUnit: number;
}

export interface Allocation {
	/** Cells per unit id, in the order they were assigned (highest risk first). */
	byUnit: Map<number, string[]>;
	/** Candidates no unit had room for (or no unit of their area), highest risk first. */
	unallocated: CandidateSpot[];
	/** Mean distance (m) from each allocated cell to its unit's centroid: how compact the beats are. */
	meanDistanceM: number;
}

const centre = (cell: string): [number, number] => cellToLatLng(cell) as [number, number];

/**
 * Allocate candidate cells to units: areas respected, top risk first, each unit's cells close together.
 * Ties in risk are broken by cell id; ties in distance by unit id, so the result is deterministic.
 */
export function allocateCells(
	spots: readonly CandidateSpot[],
	units: readonly PatrolUnit[],
	options: AllocationOptions
): Allocation {
	if (!(Number.isInteger(options.spotsPerUnit) && options.spotsPerUnit >= 1))
		throw new AnalysisInputError('E_PARAMETER', 'spotsPerUnit: must be a whole number ≥ 1');
	const seen = new Set<string>();
	for (const s of spots) {
		if (seen.has(s.cell))
			throw new AnalysisInputError('E_PARAMETER', `cell ${s.cell} listed twice`);
		seen.add(s.cell);
	}
	const ranked = [...spots].sort((a, b) => b.risk - a.risk || a.cell.localeCompare(b.cell));
	const ordered = [...units].sort((a, b) => a.id - b.id);
	const byUnit = new Map<number, string[]>(ordered.map((u) => [u.id, []]));
	const sums = new Map<number, { lat: number; lng: number; n: number }>();
	const room = (u: PatrolUnit) => (u.capacity ?? options.spotsPerUnit) - byUnit.get(u.id)!.length;
	const unallocated: CandidateSpot[] = [];
	const assign = (u: PatrolUnit, s: CandidateSpot) => {
		byUnit.get(u.id)!.push(s.cell);
		const [lat, lng] = centre(s.cell);
		const c = sums.get(u.id) ?? { lat: 0, lng: 0, n: 0 };
		sums.set(u.id, { lat: c.lat + lat, lng: c.lng + lng, n: c.n + 1 });
	};
	for (const s of ranked) {
		const mine = ordered.filter((u) => u.areaId === s.areaId && room(u) > 0);
		if (mine.length === 0) {
			unallocated.push(s);
			continue;
		}
		// A unit without cells yet starts its beat at the highest-risk free cell.
		const empty = mine.find((u) => byUnit.get(u.id)!.length === 0);
		if (empty) {
			assign(empty, s);
			continue;
		}
		const p = centre(s.cell);
		let best = mine[0];
		let bestD = Infinity;
		for (const u of mine) {
			const c = sums.get(u.id)!;
			const d = greatCircleDistance(p, [c.lat / c.n, c.lng / c.n], 'm');
			if (d < bestD - 1e-9) {
				best = u;
				bestD = d;
			}
		}
		assign(best, s);
	}
	let total = 0;
	let n = 0;
	for (const [id, cells] of byUnit) {
		const c = sums.get(id);
		if (!c) continue;
		for (const cell of cells) {
			total += greatCircleDistance(centre(cell), [c.lat / c.n, c.lng / c.n], 'm');
			n++;
		}
	}
	return { byUnit, unallocated, meanDistanceM: n ? total / n : 0 };
}

export interface DosageOptions {
	visitMinutes: number;
	/** Visits per spot in the shift. */
	targetVisits: number;
	/** At most this many visits per spot in a day (over-policing guard). */
	maxVisits: number;
	/** Visits each spot already has that day (other shifts' plans); default none. */
	alreadyPlanned?: ReadonlyMap<string, number>;
	seed: number;
	/** Epoch ms of the shift's start. */
	shiftStart: number;
	shiftMinutes: number;
}

export interface PlannedVisit {
	seq: number;
	cell: string;
	start: number;
	end: number;
}

export interface DosagePlan {
	visits: PlannedVisit[];
	/** Visits per spot in this plan; fewer than the target where the daily maximum was reached. */
	perSpot: Map<string, number>;
	/** Spots whose visits were cut by the maximum, with the visits they got. */
	capped: { cell: string; planned: number }[];
	/** Minutes between visit starts. */
	slotMinutes: number;
}

/**
 * One unit's visits for the shift. Visits come in rounds: each round visits every spot that still
 * needs one, in an order shuffled (Fisher–Yates) by the seeded generator; a round never starts at the
 * spot the previous one ended at, so a spot is not visited twice in a row. Visits are spread evenly over
 * the shift: visit i starts at shiftStart + i × shiftMinutes / visits. Throws E_DOSAGE when the visits do
 * not fit in the shift.
 */
export function planDosage(cells: readonly string[], o: DosageOptions): DosagePlan {
	const whole = (v: number, name: string, min: number) => {
		if (!(Number.isInteger(v) && v >= min))
			throw new AnalysisInputError('E_PARAMETER', `${name}: must be a whole number ≥ ${min}`);
	};
	whole(o.visitMinutes, 'visitMinutes', 1);
	whole(o.targetVisits, 'targetVisits', 1);
	whole(o.maxVisits, 'maxVisits', 1);
	whole(o.shiftMinutes, 'shiftMinutes', 1);
	if (o.targetVisits > o.maxVisits)
		throw new AnalysisInputError(
			'E_PARAMETER',
			`targetVisits (${o.targetVisits}) is above maxVisits (${o.maxVisits})`
		);
	const perSpot = new Map<string, number>();
	const capped: { cell: string; planned: number }[] = [];
	for (const cell of cells) {
		const room = Math.max(0, o.maxVisits - (o.alreadyPlanned?.get(cell) ?? 0));
		const n = Math.min(o.targetVisits, room);
		perSpot.set(cell, n);
		if (n < o.targetVisits) capped.push({ cell, planned: n });
	}
	const total = [...perSpot.values()].reduce((a, b) => a + b, 0);
	if (total * o.visitMinutes > o.shiftMinutes)
		throw new AnalysisInputError(
			'E_DOSAGE',
			`${total} visits of ${o.visitMinutes} minutes do not fit in a ${o.shiftMinutes}-minute shift: give the unit fewer spots or visits`
		);
	const rand: Random = mulberry32(o.seed);
	const order: string[] = [];
	const left = new Map(perSpot);
	while (order.length < total) {
		const round = cells.filter((c) => (left.get(c) ?? 0) > 0);
		for (let i = round.length - 1; i > 0; i--) {
			const j = Math.floor(rand() * (i + 1));
			[round[i], round[j]] = [round[j], round[i]];
		}
		if (round.length > 1 && round[0] === order[order.length - 1])
			[round[0], round[round.length - 1]] = [round[round.length - 1], round[0]];
		for (const c of round) {
			order.push(c);
			left.set(c, left.get(c)! - 1);
		}
	}
	const slotMinutes = total ? o.shiftMinutes / total : 0;
	const visits = order.map((cell, seq) => {
		const start = o.shiftStart + Math.round(seq * slotMinutes) * 60_000;
		return { seq, cell, start, end: start + o.visitMinutes * 60_000 };
	});
	return { visits, perSpot, capped, slotMinutes };
}

/**
 * The randomised assessment's draw: eligible spots split between patrol and control, half each (the
 * extra one of an odd number goes to patrol), by a seeded shuffle, so the draw is recorded and repeatable.
 */
export function drawPatrolControl(
	cells: readonly string[],
	seed: number
): { patrol: string[]; control: string[] } {
	const sorted = [...new Set(cells)].sort();
	const rand = mulberry32(seed);
	for (let i = sorted.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[sorted[i], sorted[j]] = [sorted[j], sorted[i]];
	}
	const k = Math.ceil(sorted.length / 2);
	return { patrol: sorted.slice(0, k), control: sorted.slice(k) };
}
