/**
 * GeoJSON FeatureCollection of incident points.
 *
 * Reading is streamed: a small scanner walks the text chunk by chunk (strings and escapes aware),
 * finds the top-level `features` array and hands each feature's text to JSON.parse on its own, so only
 * one feature is held at a time whatever the file size. A legacy top-level `crs` member
 * ("urn:ogc:def:crs:EPSG::27700") is honoured when it comes before `features`, as GDAL writes it.
 *
 * Each feature becomes a SourceRow: `rowNumber` is the feature's 1-based position in the array (no
 * header row), `values` are its properties as text (numbers as written by JSON, null as blank,
 * objects as JSON) plus `@lon`, `@lat` (Point coordinates) and `@crs`, and `raw` is the feature JSON.
 * Features whose geometry is not a Point (or a single-point MultiPoint) are problem rows; a null
 * geometry is an unlocated incident.
 *
 * The adapter is the mapped-CSV adapter over those values: the mapping names properties instead of
 * columns; without `location` it uses the geometry. Without any mapping, properties are guessed
 * (id/ID/incident_id, date/datetime/occurred, category/type/crime_type/primary_type) in UTC.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { findColumn, MAX_RECORD_CHARS, notRegularFile } from '../csv';
import { parseMapping, type ImportMapping } from '../mapping';
import { ImportError, type Adapter, type SourceRow } from '../types';
import { describeHeader } from './common';
import { createMappedCsvAdapter } from './mapped-csv';

export const GEOJSON_LON = '@lon';
export const GEOJSON_LAT = '@lat';
export const GEOJSON_CRS = '@crs';

/** Incremental scanner for `{ ..., "features": [ {...}, {...} ] }`. */
export class FeatureScanner {
	private depth = 0;
	private inString = false;
	private escaped = false;
	private stringStart = -1;
	private pendingString = '';
	private lastString = '';
	private expectingValueFor = '';
	private inFeatures = false;
	private featuresSeen = false;
	private captureDepth = -1;
	private capture = '';
	private captureStart = -1;
	private captureKind: 'feature' | 'crs' | null = null;
	crsText: string | null = null;
	topLevelType: string | null = null;

	/** Feeds a chunk; returns the feature texts completed in it. */
	push(chunk: string): string[] {
		const out: string[] = [];
		for (let i = 0; i < chunk.length; i++) {
			const ch = chunk.charCodeAt(i);
			if (this.inString) {
				if (this.escaped) this.escaped = false;
				else if (ch === 92 /* \ */) this.escaped = true;
				else if (ch === 34 /* " */) {
					this.inString = false;
					if (this.stringStart >= 0) {
						this.lastString = this.pendingString + chunk.slice(this.stringStart, i);
						this.pendingString = '';
						this.stringStart = -1;
					}
				}
				continue;
			}
			switch (ch) {
				case 34: // "
					this.inString = true;
					// Only top-level strings (keys and the "type" value) are worth keeping.
					if (this.depth === 1 && this.captureKind === null) {
						this.stringStart = i + 1;
						this.pendingString = '';
					}
					break;
				case 58: // :
					if (this.depth === 1) this.expectingValueFor = this.lastString;
					break;
				case 44: // ,
					if (this.depth === 1) {
						if (this.expectingValueFor === 'type') this.topLevelType = this.lastString;
						this.expectingValueFor = '';
					}
					break;
				case 123: // {
				case 91: {
					// [
					this.depth++;
					if (this.depth === 2 && this.expectingValueFor === 'features' && ch === 91) {
						this.inFeatures = true;
						this.featuresSeen = true;
					} else if (this.depth === 2 && this.expectingValueFor === 'crs' && ch === 123) {
						this.startCapture('crs', i);
					} else if (this.depth === 3 && this.inFeatures && ch === 123) {
						this.startCapture('feature', i);
					}
					break;
				}
				case 125: // }
				case 93: {
					// ]
					if (this.captureKind !== null && this.depth === this.captureDepth) {
						const text = this.capture + chunk.slice(this.captureStart, i + 1);
						if (this.captureKind === 'feature') out.push(text);
						else this.crsText = text;
						this.captureKind = null;
						this.capture = '';
						this.captureStart = -1;
					}
					if (this.depth === 2 && this.inFeatures && ch === 93) this.inFeatures = false;
					if (this.depth === 1 && this.expectingValueFor === 'type')
						this.topLevelType = this.lastString;
					this.depth--;
					break;
				}
			}
		}
		if (this.captureKind !== null) {
			this.capture += chunk.slice(this.captureStart);
			this.captureStart = 0;
		}
		if (this.inString && this.stringStart >= 0) {
			this.pendingString += chunk.slice(this.stringStart);
			this.stringStart = 0;
		}
		return out;
	}

