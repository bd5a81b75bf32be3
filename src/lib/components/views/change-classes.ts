/**
 * Classes of a Poisson z for change maps: ColorBrewer RdBu (Brewer 2003; readable with the common
 * colour-vision deficiencies), rises warm and falls cool, darker for stronger evidence, and a neutral grey
 * (not the white middle of RdBu) for "no significant change". Every class has words for the legend.
 */
export type RGBA = [number, number, number, number];

export interface ChangeClass {
	key: string;
	label: string;
	/** Lower bound of z (inclusive); the first class has −Infinity. */
	min: number;
	colour: string;
	rgba: RGBA;
}

const rgba = (hex: string, a: number): RGBA => {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255, a];
};

/** From the strongest fall to the strongest rise; bounds at the 95 % and 99 % two-sided z. */
export const CHANGE_CLASSES: readonly ChangeClass[] = [
	{ key: 'fall-99', label: 'Fall, 99 % (z ≤ −2.58)', min: -Infinity, colour: '#2166ac' },
	{ key: 'fall-95', label: 'Fall, 95 % (−2.58 < z ≤ −1.96)', min: -2.5758, colour: '#67a9cf' },
	{ key: 'none', label: 'No significant change (|z| < 1.96)', min: -1.96, colour: '#bdbdbd' },
	{ key: 'rise-95', label: 'Rise, 95 % (1.96 ≤ z < 2.58)', min: 1.96, colour: '#ef8a62' },
	{ key: 'rise-99', label: 'Rise, 99 % (z ≥ 2.58)', min: 2.5758, colour: '#b2182b' }
].map((c) => ({ ...c, rgba: rgba(c.colour, c.key === 'none' ? 110 : 215) }));

export function changeClass(z: number): ChangeClass {
	// Falls are bounded above: z ≤ −1.96 is a fall, z < 1.96 "none", z ≥ 1.96 a rise.
	if (z <= -2.5758) return CHANGE_CLASSES[0];
	if (z <= -1.96) return CHANGE_CLASSES[1];
	if (z < 1.96) return CHANGE_CLASSES[2];
	if (z < 2.5758) return CHANGE_CLASSES[3];
	return CHANGE_CLASSES[4];
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
