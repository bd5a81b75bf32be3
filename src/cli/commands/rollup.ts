import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { rebuildRollups, rollupMismatches } from '../../lib/server/db/queries/rollup-rebuild';

export const summary =
	'Rollups: check them against the incidents, or count them again (after a restore)';

const HELP = `Usage: beatwise rollup --check | --rebuild [--json]

The rollups (cell_counts, cell_extra_counts) are kept by every import and by the incidents' triggers.
After restoring incidents from a backup, or loading them by other means than the import, count them
again from the stored incidents:

  --check     compare, per resolution (5–11) and time grain, the rollups' sums with the incidents they
              count; exit code 1 when any differs (each difference is printed)
  --rebuild   replace every rollup row by a recount of the incidents (one transaction; readers see the
              old rollups until it commits), then check

  beatwise rollup --rebuild`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			check: { type: 'boolean', default: false },
			rebuild: { type: 'boolean', default: false },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (values.check === values.rebuild)
		throw new UsageError('give one of --check or --rebuild; see `beatwise rollup --help`');
	const db = await getDatabase();
	try {
		const written = values.rebuild ? await rebuildRollups(db) : null;
		const bad = await rollupMismatches(db);
		if (values.json) io.stdout.write(JSON.stringify({ written, mismatches: bad }) + '\n');
		else {
			if (written)
				io.stdout.write(
					`Counted the rollups again: ${written.cellCounts} rows (${written.extraCounts} of further categories).\n`
				);
			for (const m of bad)
				io.stdout.write(
					`res ${m.res} ${m.grain}: the rollups count ${m.rollup}, the incidents are ${m.incidents}\n`
				);
			if (!bad.length)
				io.stdout.write('The rollups equal the incidents at every resolution and grain.\n');
		}
		return bad.length ? 1 : 0;
	} finally {
		await closeDatabase();
	}
}
