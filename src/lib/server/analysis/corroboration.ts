/**
 * Corroboration and conflict between reports (College of Policing APP, Intelligence management, 3x5x2:
 * B is "known indirectly but corroborated").
 *
 * - The corroboration rule: a link to an item from an **independent** source (a different source, or an
 *   incident recorded by another source) may raise the report's intelligence assessment from C (known
 *   indirectly) or D (not known) to B (known indirectly but corroborated). A link between two items of
 *   the same source never raises it: a source cannot corroborate itself. A and B stay as they are; E
 *   (suspected false) is not raised by a link — that takes a regrade with a reason.
 * - Conflict: two reports about the same place and time (both within the duplicate limits) that cannot
 *   both be true as graded — both graded known (A or B) but about different categories, or one suspected
 *   false (E) while the other is graded known (A or B).
 */
import type { IntelligenceAssessment } from '../../grading';

export interface CorroborationEffect {
	independent: boolean;
	/** The assessment the link may raise the report to, or null when it may not raise it. */
	raisesTo: IntelligenceAssessment | null;
	explanation: string;
}

/**
 * @example corroborationEffect({ sourceId: 1, intelligenceAssessment: 'C' }, { sourceId: 2 }).raisesTo // 'B'
 * @example corroborationEffect({ sourceId: 1, intelligenceAssessment: 'C' }, { sourceId: 1 }).raisesTo // null
 */
export function corroborationEffect(
	report: { sourceId: number; intelligenceAssessment: string },
	other: { sourceId: number }
): CorroborationEffect {
	const independent = report.sourceId !== other.sourceId;
	const a = report.intelligenceAssessment;
	if (!independent) {
		return {
			independent,
			raisesTo: null,
			explanation: 'same source: a source cannot corroborate itself, the assessment stays ' + a
		};
	}
	if (a === 'C' || a === 'D') {
		return {
			independent,
			raisesTo: 'B',
			explanation: `independent source: may raise the assessment from ${a} to B (known indirectly but corroborated)`
		};
	}
	if (a === 'E') {
		return {
			independent,
			raisesTo: null,
			explanation: 'suspected false (E): a link does not raise it; regrade with a reason instead'
		};
	}
	return {
		independent,
		raisesTo: null,
		explanation: `independent source: the assessment ${a} is already known directly or corroborated`
	};
}

/** Whether `to` is a raise of `from` the corroboration rule allows for this link. */
export function mayRaise(
	report: { sourceId: number; intelligenceAssessment: string },
	other: { sourceId: number },
	to: string
): boolean {
	return corroborationEffect(report, other).raisesTo === to;
}

export interface GradedReport {
	intelligenceAssessment: string;
	category: string | null;
}

const KNOWN = new Set(['A', 'B']);

/**
 * Whether two reports about the same place and time conflict, and why (null: no conflict). The caller
 * decides "same place and time" (the duplicate scorer's space and time terms both above 0).
 * @example detectConflict({ intelligenceAssessment: 'A', category: 'drugs' }, { intelligenceAssessment: 'E', category: 'drugs' })
 * // 'one report is suspected false (E) while the other is graded known (A)'
 */
export function detectConflict(a: GradedReport, b: GradedReport): string | null {
	const ka = KNOWN.has(a.intelligenceAssessment);
	const kb = KNOWN.has(b.intelligenceAssessment);
	if (ka && kb && a.category && b.category && a.category !== b.category) {
		return `both graded known (${a.intelligenceAssessment}, ${b.intelligenceAssessment}) but describe different events (${a.category}, ${b.category}) at the same place and time`;
	}
	if ((a.intelligenceAssessment === 'E' && kb) || (b.intelligenceAssessment === 'E' && ka)) {
		const known = a.intelligenceAssessment === 'E' ? b : a;
		return `one report is suspected false (E) while the other is graded known (${known.intelligenceAssessment})`;
	}
	return null;
}
