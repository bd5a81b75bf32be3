/**
 * Effect of a randomised patrol/control trial: the difference in mean outcome (crimes or harm per
 * spot-day) between patrol and control spots, with Welch's standard error and a normal confidence
 * interval (large-sample; Welch 1947). Negative = less crime where patrols went. Spots were assigned by
 * a recorded seeded draw (tasking-plan.ts `drawPatrolControl`), so the difference estimates the effect.
 *
 * @example
 * randomisedEffect([0, 1, 0, 2], [2, 3, 1, 2]);
 * // { difference: -1.25, se: 0.75, ci: [-2.72, 0.22], … }
 */
import { normalQuantile } from './distributions';
import { twoSidedP } from './normal';
import { AnalysisInputError } from './weights';

export interface RandomisedEffect {
	patrol: { n: number; mean: number; variance: number };
	control: { n: number; mean: number; variance: number };
	difference: number;
	se: number;
	z: number;
	p: number;
	ci: [number, number];
	alpha: number;
}

function summary(xs: readonly number[]) {
	const n = xs.length;
	const mean = xs.reduce((a, b) => a + b, 0) / n;
	const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
	return { n, mean, variance };
}

export function randomisedEffect(
	patrol: readonly number[],
	control: readonly number[],
	alpha = 0.05
): RandomisedEffect {
	if (patrol.length < 2 || control.length < 2)
		throw new AnalysisInputError(
			'E_TOO_FEW',
			'an effect needs at least two patrol and two control spot-days'
		);
	if ([...patrol, ...control].some((x) => !Number.isFinite(x)))
		throw new AnalysisInputError('E_PARAMETER', 'outcomes must be finite numbers');
	const p = summary(patrol);
	const c = summary(control);
	const difference = p.mean - c.mean;
	const se = Math.sqrt(p.variance / p.n + c.variance / c.n);
	const q = normalQuantile(1 - alpha / 2);
	const z = se > 0 ? difference / se : 0;
	return {
		patrol: p,
		control: c,
		difference,
		se,
		z,
		p: se > 0 ? twoSidedP(z) : 1,
		ci: [difference - q * se, difference + q * se],
		alpha
	};
}
