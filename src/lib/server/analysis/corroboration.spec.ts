import { describe, expect, it } from 'vitest';
import { corroborationEffect, detectConflict, mayRaise } from './corroboration';

describe('the corroboration rule', () => {
	it('an independent source may raise C (and D) to B', () => {
		expect(
			corroborationEffect({ sourceId: 1, intelligenceAssessment: 'C' }, { sourceId: 2 })
		).toEqual({
			independent: true,
			raisesTo: 'B',
			explanation:
				'independent source: may raise the assessment from C to B (known indirectly but corroborated)'
		});
		expect(
			corroborationEffect({ sourceId: 1, intelligenceAssessment: 'D' }, { sourceId: 2 }).raisesTo
		).toBe('B');
	});

	it('the same source may not raise any assessment', () => {
		for (const a of ['A', 'B', 'C', 'D', 'E']) {
			const e = corroborationEffect({ sourceId: 4, intelligenceAssessment: a }, { sourceId: 4 });
			expect(e.independent).toBe(false);
			expect(e.raisesTo).toBe(null);
		}
		expect(mayRaise({ sourceId: 4, intelligenceAssessment: 'C' }, { sourceId: 4 }, 'B')).toBe(
			false
		);
	});

	it('A and B stay, E is not raised by a link, and only B is a raise', () => {
		expect(
			corroborationEffect({ sourceId: 1, intelligenceAssessment: 'A' }, { sourceId: 2 }).raisesTo
		).toBe(null);
		expect(
			corroborationEffect({ sourceId: 1, intelligenceAssessment: 'B' }, { sourceId: 2 }).raisesTo
		).toBe(null);
		expect(
			corroborationEffect({ sourceId: 1, intelligenceAssessment: 'E' }, { sourceId: 2 }).raisesTo
		).toBe(null);
		expect(mayRaise({ sourceId: 1, intelligenceAssessment: 'C' }, { sourceId: 2 }, 'A')).toBe(
			false
		);
		expect(mayRaise({ sourceId: 1, intelligenceAssessment: 'C' }, { sourceId: 2 }, 'B')).toBe(true);
	});
});

describe('detectConflict', () => {
	it('flags two known reports of different events at the same place and time', () => {
		expect(
			detectConflict(
				{ intelligenceAssessment: 'A', category: 'drugs' },
				{ intelligenceAssessment: 'B', category: 'robbery' }
			)
		).toBe(
			'both graded known (A, B) but describe different events (drugs, robbery) at the same place and time'
		);
	});

	it('flags a report suspected false against one graded known', () => {
		expect(
			detectConflict(
				{ intelligenceAssessment: 'E', category: 'drugs' },
				{ intelligenceAssessment: 'A', category: 'drugs' }
			)
		).toBe('one report is suspected false (E) while the other is graded known (A)');
	});

	it('does not flag uncorroborated or uncategorised differences', () => {
		expect(
			detectConflict(
				{ intelligenceAssessment: 'C', category: 'drugs' },
				{ intelligenceAssessment: 'A', category: 'robbery' }
			)
		).toBe(null);
		expect(
			detectConflict(
				{ intelligenceAssessment: 'A', category: null },
				{ intelligenceAssessment: 'A', category: 'robbery' }
			)
		).toBe(null);
		expect(
			detectConflict(
				{ intelligenceAssessment: 'E', category: 'drugs' },
				{ intelligenceAssessment: 'D', category: 'drugs' }
			)
		).toBe(null);
	});
});
