import { describe, expect, it } from 'vitest';
import { gradingCode, gradingInWords } from './grading';

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