	private startCapture(kind: 'feature' | 'crs', i: number): void {
		this.captureKind = kind;
		this.captureDepth = this.depth;
		this.capture = '';
		this.captureStart = i;
	}

	get sawFeatures(): boolean {
		return this.featuresSeen;
	}

	get unbalanced(): boolean {
		return this.depth !== 0 || this.inString;
	}

	/** Characters of the feature (or crs) being captured so far: 0 between features. */
	get pendingChars(): number {
		return this.captureKind === null ? 0 : this.capture.length;
	}
}

/** EPSG code named by a GeoJSON `crs` member, or null. CRS84 / OGC:1.3:CRS84 are WGS84 (4326). */
export function epsgFromGeoJsonCrs(crs: unknown): number | null {
	const name = (crs as { properties?: { name?: unknown } } | null)?.properties?.name;
	if (typeof name !== 'string') return null;
	if (/CRS84$/i.test(name)) return 4326;
	const m = /EPSG:{1,2}(\d+)$/i.exec(name) ?? /EPSG\/\d*\/?(\d+)$/i.exec(name);
	return m ? Number(m[1]) : null;
}

function asText(v: unknown): string {
	if (v === null || v === undefined) return '';
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	return JSON.stringify(v);
}

function featureRow(text: string, rowNumber: number, crs: string): SourceRow {
	let feature: { type?: unknown; properties?: unknown; geometry?: unknown };
	try {
		feature = JSON.parse(text);
	} catch (e) {
		return {
			rowNumber,
			values: {},
			raw: text,
			problem: { field: '', reason: `feature is not valid JSON (${(e as Error).message})` }
		};
	}
	const values: Record<string, string> = {};
	const props = feature.properties;
	if (props && typeof props === 'object') {
		for (const [k, v] of Object.entries(props as Record<string, unknown>)) values[k] = asText(v);
	}
	values[GEOJSON_CRS] = crs;
	values[GEOJSON_LON] = '';
	values[GEOJSON_LAT] = '';
	const row: SourceRow = { rowNumber, values, raw: text };
	const g = feature.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
	if (g === null || g === undefined) return row;
	let point: unknown = null;
	if (g.type === 'Point') point = g.coordinates;
	else if (g.type === 'MultiPoint' && Array.isArray(g.coordinates) && g.coordinates.length === 1)
		point = g.coordinates[0];
	else {
		row.problem = {
			field: 'geometry',
			reason: `geometry type ${String(g.type)} is not a point`
		};
		return row;
	}
	if (!Array.isArray(point) || point.length < 2) {
		row.problem = { field: 'geometry', reason: 'Point has no [x, y] coordinates' };
		return row;
	}
	values[GEOJSON_LON] = asText(point[0]);
	values[GEOJSON_LAT] = asText(point[1]);
	return row;
}

export interface GeoJsonRows {
	header: string[];
	rows: AsyncGenerator<SourceRow, void, undefined>;
	bytesRead(): number;
	totalBytes: number;
	close(): void;
}

/**
 * Opens a GeoJSON FeatureCollection and reads up to its first feature (whose property names become
 * the header). Throws ImportError E_FILE_UNREADABLE / E_FORMAT for files that cannot be used at all.
 */
