/**
 * Boundary polygons for `beatwise areas`: GeoJSON FeatureCollections, shapefiles (.shp + .dbf + .prj)
 * and zipped shapefiles, in any CRS. Geometry is returned in the file's own CRS with its EPSG code;
 * the caller reprojects with PostGIS ST_Transform (no projection maths here).
 *
 * CRS: `crs` option first; else the shapefile's .prj (an AUTHORITY["EPSG",…] tag, or a recognised
 * PROJCS/GEOGCS name: British National Grid 27700, WGS 84 4326, NAD83 Illinois East ftUS 3435 or
 * metres 26971, Web Mercator 3857), or a GeoJSON `crs` member, or — GeoJSON without one — WGS 84
 * (RFC 7946). Anything else throws ImportError(E_CRS) naming the file and what was found, asking for
 * `--crs`. A claimed WGS 84 whose first coordinates are not longitude/latitude is refused the same way.
 *
 * Code, name and kind are detected from well-known boundary fields (LSOA11CD/LSOA11NM, LSOA21CD,
 * MSOA, LAD, LPA23CD, BEAT_NUM, DIST_NUM/DIST_LABEL, AREA_NUMBE/COMMUNITY, code/name) or chosen with
 * options. Known quirk handled: the 2010 Chicago community-area GeoJSON swaps AREA_NUMBE and
 * COMMUNITY (AREA_NUMBE = "DOUGLAS"); when the code field is not a number and the name field is, the
 * two are swapped back.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import * as shapefile from 'shapefile';
import * as yauzl from 'yauzl';
import { epsgFromGeoJsonCrs, FeatureScanner } from './adapters/geojson';
import { headerKey, notRegularFile } from './csv';
import { ImportError } from './types';

export interface AreaReadOptions {
	/** Kind of area (lsoa, beat, district, …); detected from the fields when omitted. */
	kind?: string;
	/** Property holding the area's code; detected when omitted. */
	codeField?: string;
	/** Property holding the area's name; detected when omitted (falls back to the code). */
	nameField?: string;
	/** EPSG code of the coordinates, overriding the .prj / GeoJSON crs. */
	crs?: number;
}

export interface AreaRecord {
	code: string;
	name: string;
	kind: string;
	properties: Record<string, unknown>;
	/** In the file's CRS (`srid`). */
	geometry: Polygon | MultiPolygon;
	srid: number;
}

/** Well-known boundary fields: code field, name field, kind. Matched ignoring case and underscores. */
const KNOWN_FIELDS: [string, string, string][] = [
	['LSOA11CD', 'LSOA11NM', 'lsoa'],
	['LSOA21CD', 'LSOA21NM', 'lsoa'],
	['LSOA01CD', 'LSOA01NM', 'lsoa'],
	['MSOA11CD', 'MSOA11NM', 'msoa'],
	['MSOA21CD', 'MSOA21NM', 'msoa'],
	['LAD22CD', 'LAD22NM', 'lad'],
	['LAD11CD', 'LAD11NM', 'lad'],
	['LPA23CD', 'LPA23NM', 'lpa'],
	['BEAT_NUM', 'BEAT_NUM', 'beat'],
	['DIST_NUM', 'DIST_LABEL', 'district'],
	['AREA_NUMBE', 'COMMUNITY', 'community-area'],
	['AREA_NUM_1', 'COMMUNITY', 'community-area'],
	['code', 'name', 'area'],
	['id', 'name', 'area']
];

const KNOWN_CRS: [RegExp, number][] = [
	[/British[_ ]National[_ ]Grid/i, 27700],
	[/Illinois[_ ]East.*(Foot|Feet|ftUS|ft)/i, 3435],
	[/Illinois[_ ]East/i, 26971],
	[/Web[_ ]Mercator|Pseudo[_ -]Mercator/i, 3857]
];

/**
 * EPSG code of a .prj (ESRI or OGC WKT): its root AUTHORITY tag, else a recognised name; null if
 * neither.
 * @example epsgFromPrj('PROJCS["British_National_Grid",…]') // 27700
 */
