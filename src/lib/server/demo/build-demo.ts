/**
 * Rebuilds the demo data set shipped in src/lib/server/demo/data from ../shared/data (run by hand:
 * `npx tsx src/lib/server/demo/build-demo.ts`). The product reads only the shipped copy.
 *
 * - City of London Police street-level crime, 30 months, gzip-compressed but otherwise byte-for-byte
 *   the published files.
 * - The 2011 LSOAs the crimes fall in (by the LSOA code police.uk gives) plus every City of London LSOA,
 *   and the London boroughs around the City, converted from British National Grid to WGS84 GeoJSON.
 * - A timed source (police.uk has no times of day, so every shift would rank alike): the Chicago
 *   aggravated assaults of police districts 11 and 15 in 2018–2019 (the derived file's last two
 *   years), rows unchanged, gzip-compressed; those two districts' boundaries and their beats.
 */
import { createReadStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import * as shapefile from 'shapefile';

const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(here, '../../../../../shared/data/uk-policeuk-city-of-london');
const chicago = resolve(here, '../../../../../shared/data/chicago-cpd');
/** The Chicago police districts shipped (11 Harrison, 15 Austin: neighbours on the West Side). */
const CHICAGO_DISTRICTS: Record<string, string> = { '11': 'Harrison', '15': 'Austin' };
const CHICAGO_FROM = '2018-01-01';
const out = join(here, 'data');
const BNG =
	'+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const toWgs = proj4(BNG, 'EPSG:4326');

type Ring = number[][];
function reproject(geometry: { type: string; coordinates: unknown }) {
	const ring = (r: Ring) => r.map(([x, y]) => toWgs.forward([x, y]).map((v) => +v.toFixed(6)));
	if (geometry.type === 'Polygon') {
		return { type: 'Polygon', coordinates: (geometry.coordinates as Ring[]).map(ring) };
	}
	return {
		type: 'MultiPolygon',
		coordinates: (geometry.coordinates as Ring[][]).map((p) => p.map(ring))
	};
}

async function subsetShapefile(
	base: string,
	keep: (p: Record<string, string>) => boolean
): Promise<object> {
	const source = await shapefile.open(`${base}.shp`, `${base}.dbf`);
	const features: object[] = [];
	for (;;) {
		const r = await source.read();
		if (r.done) break;
		const props = r.value.properties as Record<string, string>;
		if (keep(props)) {
			features.push({
				type: 'Feature',
				properties: props,
				geometry: reproject(r.value.geometry as { type: string; coordinates: unknown })
			});
		}
	}
	return { type: 'FeatureCollection', features };
}

async function main() {
	mkdirSync(join(out, 'crime'), { recursive: true });
	const lsoaCodes = new Set<string>();
	for (const month of readdirSync(join(shared, 'crime')).sort()) {
		for (const f of readdirSync(join(shared, 'crime', month))) {
			if (!f.endsWith('-street.csv')) continue;
			const src = join(shared, 'crime', month, f);
			for (const line of readFileSync(src, 'utf8').split('\n').slice(1)) {
				const code = line.split(',')[7];
				if (code) lsoaCodes.add(code);
			}
			await pipeline(
				createReadStream(src),
				createGzip({ level: 9 }),
				createWriteStream(join(out, 'crime', `${f}.gz`))
			);
		}
	}
	const boroughs = new Set([
		'City of London',
		'Westminster',
		'Camden',
		'Islington',
		'Hackney',
		'Tower Hamlets',
		'Southwark',
		'Lambeth'
	]);
	const lsoas = await subsetShapefile(
		join(shared, 'boundaries/london-2011-lsoa-gen20'),
		(p) => lsoaCodes.has(p.LSOA11CD) || p.LAD11NM === 'City of London'
	);
	writeFileSync(join(out, 'lsoa-2011.geojson'), JSON.stringify(lsoas));
	const lads = await subsetShapefile(join(shared, 'boundaries/london-2021-lad22-gen20'), (p) =>
		boroughs.has(p.LAD22NM)
	);
	writeFileSync(join(out, 'boroughs-2022.geojson'), JSON.stringify(lads));
	await buildChicago();
	console.log(`LSOAs ${(lsoas as { features: [] }).features.length}, boroughs ${(lads as { features: [] }).features.length}`);
}

/** Keep a GeoJSON's features of the demo districts, named for people, coordinates to 6 decimals. */
function chicagoAreas(file: string, district: string, name: (p: Record<string, string>) => string) {
	const all = JSON.parse(readFileSync(join(chicago, 'boundaries', file), 'utf8')) as {
		features: { properties: Record<string, string>; geometry: { type: string; coordinates: unknown } }[];
	};
	const round = (v: unknown): unknown =>
		Array.isArray(v) ? v.map(round) : typeof v === 'number' ? +v.toFixed(6) : v;
	return {
		type: 'FeatureCollection',
		features: all.features
			.filter((f) => f.properties[district] in CHICAGO_DISTRICTS)
			.map((f) => ({
				type: 'Feature',
				properties: { ...f.properties, NAME: name(f.properties) },
				geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) }
			}))
	};
}

async function buildChicago() {
	const dir = join(out, 'chicago');
	mkdirSync(dir, { recursive: true });
	const lines = gunzipSync(
		readFileSync(join(chicago, 'derived/chicago_aggravated_assaults.csv.gz'))
	)
		.toString('utf8')
		.trimEnd()
		.split('\n');
	const kept = lines
		.slice(1)
		.filter((l) => {
			const [date, , , , district] = l.split(',');
			return date >= CHICAGO_FROM && district in CHICAGO_DISTRICTS;
		});
	writeFileSync(
		join(dir, 'aggravated-assaults-districts-11-15-2018-2019.csv.gz'),
		gzipSync([lines[0], ...kept].join('\n') + '\n', { level: 9 })
	);
	writeFileSync(
		join(dir, 'police-districts.geojson'),
		JSON.stringify(
			chicagoAreas(
				'police_districts.zip.geojson',
				'DIST_NUM',
				(p) => `Chicago district ${p.DIST_NUM} (${CHICAGO_DISTRICTS[p.DIST_NUM]})`
			)
		)
	);
	writeFileSync(
		join(dir, 'police-beats.geojson'),
		JSON.stringify(
			chicagoAreas('police_beats.zip.geojson', 'DISTRICT', (p) => `Chicago beat ${p.BEAT_NUM}`)
		)
	);
	console.log(`Chicago: ${kept.length} aggravated assaults in districts ${Object.keys(CHICAGO_DISTRICTS).join(', ')}`);
}

await main();
