/** Shared by the ingest specs: run a file through a reader and an adapter, keep every outcome. */
import { fileURLToPath } from 'node:url';
import { openCsv } from './csv';
import type { Adapter, NormalisedIncident, RowRejection, SourceRow } from './types';

export const FIXTURES = fileURLToPath(
	new URL('../../../../tests/fixtures/ingest/', import.meta.url)
);
export const SHARED_DATA = '/work/shared/data/';

export interface Outcome {
	row: SourceRow;
	incident?: NormalisedIncident;
	reject?: RowRejection;
}

export async function runCsv(adapter: Adapter, file: string): Promise<Outcome[]> {
	const csv = await openCsv(file);
	adapter.begin(csv.header, file);
	const out: Outcome[] = [];
	for await (const row of csv.rows) {
		const r = adapter.parse(row);
		out.push(r.ok ? { row, incident: r.incident } : { row, reject: r.reject });
	}
	return out;
}
