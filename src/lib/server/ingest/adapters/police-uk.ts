/**
 * data.police.uk street-level crime CSV (12 columns):
 * Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
 * Crime type, Last outcome category, Context.
 *
 * - Crime ID is the external id. Anti-social behaviour rows have none: they get a synthetic id from the
 *   row's content plus the ordinal of identical content in the file (see `SyntheticIds`), so a
 *   re-import gives the same ids and genuinely repeated identical ASB rows stay separate incidents.
 * - Month "YYYY-MM" → the Europe/London calendar month as a UTC window: occurredFrom = first instant,
 *   occurredTo = last millisecond (police.uk publishes no day or time).
 * - Points are police.uk's anonymised map points → precision 'snapped'. Blank coordinates ("No
 *   location") are imported with lon/lat null and precision 'none': the crime still counts in totals.
 *   Non-numeric or out-of-range coordinates, or only one of the pair, reject the row naming the column.
 * - An unknown crime type is imported as category 'other' with the original text kept, rather than
 *   rejected: police.uk has renamed groups before (2013) and a new name should not lose crimes.
 * - LSOA code/name, reporting force, outcome and context go into attributes (blank values omitted).
 */
import { categoryFromPoliceUk, categoryInfo } from '../../../taxonomy';
import { compileTimeFormat } from '../time';
import type { Adapter, RowResult, SourceRow } from '../types';
import { contentKey, readLonLat, SyntheticIds } from '../values';
import {
	attributeKeys,
	checkExternalId,
	checkTime,
	collectAttributes,
	reject,
	resolveColumns
} from './common';

const MONTH = compileTimeFormat('YYYY-MM');
const TIME_ZONE = 'Europe/London';

const REQUIRED = {
	crimeId: ['Crime ID'],
	month: ['Month'],
	longitude: ['Longitude'],
	latitude: ['Latitude'],
	crimeType: ['Crime type']
};
const OPTIONAL = { location: ['Location'] };

export function createPoliceUkAdapter(): Adapter {
	let cols: ReturnType<typeof resolveColumns<keyof typeof REQUIRED>>;
	let header: string[] = [];
	let attrKeys: string[] = [];
	const ids = new SyntheticIds('');

	return {
		format: 'police-uk',
		begin(h, file) {
			header = h;
			cols = resolveColumns(h, file, REQUIRED, OPTIONAL);
			attrKeys = attributeKeys(
				h,
				new Set(
					[
						cols.crimeId,
						cols.month,
						cols.longitude,
						cols.latitude,
						cols.crimeType,
						cols.location
					].filter((c): c is string => c !== undefined)
				)
			);
			ids.reset();
		},
		parse(row: SourceRow): RowResult {
			if (row.problem) return { ok: false, reject: row.problem };
			const v = row.values;
			const crimeType = (v[cols.crimeType] ?? '').trim();
			if (crimeType === '') return reject(cols.crimeType, 'crime type is blank');
			const monthText = (v[cols.month] ?? '').trim();
			const month = MONTH.parse(monthText, TIME_ZONE);
			if (!month) return reject(cols.month, `not a month in YYYY-MM form: "${monthText}"`);
			const implausible = checkTime(cols.month, monthText, month);
			if (implausible) return implausible;
			const point = readLonLat(v[cols.longitude], v[cols.latitude], {
				lon: cols.longitude,
				lat: cols.latitude
			});
			if (!point.ok) return reject(point.field, point.reason);

			const crimeId = (v[cols.crimeId] ?? '').trim();
			const badId = checkExternalId(cols.crimeId, crimeId);
			if (badId) return badId;
			const externalId =
				crimeId !== ''
					? crimeId
					: (categoryFromPoliceUk(crimeType) === 'anti-social-behaviour' ? 'asb-' : 'noid-') +
						ids.next(contentKey(header.map((h) => v[h] ?? '')));
			const category = categoryFromPoliceUk(crimeType);
			let location = cols.location ? (v[cols.location] ?? '').trim() : '';
			// police.uk writes "No Location" where it has no point; that is not a place name.
			if (/^no location$/i.test(location)) location = '';
			return {
				ok: true,
				incident: {
					externalId,
					category,
					originalType: crimeType,
					occurredFrom: month.from,
					occurredTo: month.to,
					reportedAt: null,
					lon: point.lon,
					lat: point.lat,
					projected: null,
					locationPrecision: point.lon === null ? 'none' : 'snapped',
					locationText: location === '' ? null : location,
					sensitive: categoryInfo(category).sensitiveByDefault,
					attributes: collectAttributes(v, attrKeys)
				}
			};
		}
	};
}
