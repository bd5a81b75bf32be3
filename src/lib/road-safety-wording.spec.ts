import { describe, expect, it } from 'vitest';
import { effectSentence, fmtEstimate } from './road-safety-wording';

describe('road-safety wording', () => {
	it('states the estimate with its interval and p', () => {
		expect(fmtEstimate({ estimate: 0.5, lower: 0.154, upper: 1.44, p: 0.2379 }, 0.95)).toBe(
			'0.50 (95 % CI 0.15 to 1.44; p = 0.238)'
		);
		expect(fmtEstimate({ estimate: null, lower: 0, upper: null, p: 1 }, 0.95)).toBe(
			'no estimate (a zero count); 95 % CI 0.00 to ∞'
		);
	});

	it('says when the interval includes no change', () => {
		expect(
			effectSentence({ estimate: 0.571, lower: 0.159, upper: 1.868, p: 0.43 }, 'All', 0.95)
		).toMatch(/^All: 43 % fewer .* cannot tell an effect from chance\.$/);
		expect(effectSentence({ estimate: 0.4, lower: 0.2, upper: 0.8, p: 0.01 }, 'KSI', 0.95)).toMatch(
			/60 % fewer .*excludes no change/
		);
	});
});
