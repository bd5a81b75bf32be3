/**
 * Contracts of intelligence entry (issue 13): the report the entry form sends (directly or from its
 * offline queue) to `POST /api/observations`, and the answer. Shared by the route, the service and the
 * browser (no node imports here).
 */
import { z } from 'zod';
import { HANDLING_CODES, INTELLIGENCE_ASSESSMENTS, SOURCE_EVALUATIONS } from '../grading';

export const REPORT_TEXT_MAX = 10_000;

export const newReportSchema = z.object({
	/** The form's id for this report (a UUID): sending it twice stores it once. */
	clientId: z.string().uuid({ message: 'must be a UUID made by the form' }),
	sourceId: z.number({ message: 'pick a source' }).int().positive({ message: 'pick a source' }),
	observedAt: z
		.string()
		.datetime({ offset: true, message: 'must be a date and time with an offset' }),
	lon: z.number({ message: 'tap the map or use your position' }).min(-180).max(180),
	lat: z.number({ message: 'tap the map or use your position' }).min(-90).max(90),
	text: z
		.string()
		.trim()
		.min(1, { message: 'write what you saw' })
		.max(REPORT_TEXT_MAX, { message: `at most ${REPORT_TEXT_MAX} characters` }),
	sanitisedText: z
		.string()
		.trim()
		.max(REPORT_TEXT_MAX, { message: `at most ${REPORT_TEXT_MAX} characters` })
		.nullable()
		.optional(),
	category: z.string().trim().max(60, { message: 'at most 60 characters' }).nullable().optional(),
	locationText: z
		.string()
		.trim()
		.max(200, { message: 'at most 200 characters' })
		.nullable()
		.optional(),
	grading: z.object({
		sourceEvaluation: z
			.number({ message: 'must be 1, 2 or 3' })
			.int({ message: 'must be 1, 2 or 3' })
			.min(1, { message: 'must be 1, 2 or 3' })
			.max(SOURCE_EVALUATIONS.length, { message: 'must be 1, 2 or 3' }),
		intelligenceAssessment: z.enum(INTELLIGENCE_ASSESSMENTS, {
			message: 'must be A, B, C, D or E'
		}),
		handlingCode: z.enum(HANDLING_CODES, { message: 'must be P or C' })
	})
});

export type NewReport = z.output<typeof newReportSchema>;

export const newReportAnswerSchema = z.object({
	id: z.number().int(),
	/** False when the same report (client id) had already been stored. */
	created: z.boolean(),
	/** Why the report cannot yet feed a shared product (code C without a sanitised text), or null. */
	sharedProductBlock: z.string().nullable()
});

export type NewReportAnswer = z.output<typeof newReportAnswerSchema>;
