/**
 * DfT road-safety open data (STATS19) collision files: one row per reported personal-injury road
 * collision (https://www.gov.uk/government/statistical-data-sets/road-safety-open-data). Both header
 * generations are read: `accident_index, accident_severity, …` (to 2024) and `collision_index,
 * collision_severity, …` (2025 on); columns are matched ignoring case, spaces and underscores.
 *
 * - The collision index is the external id, so re-importing a file (or a later file of the same year)
 *   adds nothing twice.
 * - Severity (1 fatal, 2 serious, 3 slight: the most severe casualty) gives the category
 *   `road-collision-fatal|serious|slight` — a road-safety category, never a crime one
 *   (src/lib/road-safety.ts). Any other code rejects the row naming the column.
 * - Date "DD/MM/YYYY" (or "YYYY-MM-DD") and time "HH:MM" are Europe/London clock time (GMT in winter,
 *   BST in summer), converted to UTC with the tz database. A blank or "-1" time keeps the row with the
 *   whole local day as its window.
 * - Location: longitude/latitude (WGS84) when present; otherwise location_easting_osgr/northing
 *   (British National Grid, OSGB36, EPSG:27700) as `projected` for the runner to reproject with the
 *   definition PostGIS holds; grid references that land outside Great Britain are rejected. Neither →
 *   stored without a location and counted (precision 'none'). "NULL" is read as blank (older files).
 *   The police record the collision's own location → precision 'exact'.
 * - Location text is the first road ("A3218", "B510", "Unclassified road") when the file has it.
 * - Every other column is kept verbatim in attributes (speed limit, road type, light and weather
 *   conditions, numbers of vehicles and casualties, police force, local authority, LSOA, …); their code
 *   lists are in docs/road-safety.md.
 */
import {
	ROAD_CATEGORY_BY_SEVERITY,
	ROAD_SEVERITY_LABELS,
	type RoadSeverity
} from '../../../road-safety';
import { compileTimeFormat, ISO_FORMAT, type ParsedTime } from '../time';
import type { Adapter, NormalisedIncident, RowResult, SourceRow } from '../types';
import { parseNumber, readLonLat } from '../values';
import {
	attributeKeys,
	checkExternalId,
	checkTime,
	collectAttributes,
	reject,
	resolveColumns
} from './common';

const TIME_ZONE = 'Europe/London';
/** British National Grid (OSGB36). */
export const BRITISH_NATIONAL_GRID_SRID = 27700;
/** EPSG:27700's area of use (EPSG registry: UK offshore and onshore), in degrees. */
const GREAT_BRITAIN = {
	west: -9.01,
	south: 49.75,
	east: 2.01,
	north: 61.01,
	area: 'Great Britain'
};

const DATE_TIME = compileTimeFormat('DD/MM/YYYY HH:mm');
const DATE_ONLY = compileTimeFormat('DD/MM/YYYY');
const ISO_DATE_TIME = compileTimeFormat('YYYY-MM-DD HH:mm');

const SEVERITY_CODES: Record<string, RoadSeverity> = {
	'1': 'fatal',
	'2': 'serious',
	'3': 'slight'
};
/** first_road_class codes → the road's letter (0 is "not at junction" for the second road only). */
const ROAD_CLASS: Record<string, string> = { '1': 'M', '2': 'A(M)', '3': 'A', '4': 'B', '5': 'C' };

const REQUIRED = {
	index: ['collision_index', 'accident_index'],
	severity: ['collision_severity', 'accident_severity'],
	date: ['date'],
	time: ['time'],
	longitude: ['longitude'],
	latitude: ['latitude']
};
const OPTIONAL = {
	easting: ['location_easting_osgr'],
	northing: ['location_northing_osgr'],
	roadClass: ['first_road_class'],
	roadNumber: ['first_road_number']
};

function blank(text: string | undefined): string {
	const t = (text ?? '').trim();
	return /^null$/i.test(t) ? '' : t;
}

