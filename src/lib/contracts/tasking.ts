/** The visit a phone sends (`POST /api/tasking/visits`), shared by the server and the patrol page. */
import { z } from 'zod';

export const VisitReportSchema = z.object({
	clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId: 8–64 letters, digits, "_" or "-"'),
	taskingId: z.number().int().positive(),
	unitId: z.number().int().positive(),
	cell: z.string().regex(/^[0-9a-f]{15}$/, 'cell: an H3 cell id'),
	startedAt: z.string().max(40),
	endedAt: z.string().max(40).nullable().optional(),
	source: z.enum(['phone', 'geofence']),
	activities: z
		.object({
			tactics: z.array(z.string().max(40)).max(10).optional(),
			note: z.string().max(1000).optional()
		})
		.optional()
});
export type VisitReportBody = z.infer<typeof VisitReportSchema>;

export const VisitReportAnswerSchema = z.object({ id: z.number().int(), clientId: z.string() });
export type VisitReportAnswer = z.infer<typeof VisitReportAnswerSchema>;