export function epsgFromPrj(wkt: string): number | null {
	const text = wkt.trim();
	const authorities = [...text.matchAll(/AUTHORITY\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)];
	// The root's AUTHORITY closes the WKT: it is the last one, followed only by "]".
	const last = authorities.at(-1);
	if (last && /^\s*\]\s*$/.test(text.slice(last.index! + last[0].length))) return Number(last[1]);
	const projcs = /^PROJCS\[\s*"([^"]*)"/i.exec(text);
	if (projcs) {
		const name = projcs[1];
		if (/Illinois[_ ]East/i.test(name) && !/(Foot|Feet|ft)/i.test(name)) {
			return /UNIT\[\s*"(Foot_US|US survey foot|foot)/i.test(text.slice(text.lastIndexOf('UNIT[')))
				? 3435
				: 26971;
		}
		for (const [re, code] of KNOWN_CRS) if (re.test(name)) return code;
		return null;
	}
	const geogcs = /^GEOGCS\[\s*"([^"]*)"/i.exec(text);
	if (geogcs && /WGS[_ ]?(19)?84/i.test(geogcs[1])) return 4326;
	return null;
}

function crsError(file: string, found: string): ImportError {
	return new ImportError(
		'E_CRS',
		`cannot tell the coordinate system (${found}); pass --crs EPSG:<code>, e.g. --crs EPSG:27700`,
		file
	);
}

interface FieldChoice {
	code: string;
	name: string;
	kind: string;
	swapCommunityQuirk: boolean;
}

function chooseFields(
	properties: Record<string, unknown>,
	options: AreaReadOptions,
	file: string
): FieldChoice {
	const keys = Object.keys(properties);
	const find = (name: string) => keys.find((k) => headerKey(k) === headerKey(name));
	if (options.codeField) {
		const code = find(options.codeField);
		if (!code)
			throw new ImportError(
				'E_HEADER',
				`no property "${options.codeField}"; the features have ${keys.join(', ')}`,
				file
			);
		const name = options.nameField ? find(options.nameField) : undefined;
		if (options.nameField && !name)
			throw new ImportError(
				'E_HEADER',
				`no property "${options.nameField}"; the features have ${keys.join(', ')}`,
				file
			);
		return { code, name: name ?? code, kind: options.kind ?? 'area', swapCommunityQuirk: false };
	}
	for (const [codeField, nameField, kind] of KNOWN_FIELDS) {
		const code = find(codeField);
		if (!code) continue;
		const name = (options.nameField ? find(options.nameField) : find(nameField)) ?? code;
		let k = kind;
		if (kind === 'area') {
			const sample = String(properties[code] ?? '');
			if (/^[EW]01\d{6}$/.test(sample)) k = 'lsoa';
			else if (/^[EW]02\d{6}$/.test(sample)) k = 'msoa';
		}
		return {
			code,
			name,
			kind: options.kind ?? k,
			swapCommunityQuirk: kind === 'community-area'
		};
	}
	throw new ImportError(
		'E_HEADER',
		`cannot tell which property is the area code; pass --code-field (properties: ${keys.join(', ')})`,
		file
	);
}

/** Longest area code stored (codes are keys: LSOA codes have 9 characters, beats 4). */
const MAX_CODE_CHARS = 200;
/** Largest properties of one feature (a name and a few codes in real boundary files). */
const MAX_PROPERTIES_CHARS = 1024 * 1024;

function toArea(
	feature: Feature,
	fields: FieldChoice,
	srid: number,
	index: number,
	file: string
): AreaRecord | null {
	const g = feature.geometry;
	if (!g) return null;
	if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
		throw new ImportError(
			'E_FORMAT',
			`feature ${index} is a ${g.type}; boundaries must be Polygon or MultiPolygon`,
			file
		);
	const properties = (feature.properties ?? {}) as Record<string, unknown>;
	const size = JSON.stringify(properties).length;
	if (size > MAX_PROPERTIES_CHARS)
		throw new ImportError(
			'E_FORMAT',
			`feature ${index}: its properties are ${size} characters long (at most ${MAX_PROPERTIES_CHARS})`,
			file
		);
	let code = String(properties[fields.code] ?? '').trim();
	let name = String(properties[fields.name] ?? '').trim();
	if (fields.swapCommunityQuirk && !/^\d+$/.test(code) && /^\d+$/.test(name))
		[code, name] = [name, code];
	if (/^\d+\.0+$/.test(code)) code = code.replace(/\.0+$/, '');
	if (code === '')
		throw new ImportError('E_FORMAT', `feature ${index} has no ${fields.code} value`, file);
	if (code.length > MAX_CODE_CHARS)
		throw new ImportError(
			'E_FORMAT',
			`feature ${index}: its ${fields.code} is ${code.length} characters long (at most ${MAX_CODE_CHARS})`,
			file
		);
	return { code, name: name || code, kind: fields.kind, properties, geometry: g, srid };
}

