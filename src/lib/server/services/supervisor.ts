/**
 * The supervisor's job: "where do my units go this shift?" Cells inside the supervisor's area ranked by
 * prospective risk (`prospectiveRisk`): recent incidents weighted by age with a stated half-life, times
 * how much of each category's weekly rhythm falls in the shift (aoristic hour × weekday profile of the
 * area's incidents over the past year). Proactive categories (drugs, weapons possession) are left out
 * while the bias guard is on, so past patrols do not send the next patrol back to the same streets.
 *
 * When the data ends before the shift's date, the data's last day stands in for it and the answer says
 * so. Monthly sources (police.uk) date incidents to the 1st of the month: their counts are placed at
 * mid-month for ageing, and they carry no time of day, so the shift factor is flat and the answer says so.
 */
import { aoristicProfile } from '../analysis/aoristic';
import { HARM_INDEX, harmWeight, offenceCode } from '../analysis/harm-index';
import { dayToIso, isoToDay, isoWeekday } from '../analysis/days';
import { prospectiveRisk, shiftFactor, type CellRisk } from '../analysis/prospective-risk';
import { inShift } from '../analysis/backtest';
import { PROSPECTIVE_DEFAULTS } from '../analysis/forecast-models';
import { CATEGORIES } from '../../taxonomy';
import type { Database } from '../db/client';
import {
	countsByCellDayCategory,
	offenceCountsByCellDay,
	recentIncidentWindows
} from '../db/queries/incidents-recent';
import { acceptedObservationCounts } from '../db/queries/observations';
import type { ReadScope } from '../auth/read-scope';
import { ServiceError } from '../errors';
import { resolveStudyArea } from '../study/area';
import { checkDate } from '../study/period';
import { requireDataExtent, type Granularity } from '../study/extent';
import { placesOfCells, type Place } from '../study/places';
import { SHIFTS, type ShiftName } from '../../contracts/shifts';

/** Weight of a timed incident outside the shift's hours, relative to one inside: the tested model's. */
const OFF_SHIFT_WEIGHT = PROSPECTIVE_DEFAULTS.offShiftWeight;

/** The highest-risk cells that are named (street or area): the ones a supervisor's list shows. */
export const NAMED_CELLS = 25;

/** A category's profile needs this many timed incidents; below it the all-category profile stands in. */
export const MIN_TIMED_INCIDENTS = 30;
/**
 * The time-of-day profile reads at most this many of the area's most recent incidents of its year: a
 * profile of 168 hour × weekday shares is settled long before (sampling error of a share ≤ 0.5
 * percentage points), and the work stays the same however many incidents the area has.
 */
export const PROFILE_MAX_INCIDENTS = 10_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface ShiftRiskRequest {
	/** The supervisor's area (id or kind:code). */
	area: string;
	shift: ShiftName;
	/** The shift's date; default today. */
	date?: string;
	/** Today, for tests; default the clock. */
	today?: string;
	res?: number;
	halfLifeDays?: number;
	windowDays?: number;
	/** Leave proactive categories out. Default true. */
	biasGuard?: boolean;
	/** Cells returned (highest risk first). Default all. */
	limit?: number;
	/** Weigh each category by its harm (ONS Crime Severity Score, analysis/harm-index.ts). Default false. */
	harm?: boolean;
	/**
	 * Also count accepted intelligence reports per listed cell over the same window: shown beside the
	 * risk, never added to it or to any crime count. Default false. Needs the reader's scope (area
	 * limits, handling codes).
	 */
	withReports?: boolean;
}

export interface ShiftFactorRow {
	category: string;
	label: string;
	factor: number;
	/** Where the factor came from. */
	basis: 'category profile' | 'all-category profile' | 'no times in the data (flat)';
	timedIncidents: number;
}

