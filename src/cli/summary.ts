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
> & { files: unknown[]; failed: unknown[] } & Partial<
		Pick<
			ImportSummary,
			| 'filtered'
			| 'retracted'
			| 'withdrawn'
			| 'merged'
			| 'unlocated'
			| 'filterReasons'
			| 'unmappedCategories'
			| 'warnings'
		>
	>;

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
		`Rows:  ${result.total} = ${result.imported} imported + ${result.rejected} rejected + ${result.duplicate} duplicate${result.filtered ? ` + ${result.filtered} filtered` : ''}${result.retracted ? ` + ${result.retracted} retracted` : ''}${result.merged ? ` + ${result.merged} merged` : ''}`,
		`Located (with an H3 cell): ${result.located}; time ${result.seconds.toFixed(1)} s`
	];
	if (result.withdrawn)
		lines.push(
			`Withdrawn: ${result.withdrawn} incident${result.withdrawn === 1 ? '' : 's'} stored earlier deleted by count -1 rows`
		);
	if (result.merged)
		lines.push(
			`Merged: ${result.merged} row${result.merged === 1 ? '' : 's'} added a further offence (and its category) to an incident`
		);
	for (const w of result.warnings ?? []) lines.push(`WARNING ${w}`);
	const unlocated = Object.entries(result.unlocated ?? {}).sort((a, b) => b[1] - a[1]);
	if (unlocated.length) {
		lines.push('Imported without a location (coordinates not trusted):');
		for (const [k, n] of unlocated) lines.push(`  ${String(n).padStart(7)}  ${k}`);
	}
	const filters = Object.entries(result.filterReasons ?? {}).sort((a, b) => b[1] - a[1]);
	if (filters.length) {
		lines.push('Filtered (not incidents, by the mapping):');
		for (const [k, n] of filters) lines.push(`  ${String(n).padStart(7)}  ${k}`);
	}
	if (result.unmappedCategories?.length) {
		lines.push(
			'Unmapped category values (imported under the default category; add map entries or rules):'
		);
		for (const u of result.unmappedCategories)
			lines.push(`  ${String(u.rows).padStart(7)}  ${u.value === '' ? '(blank)' : u.value}`);
	}
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
