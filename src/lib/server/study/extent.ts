/**
 * The data's extent: the one definition of "which days the data covers" that every view states and
 * computes with (map, supervisor, trends, neighbourhood). A monthly source (police.uk) dates every
 * incident to the 1st of its month, so its last stored day is the 1st of its last month, yet the data
 * covers that whole month: the extent runs to the month's last day. Not a user job: services share it.
 */
import { dayToIso, isoToDay } from '../analysis/days';
import type { Queryable } from '../db/client';
import { areaRollupDating, rollupRange, type DataRange } from '../db/queries/cells';
import { dayDating } from '../db/queries/areas-detail';
import { ServiceError } from '../errors';

export interface Granularity {
	unit: 'month' | 'day';
	/** Why, in words a user can check. */
	reason: string;
}

export interface DataExtent {
	/** First day the data covers. */
	from: string;
	/** Last day the data covers: for monthly data, the last day of its last month. */
	to: string;
	/** The first and last days with stored counts (monthly data: 1sts of months). */
	stored: DataRange;
	granularity: Granularity;
}

/**
 * Month or day: monthly sources (police.uk) date every incident to the 1st of its month, so when (nearly)
 * every rollup day of the data's last year is a 1st, only whole months can be compared.
 */
export async function dataGranularity(
	db: Queryable,
	range: DataRange | null
): Promise<Granularity | null> {
	if (!range) return null;
	const from = dayToIso(Math.max(isoToDay(range.from), isoToDay(range.to) - 365));
	return granularityOf(await dayDating(db, from, range.to), from, range.to);
}

function granularityOf(
	d: { rows: number; firstOfMonth: number },
	from: string,
	to: string
): Granularity {
	if (d.rows > 0 && d.firstOfMonth / d.rows >= 0.99)
		return {
			unit: 'month',
			reason: `The source publishes months (e.g. police.uk): it dates every incident to the 1st of its month (checked over the last year of data, ${from} to ${to}), so periods here are whole months.`
		};
	return {
		unit: 'day',
		reason: 'Incidents carry their own dates, so periods are 28 days.'
	};
}

/** The last day of the month `day` lies in. */
export function lastDayOfMonth(day: string): string {
	return dayToIso(Date.UTC(+day.slice(0, 4), +day.slice(5, 7), 0) / 86_400_000);
}

/**
 * The days the data covers and its grain, or null when nothing is imported.
 *
 * @example
 * await dataExtent(db); // police.uk 2016-01..2020-12: { from: '2016-01-01', to: '2020-12-31', granularity: { unit: 'month', … } }
 */
export async function dataExtent(db: Queryable): Promise<DataExtent | null> {
	const stored = await rollupRange(db);
	if (!stored) return null;
	const granularity = (await dataGranularity(db, stored))!;
	const monthly = granularity.unit === 'month';
	return {
		from: monthly ? stored.from.slice(0, 7) + '-01' : stored.from,
		to: monthly ? lastDayOfMonth(stored.to) : stored.to,
		stored,
		granularity
	};
}

/**
 * The extent of the data inside some areas (their resolution-9 covers): a database can hold sources
 * of different places, spans and grains (the demo: police.uk months in London to 2020, timed Chicago
 * records to 2019), and a forecast for an area must age and time its own data, not another city's.
 * Null when the areas hold no data.
 *
 * @example
 * await areaDataExtent(db, [chicagoDistrict11]); // { from: '2018-01-01', to: '2019-12-31', granularity: { unit: 'day', … } }
 */
export async function areaDataExtent(db: Queryable, areaIds: number[]): Promise<DataExtent | null> {
	const d = await areaRollupDating(db, areaIds);
	if (!d) return null;
	const stored = { from: d.from, to: d.to };
	const granularity = granularityOf(d, dayToIso(isoToDay(d.to) - 364), d.to);
	const monthly = granularity.unit === 'month';
	return {
		from: monthly ? stored.from.slice(0, 7) + '-01' : stored.from,
		to: monthly ? lastDayOfMonth(stored.to) : stored.to,
		stored,
		granularity
	};
}

/**
 * The data's extent for a statistic that needs data: no data is a 422 the user can act on. With
 * `areaIds`, the extent of the data inside those areas (the whole data's when they hold none).
 */
export async function requireDataExtent(
	db: Queryable,
	areaIds: number[] = []
): Promise<DataExtent & { monthly: boolean }> {
	const extent =
		(areaIds.length ? await areaDataExtent(db, areaIds) : null) ?? (await dataExtent(db));
	if (!extent)
		throw new ServiceError('E_NO_DATA', 'There are no incidents yet; import data first', 422);
	return { ...extent, monthly: extent.granularity.unit === 'month' };
}