function parseWhen(date: string, time: string): ParsedTime | null {
	if (time === '' || time === '-1')
		return DATE_ONLY.parse(date, TIME_ZONE) ?? ISO_FORMAT.parse(date, TIME_ZONE);
	if (!/^\d{1,2}:\d{2}$/.test(time)) return null;
	return (
		DATE_TIME.parse(`${date} ${time}`, TIME_ZONE) ??
		ISO_DATE_TIME.parse(`${date} ${time}`, TIME_ZONE)
	);
}

function roadName(classCode: string, number: string): string | null {
	if (classCode === '6') return 'Unclassified road';
	const letter = ROAD_CLASS[classCode];
	if (!letter) return null;
	return number !== '' && number !== '0' && number !== '-1'
		? `${letter}${number}`
		: `${letter} road`;
}

export function createStats19Adapter(): Adapter {
	let cols: ReturnType<typeof resolveColumns<keyof typeof REQUIRED>>;
	let attrKeys: string[] = [];

	return {
		format: 'stats19',
		begin(h, file) {
			cols = resolveColumns(h, file, REQUIRED, OPTIONAL);
			attrKeys = attributeKeys(
				h,
				new Set(
					[cols.index, cols.severity, cols.date, cols.time, cols.longitude, cols.latitude].filter(
						(c): c is string => c !== undefined
					)
				)
			);
		},
		parse(row: SourceRow): RowResult {
			if (row.problem) return { ok: false, reject: row.problem };
			const v = row.values;
			const id = blank(v[cols.index]);
			if (id === '') return reject(cols.index, 'collision index is blank');
			const badId = checkExternalId(cols.index, id);
			if (badId) return badId;

			const severityText = blank(v[cols.severity]);
			const severity = SEVERITY_CODES[severityText];
			if (!severity)
				return reject(
					cols.severity,
					`severity "${severityText}" is not 1 (fatal), 2 (serious) or 3 (slight)`
				);

			const dateText = blank(v[cols.date]);
			const timeText = blank(v[cols.time]);
			if (dateText === '') return reject(cols.date, 'date is blank');
			const when = parseWhen(dateText, timeText);
			if (!when) {
				const field = DATE_ONLY.parse(dateText, TIME_ZONE) ? cols.time : cols.date;
				return field === cols.time
					? reject(cols.time, `not a time in HH:MM form: "${timeText}"`)
					: reject(cols.date, `not a date in DD/MM/YYYY form: "${dateText}"`);
			}
			const implausible = checkTime(cols.date, dateText, when);
			if (implausible) return implausible;

			const point = readLonLat(blank(v[cols.longitude]), blank(v[cols.latitude]), {
				lon: cols.longitude,
				lat: cols.latitude
			});
			if (!point.ok) return reject(point.field, point.reason);
			let projected: NormalisedIncident['projected'] = null;
			if (point.lon === null && cols.easting && cols.northing) {
				const x = parseNumber(blank(v[cols.easting]));
				const y = parseNumber(blank(v[cols.northing]));
				if ((x === null) !== (y === null))
					return reject(
						x === null ? cols.easting : cols.northing,
						'one of easting/northing is blank'
					);
				if (x !== null && y !== null) {
					if (Number.isNaN(x)) return reject(cols.easting, `not a number: "${v[cols.easting]}"`);
					if (Number.isNaN(y)) return reject(cols.northing, `not a number: "${v[cols.northing]}"`);
					projected = {
						x,
						y,
						srid: BRITISH_NATIONAL_GRID_SRID,
						within: { ...GREAT_BRITAIN, field: `${cols.easting}/${cols.northing}` }
					};
				}
			}

			const located = point.lon !== null || projected !== null;
			const road =
				cols.roadClass !== undefined
					? roadName(blank(v[cols.roadClass]), cols.roadNumber ? blank(v[cols.roadNumber]) : '')
					: null;
			return {
				ok: true,
				incident: {
					externalId: id,
					category: ROAD_CATEGORY_BY_SEVERITY[severity],
					originalType: ROAD_SEVERITY_LABELS[severity],
					occurredFrom: when.from,
					occurredTo: when.to,
					reportedAt: null,
					lon: point.lon,
					lat: point.lat,
					projected,
					locationPrecision: located ? 'exact' : 'none',
					locationText: road,
					sensitive: false,
					attributes: collectAttributes(v, attrKeys)
				}
			};
		}
	};
}
