import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openCsv } from './csv';
import {
	observationColumns,
	OBSERVATION_TEXT_MAX,
	parseObservationRow,
	type ObservationColumns,
	type ObservationRowResult
} from './observations';
import { ImportError, type SourceRow } from './types';

const HEADER = [
	'id',
	'observed_at',
	'text',
	'latitude',
	'longitude',
	'source_evaluation',
	'intelligence_assessment',
	'handling_code',
	'sanitised_text'
];
const COLS = observationColumns(HEADER);
const NOW = new Date('2025-01-01T12:00:00Z');
const GOOD: Record<string, string> = {
	id: 'obs-1',
	observed_at: '2024-03-01T14:30:00+00:00',
	text: 'Group gathering by the bins after dark',
	latitude: '51.5155',
	longitude: '-0.0922',
	source_evaluation: '2',
	intelligence_assessment: 'B',
	handling_code: 'P',
	sanitised_text: ''
};

function parse(
	change: Record<string, string> = {},
	cols: ObservationColumns = COLS,
	timeZone = 'Europe/London'
): ObservationRowResult {
	const row: SourceRow = { rowNumber: 2, values: { ...GOOD, ...change }, raw: 'raw' };
	return parseObservationRow(row, cols, { timeZone, now: NOW });
}

function rejected(change: Record<string, string>) {
	const r = parse(change);
	if (r.ok) throw new Error('expected a rejection');
	return r.reject;
}

describe('observations CSV header', () => {
	it('finds the columns whatever their case, spacing or punctuation, sanitised_text optional', () => {
		const cols = observationColumns([
			'ID',
			'Observed At',
			'TEXT',
			'Latitude',
			'LONGITUDE',
			'Source-Evaluation',
			'intelligence assessment',
			'Handling_Code'
		]);
		expect(cols).toEqual({
			id: 'ID',
			observedAt: 'Observed At',
			text: 'TEXT',
			latitude: 'Latitude',
			longitude: 'LONGITUDE',
			sourceEvaluation: 'Source-Evaluation',
			intelligenceAssessment: 'intelligence assessment',
			handlingCode: 'Handling_Code'
		});
	});

	it('names every missing column (E_HEADER)', () => {
		try {
			observationColumns(['id', 'text', 'latitude', 'longitude'], 'x.csv');
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(ImportError);
			expect((e as ImportError).code).toBe('E_HEADER');
			expect((e as ImportError).message).toMatch(
				/^x\.csv: missing columns observed_at, source_evaluation, intelligence_assessment, handling_code:/
			);
		}
	});
});