export interface ShiftRisk {
	parameters: {
		area: { id: number; kind: string; code: string; name: string };
		shift: ShiftName;
		shiftLabel: string;
		requestedDate: string;
		/** The date the forecast is for: the requested one, or the data's last day when the data ends earlier. */
		date: string;
		weekday: string;
		dataEnd: string;
		/** True when the data ends before the requested date (the data's last day stood in). */
		dataEndsBefore: boolean;
		granularity: Granularity;
		res: number;
		halfLifeDays: number;
		windowDays: number;
		windowFrom: string;
		windowTo: string;
		/** First day whose counts entered the risk (a monthly source's month starts before windowFrom). */
		countsFrom: string;
		biasGuard: boolean;
		excludedCategories: string[];
		/** The harm index the risk is weighted by, or null. */
		harmIndex: string | null;
		/**
		 * With harm: how many of the window's incidents were weighed by their offence code (IUCR, NIBRS)
		 * and how many by their broad category only (approximate), with a sentence saying so.
		 */
		harm: { coded: number; approximate: number; note: string } | null;
		/**
		 * Timed data: incidents weighed by whether their hour fell in the shift (the ranking differs per
		 * shift cell by cell, not only per category); null when the data has no times of day.
		 */
		timeOfDay: { offShiftWeight: number; timed: number; untimed: number; rule: string } | null;
		profile: {
			from: string;
			to: string;
			method: 'aoristic hour × weekday (Ratcliffe 2002), incidents with windows ≤ 24 h';
			timedIncidents: number;
			untimedIncidents: number;
			timeZone: string;
		};
		formula: string;
		studyCells: number;
	};
	shiftFactors: ShiftFactorRow[];
	/** The `limit` highest-risk cells, ranked; the first `NAMED_CELLS` with where they are. */
	cells: (CellRisk & { topCategoryLabel: string; place: Place | null })[];
	/** Cells with any incident in the window (the list's full length). */
	cellsWithRisk: number;
	/**
	 * With `withReports`: accepted intelligence reports in the study area over the window, counted
	 * apart from recorded crime (the risk does not use them); `reports` per listed cell. Null without.
	 */
	intelligence: {
		total: number;
		perCell: Record<string, number>;
		rule: string;
		/** Handling code C reports left out for this reader; null when the reader may not be told. */
		withheld: number | null;
	} | null;
}

/**
 * Ranked risk cells for a shift in an area.
 *
 * @example
 * const r = await riskForShift(db, { area: 'borough:E09000001', shift: 'late' });
 * r.cells[0]; // { cell, rank: 1, risk, weighted, recent, topCategory, topCategoryLabel }
 */
