import { describe, expect, it } from 'vitest';
import { importSummaryText } from './summary';
import { emptyImportSummary } from '../lib/server/ingest/import';

describe('importSummaryText', () => {
	it('states the accounting and the commonest reasons, most frequent first', () => {
		const text = importSummaryText(
			{
				files: [{}, {}],
				failed: [{}],
				total: 10,
				imported: 6,
				rejected: 3,
				duplicate: 1,
				located: 5,
				replaced: 0,
				rejectReasons: { 'latitude: out of range': 1, 'date: not a date': 2 },
				interrupted: [],
				seconds: 1.25
			},
			['Source: reports']
		);
		expect(text).toBe(
			[
				'',
				'Source: reports',
				'Files: 2 imported, 1 failed',
				'Rows:  10 = 6 imported + 3 rejected + 1 duplicate',
				'Located (with an H3 cell): 5; time 1.3 s',
				'Rejected rows by reason (each row is stored in import_rejects with file and row):',
				'        2  date: not a date',
				'        1  latitude: out of range',
				''
			].join('\n')
		);
	});

	it('reports bytes read as U+FFFD and imports found interrupted (issue 10 finding 9)', () => {
		const text = importSummaryText({
			...emptyImportSummary(),
			replaced: 3,
			interrupted: [{ batchId: 12, file: 'a-street.csv', imported: 20000 }]
		});
		expect(text).toContain(
			"Not clean UTF-8: 3 invalid byte sequences read as U+FFFD (\uFFFD); check the file's encoding"
		);
		expect(text).toContain(
			'Interrupted earlier: batch 12 (a-street.csv) stopped after 20000 rows; import the file again to complete it'
		);
		expect(importSummaryText(emptyImportSummary())).not.toMatch(/UTF-8|Interrupted/);
	});

	it('lists no reasons when nothing was rejected', () => {
		const text = importSummaryText(emptyImportSummary());
		expect(text).not.toContain('Rejected rows by reason');
		expect(text.startsWith('\nFiles: 0 imported, 0 failed\n')).toBe(true);
	});
});
