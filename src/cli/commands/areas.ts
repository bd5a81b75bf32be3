import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { importAreaFile } from '../../lib/server/ingest/import-areas';

export const summary = 'Import boundary polygons (GeoJSON, shapefile, zipped shapefile) as areas';

const HELP = `Usage: beatwise areas <file…> [--kind lsoa|beat|district|neighbourhood|…]
                      [--code-field NAME] [--name-field NAME] [--crs EPSG:n] [--json]

Reads polygons from GeoJSON, .shp (with .dbf and .prj beside it) or a .zip holding a shapefile, in any
CRS (from the .prj, or --crs), stores them reprojected to WGS84 with their H3 cover. Areas are keyed by
kind + code: importing a file again replaces its areas. Code and name fields are detected for common
boundary files (LSOA11CD, BEAT_NUM, DIST_NUM, AREA_NUMBE, …) or given with --code-field/--name-field.`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			kind: { type: 'string' },
			'code-field': { type: 'string' },
			'name-field': { type: 'string' },
			crs: { type: 'string' },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals.length === 0) throw new UsageError('name at least one boundary file');
	if (values.kind !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(values.kind)) {
		throw new UsageError('--kind must be a short lower-case word such as lsoa, beat or district');
	}
	let crs: number | undefined;
	if (values.crs !== undefined) {
		const m = /^(?:EPSG:)?(\d{4,6})$/i.exec(values.crs.trim());
		if (!m) throw new UsageError('--crs must look like EPSG:27700');
		crs = Number(m[1]);
	}
	const db = await getDatabase();
	const results = [];
	let failed = 0;
	try {
		for (const file of positionals) {
			try {
				const r = await importAreaFile(db, file, {
					kind: values.kind,
					codeField: values['code-field'],
					nameField: values['name-field'],
					crs,
					importedBy: process.env.USER ?? null,
					origin: CLI_ORIGIN
				});
				results.push(r);
				if (!values.json) {
					io.stdout.write(
						`${file}: ${r.areas} ${r.kind} areas (EPSG:${r.srid} → WGS84)${r.merged ? `, ${r.merged} split features merged` : ''}, ${r.cells} H3 cells in their cover\n`
					);
				}
			} catch (e) {
				failed++;
				const err = e as Error & { code?: string };
				io.stderr.write(`FAILED ${err.code ? `[${err.code}] ` : ''}${err.message}\n`);
			}
		}
	} finally {
		await closeDatabase();
	}
	if (values.json) io.stdout.write(JSON.stringify({ areas: results, failed }, null, 2) + '\n');
	return failed ? 1 : 0;
}