export async function riskForShift(
	db: Database,
	q: ShiftRiskRequest,
	scope?: ReadScope
): Promise<ShiftRisk> {
	const shift = SHIFTS[q.shift];
	if (!shift) throw new ServiceError('E_PARAMETER', 'shift: must be early, late or night');
	const today = q.today ?? new Date().toISOString().slice(0, 10);
	const requestedDate = q.date ?? today;
	checkDate('date', requestedDate);
	const res = q.res ?? 9;
	const study = await resolveStudyArea(db, { area: [q.area], res });
	// The area's own data: another place's sources may run later or carry no times of day.
	const {
		granularity,
		monthly,
		to: dataEnd
	} = await requireDataExtent(
		db,
		study.areas.map((a) => a.id)
	);
	const dataEndsBefore = dataEnd < requestedDate;
	const date = dataEndsBefore ? dataEnd : requestedDate;

	const halfLifeDays = q.halfLifeDays ?? (monthly ? 28 : 14);
	const windowDays = q.windowDays ?? (monthly ? 91 : 56);
	if (!(halfLifeDays >= 1 && halfLifeDays <= 365))
		throw new ServiceError('E_PARAMETER', 'halfLifeDays: must be from 1 to 365 days');
	if (!(windowDays >= 7 && windowDays <= 730))
		throw new ServiceError('E_PARAMETER', 'windowDays: must be from 7 to 730 days');
	const biasGuard = q.biasGuard ?? true;
	const excluded = biasGuard
		? CATEGORIES.filter((c) => c.proactive).map((c) => c.code as string)
		: [];
	const categories = biasGuard
		? CATEGORIES.filter((c) => !c.proactive).map((c) => c.code as string)
		: null;

	const ref = isoToDay(date);
	// Ages are counted to the start of the shift's day; a monthly count sits at mid-month.
	const windowFrom = dayToIso(ref - windowDays + 1 - (monthly ? 31 : 0));
	// Daily data or harm: read the records, so each incident is weighed by its time of day (in or
	// out of the shift's hours, as the backtested model does) and each offence code by its own harm;
	// monthly data without harm: the rollups' counts (no times, no codes to weigh).
	const rows: { cell: string; day: string; category: string; n: number; weight?: number }[] = [];
	const harmBasis = { coded: 0, approximate: 0 };
	const timing = { timed: 0, untimed: 0 };
	const hours = { startHour: shift.startHour, hours: shift.hours };
	const untimedWeight = (hours.hours + (24 - hours.hours) * OFF_SHIFT_WEIGHT) / 24;
	if (q.harm || !monthly) {
		const offences = await offenceCountsByCellDay(
			db,
			study.cells,
			res,
			windowFrom,
			date,
			categories
		);
		for (const o of offences) {
			const h = harmWeight(o.category, offenceCode(o.originalType, o.iucr));
			if (q.harm) harmBasis[h.coded ? 'coded' : 'approximate'] += o.n;
			timing[o.hour === null ? 'untimed' : 'timed'] += o.n;
			// Normalised so an incident without a time counts 1, as before times were known.
			const t =
				o.hour === null ? 1 : (inShift(o.hour, hours) ? 1 : OFF_SHIFT_WEIGHT) / untimedWeight;
			rows.push({
				cell: o.cell,
				day: o.day,
				category: o.category,
				n: o.n,
				weight: (q.harm ? h.weight : 1) * t
			});
		}
	} else
		rows.push(
			...(await countsByCellDayCategory(db, study.cells, res, windowFrom, date, categories))
		);
	const events = rows.map((r) => ({
		cell: r.cell,
		category: r.category,
		ageDays: ref - (isoToDay(r.day) + (monthly && r.day.endsWith('-01') ? 14 : 0)),
		n: r.n,
		weight: r.weight
	}));

	const countsFrom = rows
		.filter((_, i) => events[i].ageDays >= 0 && events[i].ageDays < windowDays)
		.reduce((m, r) => (r.day < m ? r.day : m), dayToIso(ref - windowDays + 1));

	// Time of day: the incidents of the area's cells over the year to the shift's date, the most
	// recent PROFILE_MAX_INCIDENTS of them when there are more (then the profile starts later).
	const weekday = isoWeekday(ref);
	const window = { weekday, startHour: shift.startHour, hours: shift.hours };
	const windows = await recentIncidentWindows(
		db,
		study.cells,
		res,
		dayToIso(ref - 364),
		date,
		categories,
		PROFILE_MAX_INCIDENTS
	);
	const profileFrom =
		windows.length === PROFILE_MAX_INCIDENTS
			? windows[windows.length - 1].day
			: dayToIso(ref - 364);
	const zones = new Map<string, number>();
	for (const w of windows) zones.set(w.timeZone, (zones.get(w.timeZone) ?? 0) + 1);
	const timeZone = [...zones].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UTC';
	const byCategory = new Map<string, { from: number; to: number }[]>();
	for (const w of windows) {
		let list = byCategory.get(w.category);
		if (!list) byCategory.set(w.category, (list = []));
		list.push({ from: w.from, to: w.to });
	}
	const options = { timeZone, maxWindowHours: 24 };
	const all = aoristicProfile(
		windows.map((w) => ({ from: w.from, to: w.to })),
		options
	);
	const allFactor = shiftFactor(all.hourByWeekday, window);
	const label = new Map(CATEGORIES.map((c) => [c.code as string, c.label]));
	const present = [...new Set(events.map((e) => e.category))].sort();
	const shiftFactors: ShiftFactorRow[] = present.map((category) => {
		const p = aoristicProfile(byCategory.get(category) ?? [], options);
		const own = p.used >= MIN_TIMED_INCIDENTS ? shiftFactor(p.hourByWeekday, window) : null;
		return {
			category,
			label: label.get(category) ?? category,
			factor: own ?? allFactor ?? 1,
			basis:
				own !== null
					? 'category profile'
					: allFactor !== null
						? 'all-category profile'
						: 'no times in the data (flat)',
			timedIncidents: p.used
		};
	});
	const risk = prospectiveRisk(events, {
		halfLifeDays,
		windowDays,
		shiftFactors: new Map(shiftFactors.map((f) => [f.category, f.factor]))
	});
	const listed = risk.cells.slice(0, q.limit ?? Infinity);
	const places = await placesOfCells(
		db,
		listed.slice(0, NAMED_CELLS).map((c) => c.cell)
	);
	return {
		parameters: {
			area: study.areas[0],
			shift: q.shift,
			shiftLabel: shift.label,
			requestedDate,
			date,
			weekday: WEEKDAYS[weekday],
			dataEnd,
			dataEndsBefore,
			granularity,
			res,
			halfLifeDays,
			windowDays,
			windowFrom: dayToIso(ref - windowDays + 1),
			windowTo: date,
			countsFrom,
			biasGuard,
			excludedCategories: excluded,
			harmIndex: q.harm ? HARM_INDEX.id : null,
			harm: q.harm ? harmNote(harmBasis) : null,
			timeOfDay:
				timing.timed > 0
					? {
							offShiftWeight: OFF_SHIFT_WEIGHT,
							timed: timing.timed,
							untimed: timing.untimed,
							rule: `Each incident with a time of day counts ${fmt2(1 / untimedWeight)} when it happened in the shift's hours and ${fmt2(OFF_SHIFT_WEIGHT / untimedWeight)} outside them (incidents without a time count 1), as in the tested forecast: a place busy at this time of day ranks above one busy at others.`
						}
					: null,
			profile: {
				from: profileFrom,
				to: date,
				method: 'aoristic hour × weekday (Ratcliffe 2002), incidents with windows ≤ 24 h',
				timedIncidents: all.used,
				untimedIncidents: all.skipped,
				timeZone
			},
			formula: risk.parameters.formula,
			studyCells: study.cells.length
		},
		shiftFactors,
		cells: listed.map((c, i) => ({
			...c,
			topCategoryLabel: label.get(c.topCategory) ?? c.topCategory,
			place: places[i] ?? null
		})),
		cellsWithRisk: risk.cells.length,
		intelligence: q.withReports
			? await reportsInStudy(db, scope, study.cells, res, dayToIso(ref - windowDays + 1), date)
			: null
	};
}

