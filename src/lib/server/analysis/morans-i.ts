/**
 * Global Moran's I with its analytical moments under the normality and randomisation assumptions.
 *
 * Moran (1950); moments from Cliff & Ord (1981) "Spatial Processes", §2.3 (as in esda `Moran`, R spdep
 * `moran.test`):
 *   I = (n / S0) · Σi Σj wij zi zj / Σi zi²,  zi = xi − x̄
 *   E[I] = −1 / (n − 1)
 *   Var_N[I] = (n² S1 − n S2 + 3 S0²) / ((n² − 1) S0²) − E[I]²
 *   Var_R[I] = [n((n² − 3n + 3) S1 − n S2 + 3 S0²) − b2((n² − n) S1 − 2n S2 + 6 S0²)]
 *              / ((n − 1)(n − 2)(n − 3) S0²) − E[I]²,  b2 = n Σ zi⁴ / (Σ zi²)²
 *   S0 = Σ wij, S1 = ½ Σ (wij + wji)², S2 = Σi (wi· + w·i)².
 */
import { normalSf, twoSidedP } from './normal';
import { AnalysisInputError, rowStandardise, type SpatialWeights } from './weights';

export interface MoransIOptions {
	/** 'row' (row-standardised, esda's default) or 'binary'. Default 'row'. */
	transform?: 'row' | 'binary';
	/** Which variance z and p use. Default 'normality'. */
	assumption?: 'normality' | 'randomisation';
}

export interface MoransIResult {
	parameters: { transform: 'row' | 'binary'; assumption: 'normality' | 'randomisation'; n: number };
	I: number;
	expected: number;
	/** Variance under the chosen assumption. */
	variance: number;
	varianceNormality: number;
	varianceRandomisation: number;
	z: number;
	/** Two-sided normal p-value. */
	p: number;
	/** One-sided p in the direction of the observed z (esda's `p_norm`). */
	pOneSided: number;
	s0: number;
	s1: number;
	s2: number;
}

/**
 * Global Moran's I.
 *
 * @example
 * // St. Louis homicide rates HR8893 with the queen GAL file (esda test): I = 0.24365582621771659
 * moransI(hr8893, queenWeights).I;
 */
export function moransI(
	values: ArrayLike<number>,
	w: SpatialWeights,
	options: MoransIOptions = {}
): MoransIResult {
	const { transform = 'row', assumption = 'normality' } = options;
	const n = w.n;
	if (values.length !== n)
		throw new AnalysisInputError(
			'E_LENGTH_MISMATCH',
			`${values.length} values for ${n} observations`
		);
	if (n < 4) throw new AnalysisInputError('E_TOO_FEW', `Moran's I needs at least 4 observations`);
	const weights = transform === 'row' ? rowStandardise(w) : { ...w, weights: null };
	const { offsets, neighbours } = weights;
	const wt = (e: number) => (weights.weights ? weights.weights[e] : 1);

	let mean = 0;
	for (let i = 0; i < n; i++) mean += values[i];
	mean /= n;
	const z = new Float64Array(n);
	let m2 = 0;
	let m4 = 0;
	for (let i = 0; i < n; i++) {
		z[i] = values[i] - mean;
		m2 += z[i] * z[i];
		m4 += z[i] ** 4;
	}
	let s0 = 0;
	let cross = 0;
	const rowSum = new Float64Array(n);
	const colSum = new Float64Array(n);
	const link = new Map<number, number>();
	for (let i = 0; i < n; i++) {
		for (let e = offsets[i]; e < offsets[i + 1]; e++) {
			const j = neighbours[e];
			const v = wt(e);
			s0 += v;
			cross += v * z[i] * z[j];
			rowSum[i] += v;
			colSum[j] += v;
			link.set(i * n + j, v);
		}
	}
	// S1 = ½ Σ (wij + wji)² = Σ wij² + Σ wij wji
	let s1 = 0;
	for (const [key, v] of link) {
		const i = Math.floor(key / n);
		const j = key - i * n;
		s1 += v * v + v * (link.get(j * n + i) ?? 0);
	}
	let s2 = 0;
	for (let i = 0; i < n; i++) s2 += (rowSum[i] + colSum[i]) ** 2;

	const I = (n / s0) * (cross / m2);
	const expected = -1 / (n - 1);
	const varianceNormality =
		(n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - expected * expected;
	const b2 = (n * m4) / (m2 * m2);
	const varianceRandomisation =
		(n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) -
			b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)) /
			((n - 1) * (n - 2) * (n - 3) * s0 * s0) -
		expected * expected;
	const variance = assumption === 'normality' ? varianceNormality : varianceRandomisation;
	const zScore = (I - expected) / Math.sqrt(variance);
	return {
		parameters: { transform, assumption, n },
		I,
		expected,
		variance,
		varianceNormality,
		varianceRandomisation,
		z: zScore,
		p: twoSidedP(zScore),
		pOneSided: normalSf(Math.abs(zScore)),
		s0,
		s1,
		s2
	};
}