function firstPosition(g: Polygon | MultiPolygon): number[] | undefined {
	return g.type === 'Polygon' ? g.coordinates[0]?.[0] : g.coordinates[0]?.[0]?.[0];
}

function checkLonLat(area: AreaRecord, file: string): void {
	if (area.srid !== 4326) return;
	const p = firstPosition(area.geometry);
	if (p && (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90))
		throw crsError(file, `coordinates such as [${p[0]}, ${p[1]}] are not longitude/latitude`);
}

async function* fromFeatures(
	features: AsyncIterable<Feature>,
	srid: number,
	options: AreaReadOptions,
	file: string
): AsyncGenerator<AreaRecord> {
	let fields: FieldChoice | null = null;
	let index = 0;
	for await (const f of features) {
		index++;
		fields ??= chooseFields((f.properties ?? {}) as Record<string, unknown>, options, file);
		const area = toArea(f, fields, srid, index, file);
		if (!area) continue;
		if (index === 1) checkLonLat(area, file);
		yield area;
	}
}

function parseJson(text: string, what: string, file: string): unknown {
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new ImportError('E_FORMAT', `${what} is not valid JSON (${(e as Error).message})`, file);
	}
}

/** GeoJSON features, streamed one at a time through the incident reader's scanner. */
async function openGeoJson(
	file: string,
	options: AreaReadOptions
): Promise<AsyncGenerator<AreaRecord>> {
	const scanner = new FeatureScanner();
	const decoder = new StringDecoder('utf8');
	const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
	const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
	const queue: string[] = [];
	let ended = false;
	const fill = async () => {
		while (queue.length === 0 && !ended) {
			let r: IteratorResult<Buffer>;
			try {
				r = await it.next();
			} catch (e) {
				throw new ImportError('E_FILE_UNREADABLE', `read failed (${(e as Error).message})`, file);
			}
			if (r.done) {
				ended = true;
				queue.push(...scanner.push(decoder.end()));
			} else queue.push(...scanner.push(decoder.write(r.value).replace(/^\uFEFF/, '')));
		}
		return queue.length > 0;
	};
	await fill();
	if (!scanner.sawFeatures) {
		stream.destroy();
		throw new ImportError(
			'E_FORMAT',
			'not a GeoJSON FeatureCollection (no "features" array)',
			file
		);
	}
	let srid = options.crs ?? 4326;
	if (options.crs === undefined && scanner.crsText !== null) {
		const code = epsgFromGeoJsonCrs(parseJson(scanner.crsText, 'the crs member', file));
		if (code === null || !KNOWN_SRIDS.has(code)) {
			stream.destroy();
			throw crsError(file, `the GeoJSON crs member says ${scanner.crsText.replace(/\s+/g, ' ')}`);
		}
		srid = code;
	}
	async function* features(): AsyncGenerator<Feature> {
		let index = 0;
		try {
			while (await fill()) yield parseJson(queue.shift()!, `feature ${++index}`, file) as Feature;
			if (scanner.unbalanced)
				throw new ImportError('E_FORMAT', 'file ends inside a JSON value (truncated?)', file);
		} finally {
			stream.destroy();
		}
	}
	return fromFeatures(features(), srid, options, file);
}

/** EPSG codes accepted from a GeoJSON crs member without --crs. */
const KNOWN_SRIDS = new Set([4326, 27700, 3435, 26971, 3857, 4269]);

async function shapefileSrid(shp: string, options: AreaReadOptions): Promise<number> {
	if (options.crs !== undefined) return options.crs;
	const prjPath = shp.replace(/\.shp$/i, '.prj');
	if (!existsSync(prjPath)) throw crsError(shp, `no ${basename(prjPath)} beside the shapefile`);
	const wkt = await readFile(prjPath, 'utf8');
	const code = epsgFromPrj(wkt);
	if (code === null) throw crsError(shp, `${basename(prjPath)} holds ${wkt.trim().slice(0, 120)}…`);
	return code;
}

