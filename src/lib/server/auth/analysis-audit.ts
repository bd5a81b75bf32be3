/**
 * The audit trail of statistics: who ran which statistic on which area and period, with which outcome.
 * Every `/api/analysis/*` request and the views that compute statistics in their page load (supervisor,
 * neighbourhood) record one `analysis.run` entry.
 */
import type { Queryable } from '../db/client';
import { recordAudit, type AuditActor, type AuditOrigin } from './audit';

/** A statistic's name in the trail (the `object` of an `analysis.run` entry). */
export type AnalysisStatistic =
	| 'hotspots'
	| 'emerging'
	| 'trends'
	| 'change'
	| 'near-repeat'
	| 'profile'
	| 'shift-risk'
	| 'forecast-accuracy'
	| 'neighbourhood'
	| 'road-safety-evaluation';

export interface AnalysisRun {
	actor: AuditActor | null;
	origin: AuditOrigin;
	statistic: AnalysisStatistic;
	/** The request as validated (area refs, bbox, kind, period, categories, res …). */
	query: Record<string, unknown>;
	/** The answer's `parameters`, when it ran: the areas and period it actually used. */
	parameters?: unknown;
	/** `ok`, or the message of a refusal (a request the user can correct). */
	outcome: 'ok' | { refused: string };
}

interface AreaNamed {
	id?: unknown;
	kind?: unknown;
	code?: unknown;
	name?: unknown;
}

const text = (v: unknown): string | null =>
	typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const list = (v: unknown): string[] | null =>
	Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',') : null;

/**
 * The detail of an `analysis.run` entry: what the answer says it used, else what was asked. Areas carry
 * their names so the trail reads without looking ids up.
 */
export function analysisRunDetail(run: Omit<AnalysisRun, 'actor' | 'origin'>) {
	const q = run.query;
	const p = (run.parameters ?? {}) as Record<string, unknown>;
	const named = Array.isArray(p.areas)
		? (p.areas as AreaNamed[])
		: p.area
			? [p.area as AreaNamed]
			: [];
	const areas = named
		.filter((a) => a && typeof a === 'object')
		.map((a) => ({ kind: text(a.kind), code: text(a.code), name: text(a.name) }));
	return {
		statistic: run.statistic,
		areas: areas.length ? areas : null,
		area: list(q.area),
		bbox: Array.isArray(p.bbox) ? p.bbox : Array.isArray(q.bbox) ? q.bbox : null,
		kind: text(q.kind),
		from: text(p.from) ?? text(p.windowFrom) ?? text(q.from),
		to: text(p.to) ?? text(p.windowTo) ?? text(q.to),
		date: text(p.date) ?? text(q.date),
		categories: list(q.categories),
		res: typeof p.res === 'number' ? p.res : typeof q.res === 'number' ? q.res : null,
		outcome: run.outcome === 'ok' ? 'ok' : 'refused',
		...(run.outcome === 'ok' ? {} : { message: run.outcome.refused.slice(0, 500) })
	};
}

export async function recordAnalysisRun(db: Queryable, run: AnalysisRun): Promise<void> {
	await recordAudit(db, {
		actor: run.actor,
		action: 'analysis.run',
		object: run.statistic,
		detail: analysisRunDetail(run),
		origin: run.origin
	});
}

/**
 * The run of a view's page load, as `attemptView` returned it: answered (its parameters), refused (its
 * message) or failed (nothing recorded: the error log has it).
 */
export async function recordViewRun(
	db: Queryable,
	who: { actor: AuditActor | null; origin: AuditOrigin },
	statistic: AnalysisStatistic,
	query: Record<string, unknown>,
	attempt: {
		value: { parameters?: unknown } | null;
		error: { status: number; message: string } | null;
	}
): Promise<void> {
	if (!attempt.value && (!attempt.error || attempt.error.status >= 500)) return;
	await recordAnalysisRun(db, {
		...who,
		statistic,
		query,
		parameters: attempt.value?.parameters,
		outcome: attempt.value ? 'ok' : { refused: attempt.error!.message }
	});
}