export async function openGeoJsonRows(file: string): Promise<GeoJsonRows> {
	let totalBytes: number;
	try {
		const st = await stat(file);
		const notFile = notRegularFile(st);
		if (notFile) throw new Error(notFile);
		totalBytes = st.size;
	} catch (e) {
		throw new ImportError('E_FILE_UNREADABLE', `cannot read file (${(e as Error).message})`, file);
	}
	const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
	const decoder = new StringDecoder('utf8');
	const scanner = new FeatureScanner();
	let bytes = 0;
	let rowNumber = 0;
	const queue: string[] = [];
	const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	let first = true;
	let ended = false;

	async function fill(): Promise<boolean> {
		while (queue.length === 0 && !ended) {
			let r: IteratorResult<Buffer>;
			try {
				r = await iterator.next();
			} catch (e) {
				throw new ImportError('E_FILE_UNREADABLE', `read failed (${(e as Error).message})`, file);
			}
			if (r.done) {
				ended = true;
				queue.push(...scanner.push(decoder.end()));
				break;
			}
			bytes += r.value.length;
			let text = decoder.write(r.value);
			if (first) {
				first = false;
				text = text.replace(/^\uFEFF/, '');
				const start = text.trimStart()[0];
				if (start !== '{')
					throw new ImportError(
						'E_FORMAT',
						`not a GeoJSON FeatureCollection (starts with ${JSON.stringify(text.trimStart().slice(0, 20))})`,
						file
					);
			}
			queue.push(...scanner.push(text));
			// A feature that never closes (a string left open) would otherwise be held whole.
			if (scanner.pendingChars > MAX_RECORD_CHARS) {
				throw new ImportError(
					'E_FORMAT',
					`feature ${rowNumber + queue.length + 1} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} M characters: not an incident (a string or object that is never closed?)`,
					file
				);
			}
		}
		return queue.length > 0;
	}

	const crs = () => {
		if (scanner.crsText === null) return 'EPSG:4326';
		let parsed: unknown;
		try {
			parsed = JSON.parse(scanner.crsText);
		} catch {
			return 'EPSG:4326';
		}
		const code = epsgFromGeoJsonCrs(parsed);
		return code === null ? 'EPSG:4326' : `EPSG:${code}`;
	};

	try {
		if (totalBytes === 0) throw new ImportError('E_FORMAT', 'file is empty', file);
		await fill();
	} catch (e) {
		stream.destroy();
		throw e;
	}
	if (queue.length === 0) {
		stream.destroy();
		if (!scanner.sawFeatures)
			throw new ImportError(
				'E_FORMAT',
				`no "features" array found (top-level type ${scanner.topLevelType ?? 'unknown'}); expected a FeatureCollection`,
				file
			);
	}
	const firstRow = queue.length > 0 ? featureRow(queue[0], 1, crs()) : null;
	const header = firstRow ? Object.keys(firstRow.values) : [GEOJSON_LON, GEOJSON_LAT, GEOJSON_CRS];

	async function* rows(): AsyncGenerator<SourceRow, void, undefined> {
		try {
			while (await fill()) {
				const text = queue.shift()!;
				rowNumber++;
				yield rowNumber === 1 && firstRow ? firstRow : featureRow(text, rowNumber, crs());
			}
			if (scanner.unbalanced)
				throw new ImportError(
					'E_FORMAT',
					`file ends inside a JSON value after ${rowNumber} features (truncated?)`,
					file
				);
		} finally {
			stream.destroy();
		}
	}

	return {
		header,
		rows: rows(),
		bytesRead: () => bytes,
		totalBytes,
		close: () => stream.destroy()
	};
}

/** A guessed mapping for GeoJSON without one: common property names, UTC, category by text. */
function guessMapping(header: readonly string[], file: string): ImportMapping {
	const id = findColumn(header, 'id', 'incident_id', 'crime_id', 'case_number', 'ref', 'reference');
	const date = findColumn(header, 'date', 'datetime', 'occurred', 'occurred_at', 'time', 'month');
	const type = findColumn(
		header,
		'category',
		'crime_type',
		'primary_type',
		'type',
		'crime',
		'offence',
		'offense'
	);
	if (!date || !type) {
		throw new ImportError(
			'E_MAPPING',
			`cannot guess the ${!date ? 'date' : 'category'} property; give a --mapping (properties: ${describeHeader(header.filter((h) => !h.startsWith('@')))})`,
			file
		);
	}
	return parseMapping({
		timezone: 'UTC',
		...(id ? { id } : {}),
		time: { column: date, format: 'ISO' },
		category: { column: type }
	});
}

/**
 * GeoJSON adapter: the mapped adapter over feature properties, geometry as the location. The "header"
 * is the first feature's property names; when it has none (an empty collection, or a first feature
 * without properties) the columns are resolved from the first feature that has some, so an empty
 * collection imports nothing instead of failing for columns it cannot have.
 */
export function createGeoJsonAdapter(mapping?: ImportMapping): Adapter {
	let inner: Adapter | null = null;
	let deferred: string | null = null;
	function build(m: ImportMapping): Adapter {
		return createMappedCsvAdapter(m, {
			format: 'geojson',
			geometry: { lon: GEOJSON_LON, lat: GEOJSON_LAT, crs: GEOJSON_CRS }
		});
	}
	const hasProperties = (header: readonly string[]) => header.some((h) => !h.startsWith('@'));
	function begin(header: string[], file: string) {
		const adapter = mapping ? build(mapping) : build(guessMapping(header, file));
		adapter.begin(header, file);
		inner = adapter;
	}
	return {
		format: 'geojson',
		begin(header, file) {
			inner = null;
			deferred = null;
			if (hasProperties(header)) begin(header, file);
			else deferred = file;
		},
		parse(row) {
			if (!inner && row.problem) return { ok: false, reject: row.problem };
			if (!inner && deferred !== null) {
				const header = Object.keys(row.values);
				if (!hasProperties(header))
					return {
						ok: false,
						reject: { field: 'properties', reason: 'the feature has no properties' }
					};
				begin(header, deferred);
			}
			return inner!.parse(row);
		}
	};
}