async function openShapefile(
	shp: string,
	options: AreaReadOptions,
	label: string,
	cleanup?: () => Promise<void>
): Promise<AsyncGenerator<AreaRecord>> {
	const dbf = shp.replace(/\.shp$/i, '.dbf');
	if (!existsSync(dbf))
		throw new ImportError('E_FILE_UNREADABLE', 'no .dbf beside the .shp', label);
	let srid: number;
	try {
		srid = await shapefileSrid(shp, options);
	} catch (e) {
		if (e instanceof ImportError)
			throw new ImportError(e.code, e.message.replace(`${shp}: `, ''), label);
		throw e;
	}
	const cpg = shp.replace(/\.shp$/i, '.cpg');
	const encoding = existsSync(cpg)
		? (await readFile(cpg, 'utf8')).trim().replace(/^ISO-?8859-?1$/i, 'iso-8859-1') || undefined
		: undefined;
	let source: shapefile.Source;
	try {
		source = await shapefile.open(shp, dbf, encoding ? { encoding } : undefined);
	} catch (e) {
		await cleanup?.();
		throw new ImportError('E_FORMAT', `not a readable shapefile (${(e as Error).message})`, label);
	}
	async function* features(): AsyncGenerator<Feature> {
		let index = 0;
		try {
			for (;;) {
				let r: { done: boolean; value: Feature };
				try {
					r = await source.read();
				} catch (e) {
					throw new ImportError(
						'E_FORMAT',
						`not a readable shapefile: record ${index + 1} (${(e as Error).message})`,
						label
					);
				}
				if (r.done) return;
				index++;
				yield r.value;
			}
		} finally {
			await cleanup?.();
		}
	}
	return fromFeatures(features(), srid, options, label);
}

/** Extracts the shapefile parts of a zip into a temporary folder (entry names flattened). */
async function extractZip(zipPath: string, dir: string): Promise<string[]> {
	const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
		yauzl.open(zipPath, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z)))
	);
	const written: string[] = [];
	await new Promise<void>((resolve, reject) => {
		zip.on('error', reject);
		zip.on('end', () => resolve());
		zip.on('entry', (entry: yauzl.Entry) => {
			const name = basename(entry.fileName);
			if (entry.fileName.includes('__MACOSX') || !/\.(shp|shx|dbf|prj|cpg)$/i.test(name)) {
				zip.readEntry();
				return;
			}
			zip.openReadStream(entry, (err, stream) => {
				if (err) return reject(err);
				const target = join(dir, name);
				pipeline(stream, createWriteStream(target))
					.then(() => {
						written.push(target);
						zip.readEntry();
					})
					.catch(reject);
			});
		});
		zip.readEntry();
	});
	zip.close();
	return written;
}

/**
 * Opens a boundary file and resolves its CRS and fields before anything is read, so a file with an
 * unknown CRS fails before the caller starts a transaction.
 * @example for await (const a of await readAreas('beats.zip', {})) console.log(a.code, a.srid);
 */
export async function readAreas(
	file: string,
	options: AreaReadOptions = {}
): Promise<AsyncGenerator<AreaRecord>> {
	try {
		const st = await stat(file);
		const notFile = notRegularFile(st);
		if (notFile) throw new Error(notFile);
	} catch (e) {
		throw new ImportError('E_FILE_UNREADABLE', `cannot read file (${(e as Error).message})`, file);
	}
	const ext = extname(file).toLowerCase();
	if (ext === '.shp') return openShapefile(file, options, file);
	if (ext === '.zip') {
		const dir = await mkdtemp(join(tmpdir(), 'beatwise-areas-'));
		const cleanup = () => rm(dir, { recursive: true, force: true });
		try {
			await extractZip(file, dir);
			const shps = (await readdir(dir)).filter((n) => /\.shp$/i.test(n)).sort();
			if (shps.length === 0) throw new ImportError('E_FORMAT', 'the zip holds no .shp file', file);
			if (shps.length > 1)
				throw new ImportError(
					'E_FORMAT',
					`the zip holds several shapefiles (${shps.join(', ')}); unzip it and import one`,
					file
				);
			return await openShapefile(join(dir, shps[0]), options, file, cleanup);
		} catch (e) {
			await cleanup();
			if (e instanceof ImportError) throw e;
			throw new ImportError('E_FORMAT', `not a readable zip (${(e as Error).message})`, file);
		}
	}
	if (ext === '.json' || ext === '.geojson') return openGeoJson(file, options);
	throw new ImportError(
		'E_FORMAT',
		`unsupported boundary file type "${ext || basename(file)}" (GeoJSON, .shp or .zip); folder ${dirname(file)}`,
		file
	);
}