describe('observation rows', () => {
	it('reads a good row: instant in UTC, grading codes, H3-ready point, no sanitised text', () => {
		expect(parse()).toEqual({
			ok: true,
			observation: {
				externalId: 'obs-1',
				observedAt: new Date('2024-03-01T14:30:00Z'),
				text: 'Group gathering by the bins after dark',
				sanitisedText: null,
				lon: -0.0922,
				lat: 51.5155,
				sourceEvaluation: 2,
				intelligenceAssessment: 'B',
				handlingCode: 'P'
			}
		});
	});

	it('reads local times in the time zone (BST in July), offsets as given', () => {
		const local = parse({ observed_at: '2024-07-01 09:15' });
		expect(local.ok && local.observation.observedAt.toISOString()).toBe('2024-07-01T08:15:00.000Z');
		const chicago = parse({ observed_at: '2024-01-10T09:15:00' }, COLS, 'America/Chicago');
		expect(chicago.ok && chicago.observation.observedAt.toISOString()).toBe(
			'2024-01-10T15:15:00.000Z'
		);
		const offset = parse({ observed_at: '2024-07-01T09:15:00-05:00' });
		expect(offset.ok && offset.observation.observedAt.toISOString()).toBe(
			'2024-07-01T14:15:00.000Z'
		);
	});

	it('accepts lower-case grading codes and stores them upper case', () => {
		const r = parse({ intelligence_assessment: ' e ', handling_code: 'c' });
		expect(r.ok && [r.observation.intelligenceAssessment, r.observation.handlingCode]).toEqual([
			'E',
			'C'
		]);
	});

	it('keeps hostile text exactly as written (escaping is the job of whoever shows it)', () => {
		for (const text of [
			'<script>alert(1)</script>',
			'=HYPERLINK("http://example.invalid","click")',
			'line one\nline "two"\ttabbed \\ back'
		]) {
			const r = parse({ text });
			expect(r.ok && r.observation.text).toBe(text);
		}
	});

	it('removes NUL characters and trims, as the incident importer stores text', () => {
		const r = parse({ text: '  a\u0000b  ', sanitised_text: ' Seen near the bins \u0000' });
		expect(r.ok && [r.observation.text, r.observation.sanitisedText]).toEqual([
			'ab',
			'Seen near the bins'
		]);
	});

	it('has no location when both coordinates are blank', () => {
		const r = parse({ latitude: ' ', longitude: '' });
		expect(r.ok && [r.observation.lon, r.observation.lat]).toEqual([null, null]);
	});

	it.each([
		[{ id: '  ' }, 'id', /is blank/],
		[{ id: 'x'.repeat(201) }, 'id', /id is 201 characters long \(at most 200\)/],
		[{ observed_at: '' }, 'observed_at', /is blank/],
		[{ observed_at: '01/03/2024 14:30' }, 'observed_at', /not an ISO 8601 date and time/],
		[{ observed_at: '2024-02-30T10:00:00Z' }, 'observed_at', /not an ISO 8601/],
		[{ observed_at: '2024-03-01' }, 'observed_at', /needs a time of day/],
		[
			{ observed_at: '2025-01-02T12:30:00Z' },
			'observed_at',
			/"2025-01-02T12:30:00Z" is in the future/
		],
		[{ observed_at: '1899-12-30T00:00:00Z' }, 'observed_at', /is before 1900/],
		[{ text: '' }, 'text', /is empty/],
		[{ text: ' \u0000 ' }, 'text', /is empty/],
		[{ text: 'x'.repeat(OBSERVATION_TEXT_MAX + 1) }, 'text', /longer than 10000/],
		[{ sanitised_text: 'x'.repeat(OBSERVATION_TEXT_MAX + 1) }, 'sanitised_text', /longer/],
		[{ latitude: '' }, 'latitude', /latitude is blank but longitude is not/],
		[{ longitude: 'west' }, 'longitude', /not a number: "west"/],
		[{ latitude: '91' }, 'latitude', /outside −90..90/],
		[{ longitude: '-181' }, 'longitude', /outside −180..180/],
		[{ latitude: '0', longitude: '0' }, 'latitude/longitude', /0, 0 is not a place/],
		[{ source_evaluation: '4' }, 'source_evaluation', /must be one of 1, 2, 3: got "4"/],
		[{ source_evaluation: '' }, 'source_evaluation', /got ""/],
		[{ intelligence_assessment: 'F' }, 'intelligence_assessment', /one of A, B, C, D, E: got "F"/],
		[{ handling_code: 'R' }, 'handling_code', /must be one of P, C: got "R"/]
	])('refuses %j in %s', (change, field, reason) => {
		const r = rejected(change);
		expect(r.field).toBe(field);
		expect(r.reason).toMatch(reason);
	});

	it('counts text length in characters, not UTF-16 units', () => {
		expect(parse({ text: '😀'.repeat(OBSERVATION_TEXT_MAX) }).ok).toBe(true);
	});

	it('passes on the reader’s verdict for a malformed row', () => {
		const row: SourceRow = {
			rowNumber: 7,
			values: {},
			raw: 'a,b',
			problem: { field: '', reason: 'wrong number of columns: expected 9, found 2' }
		};
		expect(parseObservationRow(row, COLS, { timeZone: 'UTC', now: NOW })).toEqual({
			ok: false,
			reject: { field: '', reason: 'wrong number of columns: expected 9, found 2' }
		});
	});

	it('reads a file with a BOM, CRLF line ends and quoted fields through openCsv', async () => {
		const file =
			'\ufeffID,Observed_At,Text,Latitude,Longitude,Source_Evaluation,Intelligence_Assessment,Handling_Code\r\n' +
			'a1,2024-03-01T10:00:00Z,"Said ""hello"", then left\r\nby the gate",51.5,-0.09,1,A,P\r\n';
		const csv = await openCsv(Readable.from([Buffer.from(file)]));
		const cols = observationColumns(csv.header);
		const out: ObservationRowResult[] = [];
		for await (const row of csv.rows)
			out.push(parseObservationRow(row, cols, { timeZone: 'UTC', now: NOW }));
		expect(out).toHaveLength(1);
		expect(out[0].ok && out[0].observation.text).toBe('Said "hello", then left\r\nby the gate');
	});
});