const fmt2 = (v: number) => v.toFixed(2);

/** What a harm-weighted ranking weighed by: offence codes, or broad categories only (approximate). */
export function harmNote(b: { coded: number; approximate: number }): {
	coded: number;
	approximate: number;
	note: string;
} {
	const all = b.coded + b.approximate;
	const note =
		all === 0
			? 'No incidents in the window to weigh.'
			: b.approximate === 0
				? `Harm weighed per offence code for all ${all} incidents (${HARM_INDEX.name}; codes mapped by a documented crosswalk, some rows approximate).`
				: b.coded === 0
					? `Approximate: the data has only broad categories, so each of the ${all} incidents is weighed by its category's typical harm (a category can span weights from about 9 to about 8,000).`
					: `Harm weighed per offence code for ${b.coded} of ${all} incidents; the other ${b.approximate} have only a broad category and are weighed approximately.`;
	return { ...b, note };
}

/** Accepted reports per study cell over [from, to] (local days), kept apart from crime counts. */
async function reportsInStudy(
	db: Database,
	scope: ReadScope | undefined,
	cells: readonly string[],
	res: number,
	from: string,
	to: string
): Promise<NonNullable<ShiftRisk['intelligence']>> {
	if (!scope || scope.audience === 'public')
		throw new ServiceError(
			'E_FORBIDDEN',
			'reports: intelligence reports are not part of your role; ask without them',
			403
		);
	const inStudy = new Set(cells);
	const found = await acceptedObservationCounts(db, {
		res,
		from,
		to,
		categories: null,
		allowedAreaIds: scope.areaIds,
		includeRestricted: scope.restricted,
		// The ranking feeds taskings (orders go to officers): a shared product.
		sharedProduct: true
	});
	const perCell: Record<string, number> = {};
	let total = 0;
	for (const [cell, n] of found.perCell) {
		if (!inStudy.has(cell)) continue;
		perCell[cell] = n;
		total += n;
	}
	return {
		total,
		perCell,
		withheld: scope.tellWithheld ? found.withheld : null,
		rule: `accepted, not merged reports inside your area limits; handling code C ${scope.restricted ? 'only with a sanitised text' : 'left out'}; not part of the risk or any crime count`
	};
}
