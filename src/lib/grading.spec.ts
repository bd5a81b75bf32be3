import { describe, expect, it } from 'vitest';
import {
	GRADING_MEANINGS,
	gradingCode,
	gradingInWords,
	parseGrading,
	sharedProductBlock,
	sharedText
} from './grading';

describe('parseGrading', () => {
	it('accepts every code of the 3x5x2 scales, letters in either case, numbers as text', () => {
		for (const se of [1, 2, 3, '1', ' 3 '])
			for (const ia of ['A', 'b', 'C', 'd', 'E'])
				for (const hc of ['P', 'c']) {
					const r = parseGrading({
						sourceEvaluation: se,
						intelligenceAssessment: ia,
						handlingCode: hc
					});
					expect(r.ok).toBe(true);
				}
		expect(
			parseGrading({ sourceEvaluation: '2', intelligenceAssessment: 'c', handlingCode: 'p' })
		).toEqual({
			ok: true,
			grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'P' }
		});
	});

	it('names every bad field and the codes allowed', () => {
		const r = parseGrading({ sourceEvaluation: 4, intelligenceAssessment: 'F', handlingCode: 'R' });
		expect(r).toEqual({
			ok: false,
			problems: [
				{
					field: 'sourceEvaluation',
					message:
						'source evaluation must be 1 (reliable), 2 (untested) or 3 (not reliable): got "4"'
				},
				{
					field: 'intelligenceAssessment',
					message: 'intelligence assessment must be one of A, B, C, D, E: got "F"'
				},
				{
					field: 'handlingCode',
					message:
						'handling code must be P (lawful sharing permitted) or C (sharing with conditions): got "R"'
				}
			]
		});
		// The old 5x5x5 scale's codes and fractions are not 3x5x2 codes.
		expect(
			parseGrading({ sourceEvaluation: '1.5', intelligenceAssessment: 'A', handlingCode: 'P' }).ok
		).toBe(false);
		expect(
			parseGrading({ sourceEvaluation: 2, intelligenceAssessment: 'A', handlingCode: '4' }).ok
		).toBe(false);
		expect(
			parseGrading({ sourceEvaluation: null, intelligenceAssessment: '', handlingCode: undefined })
				.ok
		).toBe(false);
	});

	it('every code has its meaning in words', () => {
		expect(Object.keys(GRADING_MEANINGS.sourceEvaluation)).toEqual(['1', '2', '3']);
		expect(Object.keys(GRADING_MEANINGS.intelligenceAssessment)).toEqual(['A', 'B', 'C', 'D', 'E']);
		expect(Object.keys(GRADING_MEANINGS.handlingCode)).toEqual(['P', 'C']);
		expect(GRADING_MEANINGS.intelligenceAssessment.B).toMatch(/^Known indirectly but corroborated/);
		expect(
			gradingInWords({ sourceEvaluation: 3, intelligenceAssessment: 'E', handlingCode: 'C' })
		).toBe('3/E/C — not reliable source, suspected to be false, sharing only with conditions');
	});
});

describe('the sanitised-text rule', () => {
	it('code C feeds a shared product only through its sanitised text', () => {
		const c = {
			handlingCode: 'C',
			text: 'Informant J. Smith at 4 Hill St saw…',
			sanitisedText: null
		};
		expect(sharedText(c)).toBe(null);
		expect(sharedProductBlock(c)).toMatch(/write a sanitised text/);
		expect(sharedText({ ...c, sanitisedText: '   ' })).toBe(null);
		expect(sharedText({ ...c, sanitisedText: 'A resident saw dealing near Hill St.' })).toBe(
			'A resident saw dealing near Hill St.'
		);
		expect(sharedProductBlock({ ...c, sanitisedText: 'A resident saw…' })).toBe(null);
	});

	it('code P gives the sanitised text where written, else its text', () => {
		expect(sharedText({ handlingCode: 'P', text: 'raw', sanitisedText: null })).toBe('raw');
		expect(sharedText({ handlingCode: 'P', text: 'raw', sanitisedText: 'clean' })).toBe('clean');
	});
});

describe('3x5x2 grading in words', () => {
	it('writes the code and its meaning', () => {
		const g = { sourceEvaluation: 2, intelligenceAssessment: 'B', handlingCode: 'P' };
		expect(gradingCode(g)).toBe('2/B/P');
		expect(gradingInWords(g)).toBe(
			'2/B/P — untested source, known indirectly but corroborated, lawful sharing permitted'
		);
		expect(
			gradingInWords({ sourceEvaluation: 3, intelligenceAssessment: 'E', handlingCode: 'C' })
		).toBe('3/E/C — not reliable source, suspected to be false, sharing only with conditions');
	});

	it('says so when a code is unknown rather than inventing a meaning', () => {
		expect(
			gradingInWords({ sourceEvaluation: 7, intelligenceAssessment: 'Z', handlingCode: 'P' })
		).toBe('7/Z/P — unknown code, unknown code, lawful sharing permitted');
	});
});
