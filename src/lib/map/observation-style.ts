/**
 * How observations look on the map, and the legend that explains it. Meaning is never carried by colour
 * alone: each point carries its intelligence assessment as a letter, and its handling code as the
 * outline (thin white: P; thick black ring: C).
 *
 * Fill colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), chosen to stay
 * distinguishable with the common forms of colour-blindness; each letter is drawn in black or white,
 * whichever contrasts more with its fill (WCAG 2 relative luminance).
 *
 * Shared with the browser: no node imports here.
 */
import {
	HANDLING_CODE_WORDS,
	INTELLIGENCE_ASSESSMENT_WORDS,
	INTELLIGENCE_ASSESSMENTS,
	type HandlingCode,
	type IntelligenceAssessment
} from '$lib/grading';
import type { RGBA } from './palette';

export interface AssessmentStyle {
	code: IntelligenceAssessment;
	label: string;
	colour: string;
	rgba: RGBA;
	/** Colour of the letter on the fill. */
	text: RGBA;
}

const OKABE_ITO: Record<IntelligenceAssessment, string> = {
	A: '#0072b2',
	B: '#009e73',
	C: '#e69f00',
	D: '#cc79a7',
	E: '#d55e00'
};

function rgb(hex: string): [number, number, number] {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** WCAG 2 relative luminance of an sRGB colour. */
function luminance([r, g, b]: [number, number, number]): number {
	const lin = (c: number) => {
		const s = c / 255;
		return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
	};
	return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

const BLACK: RGBA = [17, 24, 39, 255];
const WHITE: RGBA = [255, 255, 255, 255];

/** Black or white text, whichever has the higher contrast ratio on `hex`. */
export function letterColour(hex: string): RGBA {
	const l = luminance(rgb(hex));
	return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? BLACK : WHITE;
}

export const ASSESSMENT_STYLES: readonly AssessmentStyle[] = INTELLIGENCE_ASSESSMENTS.map(
	(code) => ({
		code,
		label: INTELLIGENCE_ASSESSMENT_WORDS[code],
		colour: OKABE_ITO[code],
		rgba: [...rgb(OKABE_ITO[code]), 235] as RGBA,
		text: letterColour(OKABE_ITO[code])
	})
);

const UNKNOWN: AssessmentStyle = {
	code: 'D',
	label: 'unknown assessment',
	colour: '#6b7280',
	rgba: [107, 114, 128, 235],
	text: WHITE
};

export function assessmentStyle(code: string): AssessmentStyle {
	return ASSESSMENT_STYLES.find((s) => s.code === code) ?? UNKNOWN;
}

export interface HandlingStyle {
	code: HandlingCode;
	label: string;
	line: RGBA;
	/** Outline width in pixels. */
	width: number;
}

export const HANDLING_STYLES: readonly HandlingStyle[] = [
	{ code: 'P', label: HANDLING_CODE_WORDS.P, line: [255, 255, 255, 255], width: 1.5 },
	{ code: 'C', label: HANDLING_CODE_WORDS.C, line: BLACK, width: 3 }
];

/** Anything but P is drawn as restricted. */
export function handlingStyle(code: string): HandlingStyle {
	return code === 'P' ? HANDLING_STYLES[0] : HANDLING_STYLES[1];
}

/** Radius of an observation point in pixels (big enough for its letter and for a finger). */
export const OBSERVATION_RADIUS_PX = 8;
