import { describe, expect, it } from 'vitest';
import { verdictOf } from './forecast-accuracy';

const m = (pai: number, pei: number) => ({ hitRate: 0.3, pai, pei });

describe('forecast accuracy verdict', () => {
	it('better only when no measure is worse and one is better; mixed when they disagree', () => {
		expect(verdictOf(m(3, 0.4), m(2, 0.3))).toBe('better');
		expect(verdictOf(m(3, 0.3), m(2, 0.3))).toBe('better');
		expect(verdictOf(m(2, 0.2), m(3, 0.3))).toBe('worse');
		expect(verdictOf(m(3, 0.2), m(2, 0.3))).toBe('mixed');
		expect(verdictOf(m(2, 0.3), m(2, 0.3))).toBe('same');
		expect(verdictOf(null, m(2, 0.3))).toBe('not-measured');
	});
});
