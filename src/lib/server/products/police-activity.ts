/**
 * "What police are doing" in a community-safety briefing: the taskings and patrol visits in the
 * neighbourhood over the briefing's period (docs/tasking.md) — patrol visits and time on patrol by
 * week, and which hot spots were tasked.
 *
 * A visit or a tasked spot belongs to the neighbourhood when its cell's centre lies in the
 * neighbourhood's resolution-10 cover. Randomised taskings' control spots are never listed (they were
 * not patrolled, and naming them would spoil the experiment).
 *
 * Public audience: no unit call signs, no times (weeks only), visit counts perturbed by the cell-key
 * method like every other count (a visit's record key is drawn from its id and creation time, so the
 * same visits publish the same value in every table), time on patrol in whole hours and only where at
 * least `threshold` visits were made (else "–": a count from 1 to threshold − 1 is never shown).
 */
import { createHash } from 'node:crypto';
import { cellToLatLng, latLngToCell } from 'h3-js';
import type { Queryable } from '../db/client';
import {
	areaCoverCells10,
	patrolVisitsInPeriod,
	taskedSpotsInPeriod,
	type BriefingVisit
} from '../db/queries/observations-area';
import { disclosePublicCount, type Audience } from '../auth/disclosure';
import { KEY_SPACE } from '../auth/cell-key';
import type { ProductBlock } from '../../contracts/products';

const DAY_MS = 86_400_000;

/** Decimal H3 index (as stored) → hex. */
const hex = (decimal: string) => BigInt(decimal).toString(16);

/** The visit's record key for the cell-key method (0 … 255). */
export function visitRecordKey(v: Pick<BriefingVisit, 'id' | 'createdAt'>): number {
	return createHash('sha256').update(`patrol-visit:${v.id}:${v.createdAt}`).digest()[0] % KEY_SPACE;
}

/** The Monday (YYYY-MM-DD, UTC) of the week holding an instant. */
function mondayOf(iso: string): string {
	const day = Math.floor(Date.parse(iso) / DAY_MS);
	const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
	return new Date((day - weekday) * DAY_MS).toISOString().slice(0, 10);
}

function minutesOf(v: BriefingVisit): number | null {
	return v.endedAt === null
		? null
		: Math.max(0, Math.round((Date.parse(v.endedAt) - Date.parse(v.startedAt)) / 60_000));
}

function where(h3: string): string {
	const [lat, lon] = cellToLatLng(hex(h3));
	return `${lat.toFixed(3)}, ${lon.toFixed(3)}`;
}

export interface PoliceActivity {
	blocks: ProductBlock[];
	/** For the product's parameters and summary. */
	totals: { visits: number | null; spots: number; taskings: number };
}

/**
 * The blocks of "what police are doing" for a neighbourhood and period, or a sentence saying there
 * is nothing to report (and why).
 */
