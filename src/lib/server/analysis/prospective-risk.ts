/**
 * Prospective hot-spotting for a shift: risk per cell from recency-weighted counts (Bowers, Johnson &
 * Pease 2004, "Prospective hot-spotting: the future of crime mapping?", Br. J. Criminol. 44(5)) scaled by
 * how much of each category's weekly rhythm falls inside the shift (an hour × weekday profile, e.g. the
 * aoristic one of Ratcliffe 2002).
 *
 * risk(c) = Σ_k Σ_e∈(c,k) n_e · w_e · 2^(−age_e / h) · f_k
 *
 * (w_e: the incidents' own weight — harm, time of day — else 1)
 * where age_e is the days between the incident's day and the reference day, h the half-life in days
 * (weight ½ at age h, ¼ at 2h), incidents older than the window are left out, and f_k the shift factor
 * of category k: the share of k's weekly profile inside the shift's hours divided by the share those
 * hours have of the week (f = 1 for a flat profile, > 1 when the category concentrates in the shift).
 *
 * @example
 * const r = prospectiveRisk(
 *   [{ cell: 'a', category: 'burglary', ageDays: 0, n: 2 }, { cell: 'a', category: 'burglary', ageDays: 14, n: 2 }],
 *   { halfLifeDays: 14, windowDays: 56 }
 * );
 * r.cells[0]; // { cell: 'a', rank: 1, risk: 3, weighted: 3, recent: 4, topCategory: 'burglary' }
 */
import { AnalysisInputError } from './weights';

export interface RiskEvent {
	cell: string;
	category: string;
	/** Whole or fractional days from the incidents' day to the reference day (0 = that day). */
	ageDays: number;
	/** Incidents. */
	n: number;
	/**
	 * Weight of each of these incidents: its harm in a harm-weighted ranking, times how much its time
	 * of day fits the shift when the data has times (services/supervisor.ts); default 1.
	 */
	weight?: number;
}

export interface ProspectiveRiskOptions {
	/** Days after which an incident counts half. Default 14. */
	halfLifeDays?: number;
	/** Incidents aged `windowDays` or more (or negative: after the reference) are left out. Default 56. */
	windowDays?: number;
	/** Shift factor per category (absent: 1). */
	shiftFactors?: ReadonlyMap<string, number>;
}

export interface CellRisk {
	cell: string;
	/** 1 = highest risk; ties share the order of the cell id. */
	rank: number;
	/** Recency-weighted incidents × shift factors. */
	risk: number;
	/** Recency-weighted incidents before shift factors. */
	weighted: number;
	/** Incidents in the window, unweighted. */
	recent: number;
	/** The category contributing most to the cell's risk. */
	topCategory: string;
}

export interface ProspectiveRiskResult {
	parameters: Required<Omit<ProspectiveRiskOptions, 'shiftFactors'>> & {
		formula: 'risk = Σ n · w · 2^(−age/halfLife) · shiftFactor(category)';
	};
	/** Cells with at least one incident in the window, highest risk first. */
	cells: CellRisk[];
}

export function prospectiveRisk(
	events: readonly RiskEvent[],
	options: ProspectiveRiskOptions = {}
): ProspectiveRiskResult {
	const { halfLifeDays = 14, windowDays = 56, shiftFactors } = options;
	if (!(halfLifeDays > 0))
		throw new AnalysisInputError(
			'E_BAD_HALF_LIFE',
			`halfLifeDays must be > 0, got ${halfLifeDays}`
		);
	if (!(windowDays > 0))
		throw new AnalysisInputError('E_BAD_WINDOW', `windowDays must be > 0, got ${windowDays}`);
	const byCell = new Map<
		string,
		{ risk: number; weighted: number; recent: number; byCategory: Map<string, number> }
	>();
	for (const e of events) {
		if (!(e.n > 0) || e.ageDays < 0 || e.ageDays >= windowDays) continue;
		const w = e.n * 2 ** (-e.ageDays / halfLifeDays);
		const r = w * (e.weight ?? 1) * (shiftFactors?.get(e.category) ?? 1);
		let c = byCell.get(e.cell);
		if (!c) byCell.set(e.cell, (c = { risk: 0, weighted: 0, recent: 0, byCategory: new Map() }));
		c.risk += r;
		c.weighted += w;
		c.recent += e.n;
		c.byCategory.set(e.category, (c.byCategory.get(e.category) ?? 0) + r);
	}
	const cells = [...byCell]
		.map(([cell, c]) => {
			let topCategory = '';
			let best = -1;
			for (const [k, v] of [...c.byCategory].sort((a, b) => a[0].localeCompare(b[0])))
				if (v > best) [topCategory, best] = [k, v];
			return { cell, rank: 0, risk: c.risk, weighted: c.weighted, recent: c.recent, topCategory };
		})
		.sort((a, b) => b.risk - a.risk || a.cell.localeCompare(b.cell));
	cells.forEach((c, i) => (c.rank = i + 1));
	return {
		parameters: {
			halfLifeDays,
			windowDays,
			formula: 'risk = Σ n · w · 2^(−age/halfLife) · shiftFactor(category)'
		},
		cells
	};
}

/** A shift: its first local hour and length, starting on an ISO weekday (0 = Monday … 6 = Sunday). */
export interface ShiftWindow {
	weekday: number;
	startHour: number;
	hours: number;
}

/** The hour × weekday bins (index weekday · 24 + hour) a shift covers, wrapping past midnight and Sunday. */
export function shiftBins(s: ShiftWindow): number[] {
	const bins: number[] = [];
	for (let h = 0; h < s.hours; h++) bins.push((s.weekday * 24 + s.startHour + h) % 168);
	return bins;
}

/**
 * The shift factor of a 168-bin hour × weekday profile: (weight inside the shift / total weight) ÷
 * (shift hours / 168). Null when the profile holds no weight (no timed incidents).
 *
 * @example
 * shiftFactor(new Array(168).fill(1), { weekday: 0, startHour: 7, hours: 8 }); // 1
 */
export function shiftFactor(hourByWeekday: ArrayLike<number>, s: ShiftWindow): number | null {
	if (hourByWeekday.length !== 168)
		throw new AnalysisInputError(
			'E_BAD_PROFILE',
			`an hour × weekday profile has 168 bins, got ${hourByWeekday.length}`
		);
	let total = 0;
	for (let i = 0; i < 168; i++) total += hourByWeekday[i];
	if (!(total > 0)) return null;
	let inside = 0;
	for (const b of shiftBins(s)) inside += hourByWeekday[b];
	return inside / total / (s.hours / 168);
}
