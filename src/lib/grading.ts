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

/**
 * What each code means, in a sentence a reporter can act on (College of Policing, Authorised Professional
 * Practice "Intelligence management", Intelligence Report reference material: the 3x5x2 evaluation —
 * https://www.college.police.uk/app/intelligence-management). Shown beside every choice in the entry form
 * and the review queue.
 */
export const GRADING_MEANINGS = {
	sourceEvaluation: {
		1: 'Reliable: no reason to doubt the source’s authenticity, trustworthiness or competence, or it has a history of reliable reporting.',
		2: 'Untested: the source’s reliability cannot yet be judged (new, or not reported before).',
		3: 'Not reliable: there are doubts about the source’s authenticity, trustworthiness or competence, or its reporting has proved unreliable.'
	} satisfies Record<SourceEvaluation, string>,
	intelligenceAssessment: {
		A: 'Known directly: the source saw or heard it first-hand.',
		B: 'Known indirectly but corroborated: not first-hand, and confirmed by an independent source or record.',
		C: 'Known indirectly: second-hand (told by someone else) and not corroborated.',
		D: 'Not known: how the source knows it cannot be judged.',
		E: 'Suspected to be false: there is reason to believe it is untrue or malicious.'
	} satisfies Record<IntelligenceAssessment, string>,
	handlingCode: {
		P: 'Lawful sharing permitted: may be shared for a policing purpose under the usual rules.',
		C: 'Sharing with conditions: only a sanitised text (no source, no identifying details) may go into any shared product; the recorded text stays with authorised staff.'
	} satisfies Record<HandlingCode, string>
};

export interface GradingInput {
	sourceEvaluation: unknown;
	intelligenceAssessment: unknown;
	handlingCode: unknown;
}

export interface GradingProblem {
	field: 'sourceEvaluation' | 'intelligenceAssessment' | 'handlingCode';
	message: string;
}

/**
 * A 3x5x2 grading from form or JSON values (numbers or their text; letters in either case), or the
 * problems with it, each naming its field and the codes allowed.
 * @example parseGrading({ sourceEvaluation: '2', intelligenceAssessment: 'c', handlingCode: 'P' })
 * // { ok: true, grading: { sourceEvaluation: 2, intelligenceAssessment: 'C', handlingCode: 'P' } }
 */
export function parseGrading(input: GradingInput):
	| {
			ok: true;
			grading: {
				sourceEvaluation: SourceEvaluation;
				intelligenceAssessment: IntelligenceAssessment;
				handlingCode: HandlingCode;
			};
	  }
	| { ok: false; problems: GradingProblem[] } {
	const problems: GradingProblem[] = [];
	const text = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '');
	const se = text(input.sourceEvaluation).trim();
	const ia = text(input.intelligenceAssessment).trim().toUpperCase();
	const hc = text(input.handlingCode).trim().toUpperCase();
	const seOk = (SOURCE_EVALUATIONS as readonly number[]).includes(Number(se)) && /^[123]$/.test(se);
	if (!seOk)
		problems.push({
			field: 'sourceEvaluation',
			message: `source evaluation must be 1 (reliable), 2 (untested) or 3 (not reliable): got "${se}"`
		});
	if (!(INTELLIGENCE_ASSESSMENTS as readonly string[]).includes(ia))
		problems.push({
			field: 'intelligenceAssessment',
			message: `intelligence assessment must be one of A, B, C, D, E: got "${ia}"`
		});
	if (!(HANDLING_CODES as readonly string[]).includes(hc))
		problems.push({
			field: 'handlingCode',
			message: `handling code must be P (lawful sharing permitted) or C (sharing with conditions): got "${hc}"`
		});
	if (problems.length) return { ok: false, problems };
	return {
		ok: true,
		grading: {
			sourceEvaluation: Number(se) as SourceEvaluation,
			intelligenceAssessment: ia as IntelligenceAssessment,
			handlingCode: hc as HandlingCode
		}
	};
}

/**
 * The text a report may contribute to a shared product (briefings, neighbourhood lists for the public,
 * tasking notes): handling code P gives its sanitised text where one was written, else its text; code C
 * gives only its sanitised text, and without one the report cannot feed any shared product (null).
 * @example sharedText({ handlingCode: 'C', text: 'Named informant saw…', sanitisedText: null }) // null
 * @example sharedText({ handlingCode: 'C', text: 'x', sanitisedText: 'A resident saw…' }) // 'A resident saw…'
 */
export function sharedText(r: {
	handlingCode: string;
	text: string;
	sanitisedText: string | null;
}): string | null {
	const sanitised = r.sanitisedText?.trim() ? r.sanitisedText.trim() : null;
	if (r.handlingCode === 'P') return sanitised ?? r.text;
	return sanitised;
}

/** Why a report cannot feed a shared product, or null when it can. */
export function sharedProductBlock(r: {
	handlingCode: string;
	text: string;
	sanitisedText: string | null;
}): string | null {
	return sharedText(r) === null
		? 'handling code C: write a sanitised text before this report can feed any shared product'
		: null;
}
