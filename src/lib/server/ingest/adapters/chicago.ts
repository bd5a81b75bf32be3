/**
 * City of Chicago data-portal "Crimes - 2001 to present" CSV (22 columns), in either header style:
 * the portal's CSV export ("ID, Case Number, Date, ..., X Coordinate, ..., Updated On, Latitude,
 * Longitude, Location") or the SODA API's snake_case ("id, case_number, date, primary_type,
 * x_coordinate, ..."). Columns are matched ignoring case, spaces and underscores.
 *
 * - ID is the external id (Case Number and the rest go into attributes).
 * - Date "MM/DD/YYYY hh:mm:ss AM" (CSV export) or "YYYY-MM-DDTHH:mm:ss.SSS" (API) is America/Chicago
 *   wall-clock time, converted to UTC with the tz database: correct across DST; an hour repeated when
 *   clocks go back is read as its first occurrence (CDT), a skipped hour is moved forward.
 * - Coordinates: Latitude/Longitude when present; otherwise X/Y Coordinate (Illinois State Plane East,
 *   NAD83, US feet, EPSG:3435) as `projected` for the runner to reproject; neither → imported with no
 *   location (the portal leaves ~10 % of recent rows unlocated). X/Y of 0 count as blank; X/Y that
 *   reproject outside EPSG:3435's area of use (Illinois East) are rejected. The portal
 *   moves points to the block for privacy → precision 'street'; Block is the location text.
 * - sensitive when Domestic is true or the type is sensitive (sexual offences, offences involving
 *   children, stalking, trafficking).
 * - reportedAt is null: the extract has no report time. "Updated On" (last edit of the record) is kept
 *   in attributes with every other column except the redundant "Location" "(lat, lon)" text.
 */
import { classifyChicago } from '../../../taxonomy';
import { compileTimeFormat, ISO_FORMAT } from '../time';
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

const TIME_ZONE = 'America/Chicago';
const PORTAL_DATE = compileTimeFormat('MM/DD/YYYY hh:mm:ss A');
const PORTAL_DATE_NO_SECONDS = compileTimeFormat('MM/DD/YYYY hh:mm A');
/** Illinois State Plane East, NAD83, US survey feet. */
export const CHICAGO_STATE_PLANE_SRID = 3435;
/** EPSG:3435's area of use (EPSG registry): X/Y reprojecting outside it are not Illinois East. */
const ILLINOIS_EAST = {
	west: -89.28,
	south: 37.06,
	east: -87.02,
	north: 42.5,
	area: 'Illinois East'
};

const REQUIRED = {
	id: ['ID'],
	date: ['Date'],
	primaryType: ['Primary Type'],
	latitude: ['Latitude'],
	longitude: ['Longitude']
};
const OPTIONAL = {
	description: ['Description'],
	block: ['Block'],
	domestic: ['Domestic'],
	x: ['X Coordinate'],
	y: ['Y Coordinate'],
	location: ['Location']
};

function parseChicagoDate(text: string) {
	return (
		PORTAL_DATE.parse(text, TIME_ZONE) ??
		PORTAL_DATE_NO_SECONDS.parse(text, TIME_ZONE) ??
		ISO_FORMAT.parse(text, TIME_ZONE)
	);
}

function isTrue(text: string | undefined): boolean {
	return /^(true|t|y|yes|1)$/i.test((text ?? '').trim());
}

export function createChicagoAdapter(): Adapter {
	let cols: ReturnType<typeof resolveColumns<keyof typeof REQUIRED>>;
	let attrKeys: string[] = [];

	return {
		format: 'chicago',
		begin(h, file) {
			cols = resolveColumns(h, file, REQUIRED, OPTIONAL);
			attrKeys = attributeKeys(
				h,
				new Set(
					[
						cols.id,
						cols.date,
						cols.primaryType,
						cols.latitude,
						cols.longitude,
						cols.block,
						cols.location
					].filter((c): c is string => c !== undefined)
				)
			);
		},
		parse(row: SourceRow): RowResult {
			if (row.problem) return { ok: false, reject: row.problem };
			const v = row.values;
			const id = (v[cols.id] ?? '').trim();
			if (id === '') return reject(cols.id, 'ID is blank');
			const badId = checkExternalId(cols.id, id);
			if (badId) return badId;
			const primaryType = (v[cols.primaryType] ?? '').trim();
			if (primaryType === '') return reject(cols.primaryType, 'primary type is blank');
			const dateText = (v[cols.date] ?? '').trim();
			const when = parseChicagoDate(dateText);
			if (!when)
				return reject(cols.date, `not a date in MM/DD/YYYY hh:mm:ss AM form: "${dateText}"`);
			const implausible = checkTime(cols.date, dateText, when);
			if (implausible) return implausible;

			const point = readLonLat(v[cols.longitude], v[cols.latitude], {
				lon: cols.longitude,
				lat: cols.latitude
			});
			if (!point.ok) return reject(point.field, point.reason);
			let projected: NormalisedIncident['projected'] = null;
			if (point.lon === null && cols.x && cols.y) {
				const x = parseNumber(v[cols.x]);
				const y = parseNumber(v[cols.y]);
				if (x !== null && y !== null && !(x === 0 && y === 0)) {
					if (Number.isNaN(x)) return reject(cols.x, `not a number: "${v[cols.x]}"`);
					if (Number.isNaN(y)) return reject(cols.y, `not a number: "${v[cols.y]}"`);
					projected = {
						x,
						y,
						srid: CHICAGO_STATE_PLANE_SRID,
						within: { ...ILLINOIS_EAST, field: `${cols.x}/${cols.y}` }
					};
				} else if ((x === null) !== (y === null)) {
					const field = x === null ? cols.x : cols.y;
					return reject(field, 'one of X/Y Coordinate is blank');
				}
			}

			const description = cols.description ? (v[cols.description] ?? '') : '';
			const { category, sensitive } = classifyChicago(primaryType, description);
			const block = cols.block ? (v[cols.block] ?? '').trim() : '';
			const located = point.lon !== null || projected !== null;
			return {
				ok: true,
				incident: {
					externalId: id,
					category,
					originalType: primaryType,
					occurredFrom: when.from,
					occurredTo: when.to,
					reportedAt: null,
					lon: point.lon,
					lat: point.lat,
					projected,
					locationPrecision: located ? 'street' : 'none',
					locationText: block === '' ? null : block,
					sensitive: sensitive || (cols.domestic !== undefined && isTrue(v[cols.domestic])),
					attributes: collectAttributes(v, attrKeys)
				}
			};
		}
	};
}
