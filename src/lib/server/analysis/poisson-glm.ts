/**
 * Poisson / quasi-Poisson regression with a log link, fitted by iteratively reweighted least squares
 * exactly as R's `glm.fit` does it (start μ = y + 0.1, convergence when |dev − dev_old| / (|dev| + 0.1)
 * < 1e-8, at most 25 iterations), with the quantities `summary.glm`, `hatvalues` and `predict.glm`
 * report for a quasi-Poisson fit: the Pearson dispersion, the unscaled covariance, leverages and
 * the t test of each coefficient. The outbreak-detection methods (early-warning.ts) are built on it.
 *
 * Reference: McCullagh & Nelder (1989) Generalized Linear Models, 2nd ed., ch. 2 and 6;
 * R Core Team, `stats::glm.fit` and `stats::summary.glm`.
 */
import { studentTCdf } from './distributions';

export interface PoissonGlmFit {
	converged: boolean;
	iterations: number;
	coefficients: number[];
	/** Fitted means. */
	mu: number[];
	/** Working weights of the final iteration (prior weight × μ), as `glm`'s `weights`. */
	workingWeights: number[];
	/** (XᵀWX)⁻¹ of the final iteration. */
	covUnscaled: number[][];
	dfResidual: number;
	/** Pearson estimate of the dispersion, as `summary.glm` gives for quasi-Poisson. */
	dispersion: number;
}

const EPS = Number.EPSILON;

function devianceResiduals(y: readonly number[], mu: number[], w: readonly number[]): number {
	let dev = 0;
	for (let i = 0; i < y.length; i++)
		dev += 2 * w[i] * (y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) - (y[i] - mu[i]) : mu[i]);
	return dev;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null when it is singular. */
export function invertSpd(a: number[][]): number[][] | null {
	const n = a.length;
	const l = a.map(() => new Array<number>(n).fill(0));
	for (let j = 0; j < n; j++) {
		let s = a[j][j];
		for (let k = 0; k < j; k++) s -= l[j][k] * l[j][k];
		if (!(s > 1e-12 * Math.abs(a[j][j])) || !(s > 0)) return null;
		l[j][j] = Math.sqrt(s);
		for (let i = j + 1; i < n; i++) {
			let t = a[i][j];
			for (let k = 0; k < j; k++) t -= l[i][k] * l[j][k];
			l[i][j] = t / l[j][j];
		}
	}
	// L⁻¹ then (L⁻¹)ᵀ L⁻¹.
	const li = a.map(() => new Array<number>(n).fill(0));
	for (let i = 0; i < n; i++) {
		li[i][i] = 1 / l[i][i];
		for (let j = 0; j < i; j++) {
			let s = 0;
			for (let k = j; k < i; k++) s -= l[i][k] * li[k][j];
			li[i][j] = s / l[i][i];
		}
	}
	const inv = a.map(() => new Array<number>(n).fill(0));
	for (let i = 0; i < n; i++)
		for (let j = 0; j <= i; j++) {
			let s = 0;
			for (let k = i; k < n; k++) s += li[k][i] * li[k][j];
			inv[i][j] = s;
			inv[j][i] = s;
		}
	return inv;
}

/**
 * Fits log E[y] = Xβ with prior weights (default 1). Returns null when the design is singular.
 *
 * @example
 * const fit = fitPoissonGlm([2, 3, 6, 7, 8], [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5]]);
 * fit?.coefficients; // ≈ [0.4568, 0.2962], as glm(y ~ x, family = poisson)
 */
export function fitPoissonGlm(
	y: readonly number[],
	x: readonly (readonly number[])[],
	priorWeights?: readonly number[],
	options: { epsilon?: number; maxit?: number } = {}
): PoissonGlmFit | null {
	const n = y.length;
	const p = x[0]?.length ?? 0;
	const epsilon = options.epsilon ?? 1e-8;
	const maxit = options.maxit ?? 25;
	const prior = priorWeights ?? new Array<number>(n).fill(1);
	let mu = y.map((v) => v + 0.1);
	let eta = mu.map((m) => Math.log(m));
	let devOld = devianceResiduals(y, mu, prior);
	let coef = new Array<number>(p).fill(0);
	let w = new Array<number>(n).fill(0);
	let inv: number[][] | null = null;
	let converged = false;
	let iter = 0;
	for (iter = 1; iter <= maxit; iter++) {
		// Working response and weights (log link: dμ/dη = μ, variance μ).
		const muEta = eta.map((e) => Math.max(Math.exp(e), EPS));
		const z = eta.map((e, i) => e + (y[i] - mu[i]) / muEta[i]);
		w = muEta.map((m, i) => (prior[i] * m * m) / mu[i]);
		const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
		const xtwz = new Array<number>(p).fill(0);
		for (let i = 0; i < n; i++) {
			if (!(w[i] > 0)) continue;
			const xi = x[i];
			for (let a = 0; a < p; a++) {
				const wa = w[i] * xi[a];
				xtwz[a] += wa * z[i];
				for (let b = 0; b <= a; b++) xtwx[a][b] += wa * xi[b];
			}
		}
		for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtwx[b][a] = xtwx[a][b];
		inv = invertSpd(xtwx);
		if (!inv) return null;
		const start = inv.map((row) => row.reduce((s, v, b) => s + v * xtwz[b], 0));
		eta = x.map((xi) => xi.reduce((s, v, b) => s + v * start[b], 0));
		mu = eta.map((e) => Math.max(Math.exp(e), EPS));
		const dev = devianceResiduals(y, mu, prior);
		coef = start;
		if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
			converged = true;
			break;
		}
		devOld = dev;
	}
	const rank = p;
	const nOk = prior.filter((v) => v !== 0).length;
	const dfResidual = nOk - rank;
	let pearson = 0;
	for (let i = 0; i < n; i++) {
		if (!(w[i] > 0)) continue;
		const r = (y[i] - mu[i]) / Math.max(mu[i], EPS);
		pearson += w[i] * r * r;
	}
	return {
		converged,
		iterations: Math.min(iter, maxit),
		coefficients: coef,
		mu,
		workingWeights: w,
		covUnscaled: inv!,
		dfResidual,
		dispersion: dfResidual > 0 ? pearson / dfResidual : NaN
	};
}

/** Leverages hᵢ = wᵢ xᵢᵀ (XᵀWX)⁻¹ xᵢ, as R's `hatvalues` of the fit. */
export function glmLeverages(fit: PoissonGlmFit, x: readonly (readonly number[])[]): number[] {
	return x.map((xi, i) => {
		let s = 0;
		for (let a = 0; a < xi.length; a++)
			for (let b = 0; b < xi.length; b++) s += xi[a] * fit.covUnscaled[a][b] * xi[b];
		return fit.workingWeights[i] * s;
	});
}

/**
 * Two-sided p-value of coefficient `j` (t on the residual df), with the fit's Pearson dispersion
 * unless another is given.
 */
export function coefficientPValue(
	fit: PoissonGlmFit,
	j: number,
	dispersion = fit.dispersion
): number {
	const se = Math.sqrt(dispersion * fit.covUnscaled[j][j]);
	const t = fit.coefficients[j] / se;
	return 2 * studentTCdf(-Math.abs(t), fit.dfResidual);
}

/** Linear predictor x₀ᵀβ for a new row. */
export function linearPredictor(fit: PoissonGlmFit, x0: readonly number[]): number {
	return x0.reduce((s, v, j) => s + v * fit.coefficients[j], 0);
}
