/** The closing summary of an import command (`beatwise import`, `beatwise observations`). */
import type { ImportSummary } from '../lib/server/ingest/import';

/** What both importers report for a run over several files (observations use the same shape). */
export type ImportRunSummary = Pick<
	ImportSummary,
	| 'total'
	| 'imported'
	| 'rejected'
	| 'duplicate'
	| 'located'
	| 'replaced'
	| 'rejectReasons'
	| 'interrupted'
	| 'seconds'
> & { files: unknown[]; failed: unknown[] };

/**
 * Lines a person reads after an import: files, the row accounting, located rows and time, and the
 * commonest reject reasons (each rejected row itself is stored in import_rejects).
 * @example importSummaryText(result, ['Source: street crime']) // "\nSource: street crime\nFiles: 40 imported, …"
 */
export function importSummaryText(result: ImportRunSummary, head: string[] = []): string {
	const lines = [
		'',
		...head,
		`Files: ${result.files.length} imported, ${result.failed.length} failed`,
		`Rows:  ${result.total} = ${result.imported} imported + ${result.rejected} rejected + ${result.duplicate} duplicate`,
		`Located (with an H3 cell): ${result.located}; time ${result.seconds.toFixed(1)} s`
	];
	if (result.replaced > 0)
		lines.push(
			`Not clean UTF-8: ${result.replaced} invalid byte sequence${result.replaced === 1 ? '' : 's'} read as U+FFFD (\uFFFD); check the file's encoding`
		);
	for (const b of result.interrupted)
		lines.push(
			`Interrupted earlier: batch ${b.batchId} (${b.file}) stopped after ${b.imported} rows; import the file again to complete it`
		);
	const reasons = Object.entries(result.rejectReasons).sort((a, b) => b[1] - a[1]);
	if (reasons.length) {
		lines.push('Rejected rows by reason (each row is stored in import_rejects with file and row):');
		for (const [k, n] of reasons.slice(0, 15)) lines.push(`  ${String(n).padStart(7)}  ${k}`);
	}
	return lines.join('\n') + '\n';
}
