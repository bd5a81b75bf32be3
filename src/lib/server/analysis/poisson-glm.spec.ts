import { describe, expect, it } from 'vitest';
import { coefficientPValue, fitPoissonGlm, glmLeverages } from './poisson-glm';

// R: y <- c(2,3,6,7,8,9,10,12,15); x <- 1:9; glm(y ~ x, family = quasipoisson) (digits = 17).
const y = [2, 3, 6, 7, 8, 9, 10, 12, 15];
const X = y.map((_, i) => [1, i + 1]);

describe('fitPoissonGlm agrees with R glm(family = quasipoisson)', () => {
	it('coefficients, dispersion, leverages and the t test of the slope', () => {
		const fit = fitPoissonGlm(y, X)!;
		expect(fit.converged).toBe(true);
		expect(fit.coefficients[0]).toBeCloseTo(0.98184503170316106, 9);
		expect(fit.coefficients[1]).toBeCloseTo(0.19483767838527774, 9);
		expect(fit.dispersion).toBeCloseTo(0.20793777128451871, 8);
		const h = glmLeverages(fit, X);
		expect(h[0]).toBeCloseTo(0.26010583380306662, 8);
		expect(h[8]).toBeCloseTo(0.49888688924086033, 8);
		expect(coefficientPValue(fit, 1)).toBeCloseTo(5.3602666866712763e-5, 10);
	});

	it('prior weights', () => {
		const fit = fitPoissonGlm(y, X, [1, 2, 1, 0.5, 1, 1, 3, 1, 1])!;
		expect(fit.coefficients[0]).toBeCloseTo(0.89068910191491146, 9);
		expect(fit.coefficients[1]).toBeCloseTo(0.20513646402670477, 9);
		expect(fit.dispersion).toBeCloseTo(0.22612507471986332, 8);
		expect(coefficientPValue(fit, 1)).toBeCloseTo(3.5734674497340983e-5, 10);
	});

	it('a singular design gives null', () => {
		expect(
			fitPoissonGlm(
				[1, 2, 3],
				[
					[1, 2],
					[1, 2],
					[1, 2]
				]
			)
		).toBeNull();
	});
});
