import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { importSummaryText } from '../summary';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';
import { importObservations } from '../../lib/server/ingest/observations';
import { isValidTimeZone } from '../../lib/server/ingest/time';
import {
	kindOfCategory,
	SOURCE_CATEGORIES,
	SOURCE_KINDS,
	type SourceKind
} from '../../lib/sources';

export const summary = 'Import observations (graded intelligence reports) from CSV';

const HELP = `Usage: beatwise observations <files…> [--source NAME] [--source-kind internal|open]
                       [--source-category community|officer|social-media|…]
                       [--timezone Europe/London] [--json]

Reads each CSV (header: id, observed_at, text, latitude, longitude, source_evaluation,
intelligence_assessment, handling_code, optional sanitised_text; see docs/observations.md), stores
each observation with its 3x5x2 grading and H3 cell, and reports total = imported + rejected +
duplicate per file. Re-importing adds nothing. Every file is recorded in the audit log.
  --source           source to file the observations under (default: the first file's name)
  --source-kind      internal or open, for a new source (default: the category's kind)
  --source-category  ILP source category of a new source (default community): internal
                     recorded-crime, officer, investigation, surveillance, border, transactions,
                     taxation; open community, social-media, newspapers, transport, commercial,
                     civil-society
  --timezone         IANA zone of observed_at values without an offset (default Europe/London)
  --json             print the summary as JSON on stdout
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.`;

function osUser(): string | null {
	try {
		return userInfo().username;
	} catch {
		return process.env.USER ?? null;
	}
}

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			source: { type: 'string' },
			'source-kind': { type: 'string' },
			'source-category': { type: 'string', default: 'community' },
			timezone: { type: 'string', default: 'Europe/London' },
			json: { type: 'boolean', default: false },
			'batch-size': { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (positionals.length === 0) throw new UsageError('name at least one observations CSV file');
	const category = values['source-category'].trim();
	const categoryKind = kindOfCategory(category);
	if (!categoryKind)
		throw new UsageError(
			`--source-category must be one of ${[...SOURCE_CATEGORIES.internal, ...SOURCE_CATEGORIES.open].join(', ')}`
		);
	const kind = (values['source-kind'] ?? categoryKind) as SourceKind;
	if (!SOURCE_KINDS.includes(kind))
		throw new UsageError(`--source-kind must be one of ${SOURCE_KINDS.join(', ')}`);
	if (kind !== categoryKind)
		throw new UsageError(
			`--source-category ${category} is a category of ${categoryKind} sources, not ${kind}`
		);
	const timeZone = values.timezone;
	if (!isValidTimeZone(timeZone))
		throw new UsageError(
			`--timezone: "${timeZone}" is not an IANA time zone such as Europe/London`
		);
	const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
	if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
		throw new UsageError('--batch-size must be a positive integer');
	const name =
		values.source?.trim() || basename(positionals[0]).replace(/\.(csv|txt)(\.gz)?$/i, '');

	const db = await getDatabase();
	const user = osUser();
	try {
		const result = await importObservations(db, {
			files: positionals,
			source: { name, kind, category },
			timeZone,
			importedBy: user,
			batchSize,
			audit: { actor: null, username: user, origin: CLI_ORIGIN },
			onFile: (r) => {
				if (values.json) return;
				if ('error' in r) io.stderr.write(`FAILED ${r.error.message}\n`);
				else
					io.stdout.write(
						`${r.file}: ${r.total} rows = ${r.imported} imported + ${r.rejected} rejected + ${r.duplicate} duplicate\n`
					);
			}
		});
		if (values.json) {
			io.stdout.write(JSON.stringify(result, null, 2) + '\n');
		} else {
			io.stdout.write(importSummaryText(result, [`Source: ${name}`]));
		}
		return result.failed.length ? 1 : 0;
	} finally {
		await closeDatabase();
	}
}