export async function policeActivity(
	db: Queryable,
	q: {
		areaId: number;
		areaName: string;
		from: string;
		to: string;
		periodLabel: string;
		audience: Audience;
		threshold: number;
		/** Whether the installation holds tasking records at all. */
		tablesExist: boolean;
	}
): Promise<PoliceActivity> {
	const heading = 'What police are doing';
	if (!q.tablesExist)
		return {
			blocks: [
				{
					kind: 'text',
					heading,
					paragraphs: [
						`No taskings recorded: this installation holds no tasking or patrol-visit records, so nothing can be reported about patrols in ${q.areaName}.`
					]
				}
			],
			totals: { visits: null, spots: 0, taskings: 0 }
		};
	const cover = await areaCoverCells10(db, q.areaId);
	const inArea = (h3: string) => {
		const [lat, lon] = cellToLatLng(hex(h3));
		return cover.has(BigInt('0x' + latLngToCell(lat, lon, 10)).toString());
	};
	const visits = (await patrolVisitsInPeriod(db, q.from, q.to)).filter((v) => inArea(v.h3));
	const spots = (await taskedSpotsInPeriod(db, q.from, q.to)).filter((s) => inArea(s.h3));
	if (visits.length === 0 && spots.length === 0)
		return {
			blocks: [
				{
					kind: 'text',
					heading,
					paragraphs: [
						`No tasking or patrol visit was recorded in ${q.areaName} in ${q.periodLabel}.`
					]
				}
			],
			totals: { visits: 0, spots: 0, taskings: 0 }
		};
	const isPublic = q.audience === 'public';
	const count = (vs: BriefingVisit[]) =>
		isPublic
			? disclosePublicCount(
					{ n: vs.length, keySum: vs.reduce((s, v) => s + visitRecordKey(v), 0) },
					q.threshold
				)
			: vs.length;
	const time = (vs: BriefingVisit[]): string | number | null => {
		const timed = vs.map(minutesOf).filter((m): m is number => m !== null);
		const total = timed.reduce((s, m) => s + m, 0);
		if (!isPublic) return timed.length ? total : null;
		if (vs.length < q.threshold) return '–';
		return `about ${Math.round(total / 60)} h`;
	};

	// By week (Monday to Sunday; the first and last weeks may be partial months).
	const weeks = new Map<string, BriefingVisit[]>();
	for (
		let d = Date.parse(`${mondayOf(`${q.from}T00:00:00Z`)}T00:00:00Z`);
		d <= Date.parse(`${q.to}T00:00:00Z`);
		d += 7 * DAY_MS
	)
		weeks.set(new Date(d).toISOString().slice(0, 10), []);
	for (const v of visits) weeks.get(mondayOf(v.startedAt))?.push(v);

	// By tasked spot: shifts tasked, visits there.
	const bySpot = new Map<
		string,
		{ place: string | null; shifts: Set<number>; units: Set<string> }
	>();
	for (const s of spots) {
		const e = bySpot.get(s.h3) ?? { place: s.place, shifts: new Set(), units: new Set() };
		e.shifts.add(s.taskingId);
		e.units.add(s.callSign);
		bySpot.set(s.h3, e);
	}
	const visitsAt = (h3: string) => visits.filter((v) => v.h3 === h3);
	const spotRows = [...bySpot.entries()]
		.sort((a, b) => b[1].shifts.size - a[1].shifts.size || a[0].localeCompare(b[0]))
		.slice(0, 15)
		.map(([h3, e]) => [
			e.place ?? `near ${where(h3)}`,
			e.shifts.size,
			count(visitsAt(h3)),
			...(isPublic ? [] : [time(visitsAt(h3)), [...e.units].sort().join(', ')])
		]);
	const taskings = new Set(spots.map((s) => s.taskingId)).size;
	const total = count(visits);
	const hours = time(visits);
	const publicNote = isPublic
		? [
				`Visit counts are published by the cell-key method (0 stays 0, no count from 1 to ${q.threshold - 1} is shown); time on patrol is given in whole hours, and only where at least ${q.threshold} visits were made. No unit or time of day is shown.`
			]
		: [];
	return {
		totals: { visits: total, spots: bySpot.size, taskings },
		blocks: [
			{
				kind: 'text',
				heading,
				paragraphs: [
					`In ${q.periodLabel} ${bySpot.size} hot spot${bySpot.size === 1 ? ' was' : 's were'} tasked for patrol in ${q.areaName} on ${taskings} shift tasking${taskings === 1 ? '' : 's'}, and officers logged ${total} patrol visit${total === 1 ? '' : 's'} there${typeof hours === 'number' ? ` (${hours} minutes in all)` : hours && hours !== '–' ? ` (${hours} in all)` : ''}.`
				]
			},
			{
				kind: 'table',
				table: {
					caption: `Patrol visits in ${q.areaName} by week, ${q.periodLabel}`,
					columns: [
						'week starting (Monday)',
						'patrol visits',
						isPublic ? 'time on patrol' : 'minutes on patrol'
					],
					rows: [...weeks.entries()].map(([week, vs]) => [week, count(vs), time(vs)]),
					notes: [
						'Visits started in the period; the first and last weeks may reach outside it, and only their days in the period are counted.',
						...(isPublic
							? publicNote
							: [
									'Minutes count visits with a recorded end; a visit still open is counted without minutes.'
								])
					]
				}
			},
			{
				kind: 'table',
				table: {
					caption: `Hot spots tasked for patrol in ${q.areaName}, ${q.periodLabel}`,
					columns: [
						'hot spot',
						'shifts tasked',
						'patrol visits',
						...(isPublic ? [] : ['minutes', 'units'])
					],
					rows: spotRows,
					notes: [
						...(bySpot.size > spotRows.length
							? [`The ${spotRows.length} most often tasked of ${bySpot.size}.`]
							: []),
						'Only spots patrolled; the control spots of randomised taskings are not listed.'
					]
				}
			}
		]
	};
}
