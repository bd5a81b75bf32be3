/** Wording of road-safety numbers (the page and the evaluation product share it; no server imports). */
import type { RoadEstimate } from './contracts/road-safety';

export function fmtRatio(v: number | null): string {
	if (v === null) return '∞';
	return v < 10 ? v.toFixed(2) : v.toFixed(1);
}

export function fmtP(p: number): string {
	return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** "0.67 (95 % CI 0.11 to 3.99; p = 0.650)", or why there is no estimate. */
export function fmtEstimate(r: RoadEstimate, confidence: number): string {
	const ci = `${Math.round(confidence * 100)} % CI ${fmtRatio(r.lower)} to ${fmtRatio(r.upper)}`;
	if (r.estimate === null) return `no estimate (a zero count); ${ci}`;
	return `${fmtRatio(r.estimate)} (${ci}; ${fmtP(r.p)})`;
}

/** A sentence a reader can act on: the change beyond the control's trend and whether chance explains it. */
export function effectSentence(r: RoadEstimate, what: string, confidence: number): string {
	const level = `${Math.round(confidence * 100)} %`;
	if (r.estimate === null)
		return `${what}: a count of zero leaves the change undefined; the ${level} interval runs from ${fmtRatio(r.lower)} to ${fmtRatio(r.upper)} times the expected level.`;
	const pct = Math.round((r.estimate - 1) * 100);
	const change = pct === 0 ? 'no change' : pct < 0 ? `${-pct} % fewer` : `${pct} % more`;
	const includesOne = r.lower <= 1 && (r.upper === null || r.upper >= 1);
	return `${what}: ${change} than the control's trend predicts (odds ratio ${fmtRatio(r.estimate)}, ${level} interval ${fmtRatio(r.lower)} to ${fmtRatio(r.upper)}). ${
		includesOne
			? 'The interval includes no change: these counts cannot tell an effect from chance.'
			: 'The interval excludes no change.'
	}`;
}
