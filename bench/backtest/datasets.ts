/**
 * Datasets of the forecast-accuracy benchmark (bench/backtest/run.ts) and the held-out test
 * (tests/integration/backtest-held-out.test.ts): published files under ../shared/data, read as
 * `beatwise backtest` reads them, with the settings of each run.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readEvents } from '../../src/cli/commands/backtest';
import type { BacktestEvent } from '../../src/lib/server/analysis/backtest';
import { sharedPath } from '../../src/lib/server/analysis/test-data';

export interface Source {
	id: string;
	files: string[];
	lon: string;
	lat: string;
	date: string;
	time?: string;
	timeZone: string;
}

export interface Run {
	source: Source;
	label: string;
	res: number;
	from: string;
	to: string;
	stepDays: number;
	horizonDays: number;
	coverage: number;
	/** Local hours counted (a shift), if any. */
	hours?: { startHour: number; hours: number };
}

export const CHICAGO: Source = {
	id: 'chicago-assaults',
	files: [sharedPath('data/chicago-cpd/derived/chicago_aggravated_assaults.csv.gz')],
	lon: 'longitude',
	lat: 'latitude',
	date: 'date',
	timeZone: 'America/Chicago'
};

const cityOfLondonDir = sharedPath('data/uk-policeuk-city-of-london/crime');
export const CITY_OF_LONDON: Source = {
	id: 'police.uk City of London',
	get files() {
		return readdirSync(cityOfLondonDir)
			.sort()
			.flatMap((m) =>
				readdirSync(join(cityOfLondonDir, m))
					.filter((f) => f.endsWith('-street.csv'))
					.map((f) => join(cityOfLondonDir, m, f))
			);
	},
	lon: 'Longitude',
	lat: 'Latitude',
	date: 'Month',
	timeZone: 'Europe/London'
};

export const MERSEYSIDE: Source = {
	id: 'police.uk Merseyside',
	files: [
		sharedPath('data/uk-policeuk-merseyside/police-uk-2017-01-merseyside-street.csv'),
		sharedPath('data/uk-policeuk-merseyside/police-uk-2018-12-merseyside-street.csv')
	],
	lon: 'Longitude',
	lat: 'Latitude',
	date: 'Month',
	timeZone: 'Europe/London'
};

export const DFT_MET: Source = {
	id: 'DfT collisions, Met Police Jan 2022',
	files: [
		sharedPath(
			'data/uk-dft-stats19/dft-road-casualty-statistics-collision-2022_first-1049-rows.csv'
		)
	],
	lon: 'longitude',
	lat: 'latitude',
	date: 'date',
	time: 'time',
	timeZone: 'Europe/London'
};

export const DFT_CITY: Source = {
	id: 'DfT collisions, City of London 2023',
	files: [
		sharedPath(
			'data/uk-dft-stats19/dft-road-casualty-statistics-collision-2023_city-of-london-police.csv'
		)
	],
	lon: 'longitude',
	lat: 'latitude',
	date: 'date',
	time: 'time',
	timeZone: 'Europe/London'
};

const cache = new Map<string, BacktestEvent[]>();

/** The source's rows as events at `res` (rows without a usable date or coordinates left out). */
export function loadEvents(source: Source, res: number): BacktestEvent[] {
	const key = `${source.id}|${res}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const events: BacktestEvent[] = [];
	for (const file of source.files) {
		let buf = readFileSync(file);
		if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
		const records = parse(buf.toString('utf8'), {
			relax_column_count: true,
			skip_empty_lines: true,
			bom: true,
			info: true
		}) as unknown as { record: string[]; info: { lines: number } }[];
		const header = records[0].record.map((h) => h.trim().toLowerCase());
		const col = (name: string) => header.indexOf(name.toLowerCase());
		const read = readEvents(
			records.slice(1),
			{
				lon: col(source.lon),
				lat: col(source.lat),
				date: col(source.date),
				time: source.time ? col(source.time) : null,
				harm: null
			},
			{ res, timeZone: source.timeZone, dateOrder: null }
		);
		for (const e of read.events) events.push(e);
	}
	cache.set(key, events);
	return events;
}

/** Tuning: the only data the default model's settings were chosen on (Chicago, 2011–2014). */
export const TUNING_RUNS: Run[] = [
	{
		source: CHICAGO,
		label: 'r9 7d 5%',
		res: 9,
		from: '2011-01-03',
		to: '2014-12-22',
		stepDays: 14,
		horizonDays: 7,
		coverage: 0.05
	},
	{
		source: CHICAGO,
		label: 'r8 28d 2%',
		res: 8,
		from: '2011-01-03',
		to: '2014-12-01',
		stepDays: 28,
		horizonDays: 28,
		coverage: 0.02
	},
	{
		source: CHICAGO,
		label: '2013–14 r9 7d 3% late shift',
		res: 9,
		from: '2013-01-07',
		to: '2014-12-22',
		stepDays: 14,
		horizonDays: 7,
		coverage: 0.03,
		hours: { startHour: 15, hours: 8 }
	}
];

const LATE_SHIFT_2018: Run = {
	source: CHICAGO,
	label: '2018–19 r9 7d 3% late shift',
	res: 9,
	from: '2018-01-01',
	to: '2019-12-23',
	stepDays: 14,
	horizonDays: 7,
	coverage: 0.03,
	hours: { startHour: 15, hours: 8 }
};

/** Held out: other years, resolutions, coverages, horizons, shifts, cities and kinds of data. */
export const VALIDATION_RUNS: Run[] = [
	{
		source: CHICAGO,
		label: '2017–19 r9 7d 5%',
		res: 9,
		from: '2017-01-02',
		to: '2019-12-23',
		stepDays: 14,
		horizonDays: 7,
		coverage: 0.05
	},
	{
		source: CHICAGO,
		label: '2017–19 r10 1d 1%',
		res: 10,
		from: '2017-01-02',
		to: '2019-12-30',
		stepDays: 9,
		horizonDays: 1,
		coverage: 0.01
	},
	{
		source: CHICAGO,
		label: '2017–19 r8 28d 10%',
		res: 8,
		from: '2017-01-02',
		to: '2019-12-02',
		stepDays: 28,
		horizonDays: 28,
		coverage: 0.1
	},
	LATE_SHIFT_2018,
	{ ...LATE_SHIFT_2018, label: '2018–19 r9 7d 3% night shift', hours: { startHour: 23, hours: 8 } },
	{
		source: CITY_OF_LONDON,
		label: '2020 months r9 10%',
		res: 9,
		from: '2020-02-01',
		to: '2020-12-01',
		stepDays: 1,
		horizonDays: 1,
		coverage: 0.1
	},
	{
		source: CITY_OF_LONDON,
		label: '2016–17 months r10 5%',
		res: 10,
		from: '2016-04-01',
		to: '2017-06-01',
		stepDays: 1,
		horizonDays: 1,
		coverage: 0.05
	},
	{
		source: DFT_MET,
		label: 'Jan 2022 r8 1d 5%',
		res: 8,
		from: '2022-01-08',
		to: '2022-01-19',
		stepDays: 1,
		horizonDays: 1,
		coverage: 0.05
	},
	{
		source: DFT_CITY,
		label: '2023 r10 28d 10%',
		res: 10,
		from: '2023-03-01',
		to: '2023-12-03',
		stepDays: 14,
		horizonDays: 28,
		coverage: 0.1
	}
];
