/**
 * Weighted displacement difference (Wheeler & Ratcliffe 2018, "A simple weighted displacement difference
 * test to evaluate place based crime interventions", Crime Science 7:11, doi:10.1186/s40163-018-0085-5):
 * the change in crime in the treated area T less the change in its control Ct, plus the change in the
 * displacement area D less the change in its control Cd,
 *
 *   WDD = ΔT − ΔCt + ΔD − ΔCd,   ΔX = X₁ − X₀ (after − before),
 *   Var(WDD) = T₀ + T₁ + Ct₀ + Ct₁ + D₀ + D₁ + Cd₀ + Cd₁   (counts taken as independent Poisson),
 *
 * Z = WDD / √Var, and a normal confidence interval. Negative WDD = fewer crimes than the controls'
 * trend predicts (a reduction net of displacement). Weights for unequal periods or areas divide each
 * count by (time weight × area weight) and its variance by the square of that (Wheeler's 2021 notes, as
 * in his R package ptools `wdd`).
 *
 * @example
 * const r = weightedDisplacementDifference({
 *   treated: { before: 207, after: 110 }, control: { before: 308, after: 318 },
 *   displacement: { before: 178, after: 157 }, displacementControl: { before: 150, after: 140 }
 * });
 * r.total; // { estimate: -118, variance: 1568, se: 39.6 }, r.z ≈ −2.98
 */
import { normalQuantile } from './distributions';
import { twoSidedP } from './normal';
import { AnalysisInputError } from './weights';

export interface BeforeAfter {
	before: number;
	after: number;
}

export interface WddInput {
	treated: BeforeAfter;
	control: BeforeAfter;
	/** The buffer around the treated area (absent: no displacement term). */
	displacement?: BeforeAfter;
	/** The buffer around the control area. */
	displacementControl?: BeforeAfter;
}

export interface WddOptions {
	/** Lengths of the before and after periods (e.g. [2, 1]: two years before, one after). Default [1, 1]. */
	timeWeights?: [number, number];
	/** Sizes of the treated, control, displacement and displacement-control areas. Default all 1. */
	areaWeights?: {
		treated: number;
		control: number;
		displacement: number;
		displacementControl: number;
	};
	/** Two-sided level of the confidence interval. Default 0.05 (95 %). */
	alpha?: number;
}

export interface WddEstimate {
	estimate: number;
	variance: number;
	se: number;
}

export interface WddResult {
	parameters: Required<WddOptions> & { formula: string };
	/** ΔT − ΔCt. */
	local: WddEstimate;
	/** ΔD − ΔCd (0 without displacement areas). */
	displacement: WddEstimate;
	/** The WDD: local + displacement. */
	total: WddEstimate;
	z: number;
	/** Two-sided normal p of z. */
	p: number;
	ci: { low: number; high: number; level: number };
}

function checkCounts(name: string, x: BeforeAfter): void {
	for (const k of ['before', 'after'] as const)
		if (!(Number.isFinite(x[k]) && x[k] >= 0))
			throw new AnalysisInputError('E_BAD_COUNT', `${name}.${k} must be a count ≥ 0, got ${x[k]}`);
}

/** Change and Poisson variance of one area pair (area, its control) with weights. */
function pairDifference(
	area: BeforeAfter,
	control: BeforeAfter,
	wArea: number,
	wControl: number,
	[t0, t1]: [number, number]
): WddEstimate {
	const estimate =
		area.after / (t1 * wArea) -
		area.before / (t0 * wArea) -
		(control.after / (t1 * wControl) - control.before / (t0 * wControl));
	const variance =
		area.after / (t1 * wArea) ** 2 +
		area.before / (t0 * wArea) ** 2 +
		control.after / (t1 * wControl) ** 2 +
		control.before / (t0 * wControl) ** 2;
	return { estimate, variance, se: Math.sqrt(variance) };
}

export function weightedDisplacementDifference(
	input: WddInput,
	options: WddOptions = {}
): WddResult {
	const timeWeights = options.timeWeights ?? [1, 1];
	const areaWeights = options.areaWeights ?? {
		treated: 1,
		control: 1,
		displacement: 1,
		displacementControl: 1
	};
	const alpha = options.alpha ?? 0.05;
	if (!(alpha > 0 && alpha < 1))
		throw new AnalysisInputError('E_BAD_ALPHA', `alpha must be in (0, 1), got ${alpha}`);
	for (const w of [...timeWeights, ...Object.values(areaWeights)])
		if (!(w > 0 && Number.isFinite(w)))
			throw new AnalysisInputError('E_BAD_WEIGHT', `weights must be > 0, got ${w}`);
	if ((input.displacement === undefined) !== (input.displacementControl === undefined))
		throw new AnalysisInputError(
			'E_DISPLACEMENT_PAIR',
			'give the displacement area and its control together (or neither)'
		);
	checkCounts('treated', input.treated);
	checkCounts('control', input.control);
	const local = pairDifference(
		input.treated,
		input.control,
		areaWeights.treated,
		areaWeights.control,
		timeWeights
	);
	let displacement: WddEstimate = { estimate: 0, variance: 0, se: 0 };
	if (input.displacement && input.displacementControl) {
		checkCounts('displacement', input.displacement);
		checkCounts('displacementControl', input.displacementControl);
		displacement = pairDifference(
			input.displacement,
			input.displacementControl,
			areaWeights.displacement,
			areaWeights.displacementControl,
			timeWeights
		);
	}
	const estimate = local.estimate + displacement.estimate;
	const variance = local.variance + displacement.variance;
	const se = Math.sqrt(variance);
	const z = se > 0 ? estimate / se : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
	const q = normalQuantile(1 - alpha / 2);
	return {
		parameters: {
			timeWeights,
			areaWeights,
			alpha,
			formula: 'WDD = ΔT − ΔCt + ΔD − ΔCd; Var = T₀ + T₁ + Ct₀ + Ct₁ + D₀ + D₁ + Cd₀ + Cd₁'
		},
		local,
		displacement,
		total: { estimate, variance, se },
		z,
		p: twoSidedP(z),
		ci: { low: estimate - q * se, high: estimate + q * se, level: 1 - alpha }
	};
}
