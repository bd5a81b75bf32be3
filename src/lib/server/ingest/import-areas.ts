/**
 * Boundary polygons into `areas` (reprojected to WGS84 by PostGIS) with their H3 cover at the
 * rollup resolution, so area statistics read the rollup by cell. One transaction per file: a file
 * that fails part-way leaves the areas as they were. Every file, imported or failed, gets one
 * `import.areas` entry in the audit trail.
 */
import { cellToParent, latLngToCell, polygonToCells } from 'h3-js';
import type { Database } from '../db/client';
import { replaceAreaCells, upsertAreas, type AreaInput } from '../db/queries/areas';

const AREA_CHUNK = 250;
import { readAreas, type AreaReadOptions } from './areas';
import { storableText, storableValue } from './copy-text';
import { failureDetail, recordImportAudit, type ImportAuditOptions } from './import-audit';
import { ROLLUP_H3_RES } from './runner';
import { ImportError } from './types';

export interface AreaImportResult {
	file: string;
	kind: string;
	areas: number;
	cells: number;
	srid: number | null;
	/** Features merged into an area of the same code found earlier in the file. */
	merged: number;
}

type Geo = { type: string; coordinates: unknown };

/** The polygons of a Polygon or MultiPolygon (none for anything else). */
function polygonsOf(g: Geo): number[][][][] {
	return g.type === 'MultiPolygon'
		? (g.coordinates as number[][][][])
		: g.type === 'Polygon'
			? [g.coordinates as number[][][]]
			: [];
}

function mergePolygons(a: Geo, b: Geo): Geo {
	return { type: 'MultiPolygon', coordinates: [...polygonsOf(a), ...polygonsOf(b)] };
}

/** Resolution-10 cells whose centre lies in the (multi)polygon; a tiny area gets its centroid's cell. */
export function h3Cover(geojson: Geo, res = ROLLUP_H3_RES): string[] {
	const polys = polygonsOf(geojson);
	const cells = new Set<string>();
	for (const p of polys) for (const c of polygonToCells(p, res, true)) cells.add(c);
	if (cells.size === 0 && polys.length) {
		const ring = polys[0][0];
		const lon = ring.reduce((s, c) => s + c[0], 0) / ring.length;
		const lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
		cells.add(cellToParent(latLngToCell(lat, lon, 15), res));
	}
	return [...cells].sort();
}

/** Anything the readers did not foresee (a library's own error) still names the file. */
async function* readingErrors<T>(areas: AsyncIterable<T>, file: string): AsyncGenerator<T> {
	try {
		yield* areas;
	} catch (e) {
		if (e instanceof ImportError) throw e;
		throw new ImportError('E_FORMAT', `cannot read the boundaries (${(e as Error).message})`, file);
	}
}

/**
 * The H3 cover of an area as stored (WGS84), as decimal bigint text. Throws ImportError naming the
 * area when its coordinates are not longitude/latitude or it is too large to cover.
 */
function coverOf(code: string, geojson: Geo, file: string): string[] {
	const bad = polygonsOf(geojson)
		.flat(2)
		.find(([lon, lat]) => !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90));
	if (bad) {
		throw new ImportError(
			'E_FORMAT',
			`area ${code}: coordinates [${bad[0]}, ${bad[1]}] are outside longitude/latitude after reprojection`,
			file
		);
	}
	try {
		return h3Cover(geojson).map((c) => BigInt('0x' + c).toString());
	} catch (e) {
		throw new ImportError(
			'E_FORMAT',
			`area ${code} is too large for an H3 cover at resolution ${ROLLUP_H3_RES} (${(e as Error).message})`,
			file
		);
	}
}

/** Reading options, and who imports the file from where (audit trail). */
export type AreaImportOptions = AreaReadOptions & ImportAuditOptions;

export async function importAreaFile(
	db: Database,
	file: string,
	options: AreaImportOptions
): Promise<AreaImportResult> {
	let result: AreaImportResult;
	try {
		result = await storeAreaFile(db, file, options);
	} catch (e) {
		await recordImportAudit(db, options, {
			action: 'import.areas',
			object: file,
			detail: { file, kind: options.kind ?? null, error: failureDetail(e) }
		});
		throw e;
	}
	await recordImportAudit(db, options, {
		action: 'import.areas',
		object: file,
		detail: { ...result }
	});
	return result;
}

async function storeAreaFile(
	db: Database,
	file: string,
	options: AreaReadOptions
): Promise<AreaImportResult> {
	const result: AreaImportResult = {
		file,
		kind: options.kind ?? '',
		areas: 0,
		cells: 0,
		srid: null,
		merged: 0
	};
	const reader = await readAreas(file, options);
	// A boundary file may hold one area in several features (a beat split in two): they are merged
	// into one multipolygon, so the whole area is kept rather than the last part.
	const byCode = new Map<string, AreaInput>();
	for await (const a of readingErrors(reader, file)) {
		result.kind = a.kind;
		result.srid = a.srid;
		const key = `${a.kind}\u0000${a.code}`;
		const seen = byCode.get(key);
		if (seen) {
			seen.geometry = mergePolygons(seen.geometry as Geo, a.geometry as Geo);
			result.merged++;
		} else {
			// Names and properties go in as query parameters: text PostgreSQL cannot store is cleaned.
			byCode.set(key, {
				kind: a.kind,
				code: storableText(a.code),
				name: storableText(a.name),
				properties: storableValue(a.properties) as Record<string, unknown>,
				geometry: a.geometry,
				srid: a.srid,
				sourceFile: file
			});
		}
	}
	const all = [...byCode.values()];
	try {
		await db.transaction(async (tx) => {
			for (let i = 0; i < all.length; i += AREA_CHUNK) {
				const stored = await upsertAreas(tx, all.slice(i, i + AREA_CHUNK));
				const covers = stored.map((a) => ({
					areaId: a.id,
					cells: coverOf(a.code, JSON.parse(a.geojson) as Geo, file)
				}));
				await replaceAreaCells(tx, covers);
				result.areas += stored.length;
				result.cells += covers.reduce((n, c) => n + c.cells.length, 0);
			}
		});
	} catch (e) {
		if (e instanceof ImportError) throw e;
		throw new ImportError('E_DATABASE', (e as Error).message, file);
	}
	return result;
}
