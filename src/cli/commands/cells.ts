import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, readSnapshot } from '../../lib/server/db';
import { SERVED_MAX_RES, SERVED_MIN_RES } from '../../lib/server/cell-keys';
import { ServiceError } from '../../lib/server/errors';
import { cellCountsForAnalyst } from '../../lib/server/services/cells';

export const summary = 'Incident counts per H3 cell at one resolution, as CSV or JSON (database)';

const HELP = `Usage: beatwise cells --res R [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--category C]…
                     [--source NAME] [--area kind:code] [--format csv|json]

Counts incidents per H3 cell at resolution R (${SERVED_MIN_RES}–${SERVED_MAX_RES}), each located incident in the cell it
lies in (h3-js latLngToCell(lat, lon, R)), from the same rollups as the map. Days are local days of
each incident's source. Only non-empty cells are written, sorted by index.
  --res R        H3 resolution (required)
  --from, --to   first and last day, inclusive (default: the data's whole range)
  --category C   a taxonomy code; repeat for several (default: every category)
  --source NAME  only this source (as named at import)
  --area K:C     only the cells of this area's cover at R (kind:code, e.g. lsoa:E01000001, or an id)
  --format F     csv (default): header "cell,count", one row per cell; json: [{"cell","count"}, …]
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.`;

export async function run(args: string[], io: CliIo): Promise<number> {
	let values;
	try {
		({ values } = parseArgs({
			args,
			options: {
				res: { type: 'string' },
				from: { type: 'string' },
				to: { type: 'string' },
				category: { type: 'string', multiple: true },
				source: { type: 'string' },
				area: { type: 'string' },
				format: { type: 'string', default: 'csv' },
				help: { type: 'boolean', short: 'h' }
			}
		}));
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (values.res === undefined) throw new UsageError('--res R is required (H3 resolution)');
	const res = /^\d+$/.test(values.res) ? Number(values.res) : NaN;
	if (!(res >= SERVED_MIN_RES && res <= SERVED_MAX_RES)) {
		throw new UsageError(
			`--res must be a whole number from ${SERVED_MIN_RES} to ${SERVED_MAX_RES}, got "${values.res}"`
		);
	}
	const format = values.format;
	if (format !== 'csv' && format !== 'json') {
		throw new UsageError(`--format must be csv or json, got "${format}"`);
	}
	try {
		// A read: on the read replica when DATABASE_READ_URL names one, in one snapshot.
		const r = await readSnapshot((db) =>
			cellCountsForAnalyst(db, {
				res,
				from: values.from,
				to: values.to,
				categories: values.category ?? [],
				source: values.source,
				area: values.area
			})
		);
		io.stdout.write(
			format === 'json'
				? JSON.stringify(r.cells) + '\n'
				: ['cell,count', ...r.cells.map((c) => `${c.cell},${c.count}`)].join('\n') + '\n'
		);
		return 0;
	} catch (e) {
		if (e instanceof ServiceError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
