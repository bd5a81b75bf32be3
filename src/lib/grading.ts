/**
 * The 3x5x2 intelligence grading of observations (DESIGN §3; College of Policing, APP "Intelligence
 * management", the 3x5x2 evaluation): source evaluation 1–3, intelligence assessment A–E, handling
 * code P or C. One list of codes and their words for the importer (which codes exist), the API and
 * the map (what a code means, in words).
 *
 * Shared with the browser: no node imports here.
 */

export const SOURCE_EVALUATIONS = [1, 2, 3] as const;
export type SourceEvaluation = (typeof SOURCE_EVALUATIONS)[number];

export const INTELLIGENCE_ASSESSMENTS = ['A', 'B', 'C', 'D', 'E'] as const;
export type IntelligenceAssessment = (typeof INTELLIGENCE_ASSESSMENTS)[number];

export const HANDLING_CODES = ['P', 'C'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const SOURCE_EVALUATION_WORDS: Record<SourceEvaluation, string> = {
	1: 'reliable source',
	2: 'untested source',
	3: 'not reliable source'
};

export const INTELLIGENCE_ASSESSMENT_WORDS: Record<IntelligenceAssessment, string> = {
	A: 'known directly',
	B: 'known indirectly but corroborated',
	C: 'known indirectly',
	D: 'not known',
	E: 'suspected to be false'
};

export const HANDLING_CODE_WORDS: Record<HandlingCode, string> = {
	P: 'lawful sharing permitted',
	C: 'sharing only with conditions'
};

export interface Grading {
	sourceEvaluation: number;
	intelligenceAssessment: string;
	handlingCode: string;
}

/** `2/B/P`. */
export function gradingCode(g: Grading): string {
	return `${g.sourceEvaluation}/${g.intelligenceAssessment}/${g.handlingCode}`;
}

/**
 * The grading with its meaning, for people reading a report.
 * @example gradingInWords({ sourceEvaluation: 2, intelligenceAssessment: 'B', handlingCode: 'P' })
 * // '2/B/P — untested source, known indirectly but corroborated, lawful sharing permitted'
 */
export function gradingInWords(g: Grading): string {
	const words = [
		SOURCE_EVALUATION_WORDS[g.sourceEvaluation as SourceEvaluation],
		INTELLIGENCE_ASSESSMENT_WORDS[g.intelligenceAssessment as IntelligenceAssessment],
		HANDLING_CODE_WORDS[g.handlingCode as HandlingCode]
	].map((w) => w ?? 'unknown code');
	return `${gradingCode(g)} — ${words.join(', ')}`;
}
