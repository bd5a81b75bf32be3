import { describe, expect, it } from 'vitest';
import { negBinomialQuantile, normalQuantile, poissonQuantile, studentTCdf } from './distributions';

// Expected values printed by R 4.x with options(digits = 17).
describe('distribution functions agree with R', () => {
	it('normalQuantile = qnorm', () => {
		expect(normalQuantile(0.999)).toBeCloseTo(3.0902323061678132, 14);
		expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514715, 14);
		expect(normalQuantile(0.025)).toBeCloseTo(-1.9599639845400538, 14);
		expect(normalQuantile(1e-10)).toBeCloseTo(-6.3613409024040557, 12);
		expect(normalQuantile(0)).toBe(-Infinity);
		expect(normalQuantile(1.5)).toBeNaN();
	});

	it('studentTCdf = pt', () => {
		expect(studentTCdf(-2.1, 3)).toBeCloseTo(0.063282601274842268, 12);
		expect(studentTCdf(-0.3, 40)).toBeCloseTo(0.382865358385509558, 12);
		expect(studentTCdf(1.7, 250)).toBeCloseTo(0.954812689339481935, 12);
	});

	it('negBinomialQuantile = qnbinom, also for a huge size (nearly Poisson)', () => {
		expect(negBinomialQuantile(0.95, 0.5, 0.3)).toBe(5);
		expect(negBinomialQuantile(0.95, 3.7, 0.8)).toBe(3);
		expect(negBinomialQuantile(0.95, 1e6, 0.999999)).toBe(3);
		expect(negBinomialQuantile(0.95, 250, 0.5)).toBe(288);
	});

	it('poissonQuantile = qpois', () => {
		expect(poissonQuantile(0.95, 0.01)).toBe(0);
		expect(poissonQuantile(0.95, 3.59)).toBe(7);
		expect(poissonQuantile(0.95, 48.2)).toBe(60);
	});
});
