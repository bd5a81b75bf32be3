import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { progressBar } from '../progress';
import { importSummaryText } from '../summary';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { IMPORT_FORMATS, importPaths } from '../../lib/server/ingest/import';
import { earlyWarningIdle, scheduleAfterImports } from '../../lib/server/jobs/early-warning';
import { computeInline } from '../../lib/server/jobs/tasks';
import type { ImportFormat } from '../../lib/server/ingest/adapters';

export const summary = 'Import incident files (police.uk, Chicago, mapped CSV, GeoJSON)';

const HELP = `Usage: beatwise import <files or folders…> --format police-uk|chicago|stats19|csv|geojson
                       [--mapping mapping.json] [--source NAME] [--json]

Reads every file (folders are searched for matching files), stores each located incident with its
H3 cell, and reports total = imported + rejected + duplicate per file. Re-importing adds nothing.
  --format    police-uk (street CSV), chicago (data portal CSV), stats19 (DfT road collisions),
              csv (needs --mapping), geojson
  --mapping   JSON column mapping for csv/geojson (see docs/import-mapping.md)
  --source    name of the source to file the incidents under (default depends on the format)
  --json      print the summary as JSON on stdout
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			format: { type: 'string' },
			mapping: { type: 'string' },
			source: { type: 'string' },
			json: { type: 'boolean', default: false },
			'batch-size': { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals.length === 0) throw new UsageError('name at least one file or folder to import');
	const format = values.format as ImportFormat | undefined;
	if (!format || !(IMPORT_FORMATS as readonly string[]).includes(format)) {
		throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
	}
	let mapping: unknown;
	if (values.mapping) {
		try {
			mapping = JSON.parse(readFileSync(values.mapping, 'utf8'));
		} catch (e) {
			throw new UsageError(`cannot read mapping ${values.mapping}: ${(e as Error).message}`);
		}
	} else if (format === 'csv') {
		throw new UsageError('--format csv needs --mapping mapping.json (see docs/import-mapping.md)');
	}
	const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
	if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
		throw new UsageError('--batch-size must be a positive integer');
	}

	const db = await getDatabase();
	// The early-warning check after the import, on this thread (a CLI has no worker pool).
	const stopChecking = await scheduleAfterImports(db, () => computeInline);
	const bar = progressBar(io.stderr, io.interactive && !values.json);
	// A line per committed batch, for scripts and the fault test that kills an import part-way.
	const trace = process.env.BEATWISE_IMPORT_TRACE === '1';
	try {
		const result = await importPaths(db, {
			inputs: positionals,
			format,
			mapping,
			mappingFile: values.mapping,
			sourceName: values.source,
			batchSize,
			// The audit trail records the OS user, from the command line.
			importedBy: process.env.USER ?? null,
			origin: CLI_ORIGIN,
			onProgress: (p) => {
				if (trace) io.stderr.write(`batch committed: ${p.file} rows ${p.rows}\n`);
				bar.update(
					(p.fileIndex + (p.bytesTotal ? p.bytesRead / p.bytesTotal : 0)) / p.fileCount,
					`${p.fileIndex + 1}/${p.fileCount} ${p.rows.toLocaleString('en-GB')} rows`
				);
			},
			onFile: (r) => {
				bar.done();
				if (values.json) return;
				if ('error' in r) io.stderr.write(`FAILED ${r.error.message}\n`);
				else
					io.stdout.write(
						`${r.file}: ${r.total} rows = ${r.imported} imported + ${r.rejected} rejected + ${r.duplicate} duplicate${r.filtered ? ` + ${r.filtered} filtered` : ''}${r.retracted ? ` + ${r.retracted} retracted` : ''}${r.merged ? ` + ${r.merged} merged` : ''}\n`
					);
			}
		});
		bar.done();
		if (values.json) {
			io.stdout.write(JSON.stringify(result, null, 2) + '\n');
		} else {
			io.stdout.write(importSummaryText(result));
		}
		const run = await earlyWarningIdle();
		if (run && !values.json)
			io.stdout.write(
				run.status === 'done'
					? `Early-warning check: ${run.alarms} alarm${run.alarms === 1 ? '' : 's'}${run.checkFrom ? ` in the weeks from ${run.checkFrom}` : ''} (${String(run.series.method ?? run.series.note ?? '')})\n`
					: `Early-warning check failed: ${run.error}\n`
			);
		return result.failed.length ? 1 : 0;
	} finally {
		stopChecking();
		await earlyWarningIdle();
		await closeDatabase();
	}
}
