/**
 * Classes of a tested change for change maps: the exact conditional binomial test's direction and its
 * Benjamini–Hochberg adjusted p (server: analysis/exact-binomial.ts). ColorBrewer RdBu (Brewer 2003;
 * readable with the common colour-vision deficiencies), rises warm and falls cool, darker for stronger
 * evidence, and a neutral grey (not the white middle of RdBu) for "no significant change". Every class
 * has words for the legend.
 */
export type RGBA = [number, number, number, number];

export interface ChangeTest {
	direction: 'up' | 'down' | 'no significant change';
	/** FDR-adjusted two-sided exact p. */
	pAdjusted: number;
}

export interface ChangeClass {
	key: string;
	label: string;
	colour: string;
	rgba: RGBA;
}

const rgba = (hex: string, a: number): RGBA => {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255, a];
};

/** From the strongest fall to the strongest rise; bounds at FDR-adjusted p 0.01 and 0.05. */
export const CHANGE_CLASSES: readonly ChangeClass[] = [
	{ key: 'fall-99', label: 'Fall, adjusted p < 0.01', colour: '#2166ac' },
	{ key: 'fall-95', label: 'Fall, adjusted p < 0.05', colour: '#67a9cf' },
	{ key: 'none', label: 'No significant change', colour: '#bdbdbd' },
	{ key: 'rise-95', label: 'Rise, adjusted p < 0.05', colour: '#ef8a62' },
	{ key: 'rise-99', label: 'Rise, adjusted p < 0.01', colour: '#b2182b' }
].map((c) => ({ ...c, rgba: rgba(c.colour, c.key === 'none' ? 110 : 215) }));

export function changeClass(t: ChangeTest): ChangeClass {
	if (t.direction === 'down') return CHANGE_CLASSES[t.pAdjusted < 0.01 ? 0 : 1];
	if (t.direction === 'up') return CHANGE_CLASSES[t.pAdjusted < 0.01 ? 4 : 3];
	return CHANGE_CLASSES[2];
}

/**
 * Classes of shift risk relative to the highest-risk cell (risk has no natural unit): viridis
 * (perceptually uniform, colour-blind safe), dark for the highest risk.
 */
export interface RiskClass {
	/** Smallest share of the top cell's risk in the class. */
	min: number;
	label: string;
	colour: string;
	rgba: RGBA;
}

export const RISK_CLASSES: readonly RiskClass[] = [
	{ min: 0.75, label: '75–100 % of the top cell', colour: '#440154' },
	{ min: 0.5, label: '50–75 %', colour: '#3b528b' },
	{ min: 0.25, label: '25–50 %', colour: '#21918c' },
	{ min: 0.1, label: '10–25 %', colour: '#5ec962' },
	{ min: 0, label: 'under 10 %', colour: '#fde725' }
].map((c) => ({ ...c, rgba: rgba(c.colour, 200) }));

export function riskClass(risk: number, top: number): RiskClass {
	const share = top > 0 ? risk / top : 0;
	return RISK_CLASSES.find((c) => share >= c.min) ?? RISK_CLASSES[RISK_CLASSES.length - 1];
}
