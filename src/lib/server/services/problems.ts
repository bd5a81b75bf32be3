/**
 * The problem register (problem-oriented policing, SARA — Eck & Spelman 1987): a recurring problem
 * with its area and hot-spot cells (scanning), what was found (analysis), what was done (responses)
 * and whether it worked (assessment: each response's before/after counts in the problem's cells
 * with the exact conditional test, DESIGN §4 "Small counts and changes"). Linked to the products,
 * taskings and alarms about it, by id.
 */
import { getResolution, isValidCell } from 'h3-js';
import { dayToIso, isoToDay } from '../analysis/days';
import { changeTests } from '../analysis/exact-binomial';
import type { Queryable } from '../db/client';
import { areaWithin } from '../db/queries/alerts';
import {
	countsInCells,
	deleteLink,
	insertLink,
	insertProblem,
	insertResponse,
	lastDataDay,
	linkTargetExists,
	problemCells,
	problemLinks,
	problemResponses,
	problemsWithin,
	replaceProblemCells,
	saveEvaluation,
	updateProblem,
	LINK_KINDS,
	SARA_STAGES,
	type LinkKind,
	type LinkRow,
	type ProblemRow,
	type ResponseRow,
	type SaraStage
} from '../db/queries/problems';
import { ServiceError } from '../errors';

export { LINK_KINDS, SARA_STAGES };
export type { LinkKind, LinkRow, ProblemRow, ResponseRow, SaraStage };

export interface ProblemReader {
	userId: number;
	areaIds: number[] | null;
}

const MAX_TEXT = 20_000;
const MAX_CELLS = 500;

function text(value: unknown, field: string, required = false, max = MAX_TEXT): string {
	const s = typeof value === 'string' ? value.trim() : '';
	if (required && s === '') throw new ServiceError('E_PARAMETER', `${field}: must not be empty`);
	if (s.length > max)
		throw new ServiceError('E_PARAMETER', `${field}: at most ${max} characters (got ${s.length})`);
	return s;
}

function isoDate(value: unknown, field: string): string {
	const s = typeof value === 'string' ? value.trim() : '';
	try {
		if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new Error();
		return dayToIso(isoToDay(s));
	} catch {
		throw new ServiceError('E_PARAMETER', `${field}: "${s}" is not a date (YYYY-MM-DD)`);
	}
}

export async function problemList(db: Queryable, reader: ProblemReader): Promise<ProblemRow[]> {
	return problemsWithin(db, reader.areaIds);
}

export async function createProblem(
	db: Queryable,
	reader: ProblemReader,
	input: { title: unknown; areaId: number | null; scanning: unknown }
): Promise<number> {
	const title = text(input.title, 'title', true, 200);
	if (input.areaId !== null && !(await areaWithin(db, input.areaId, reader.areaIds)))
		throw new ServiceError('E_UNKNOWN_AREA', `area: no area ${input.areaId} in your areas`);
	return insertProblem(db, {
		title,
		areaId: input.areaId,
		scanning: text(input.scanning, 'scanning'),
		createdBy: reader.userId
	});
}

export interface ProblemDetail {
	problem: ProblemRow;
	cells: { h3: string; res: number }[];
	links: LinkRow[];
	responses: ResponseRow[];
}

export async function problemDetail(
	db: Queryable,
	reader: ProblemReader,
	id: number
): Promise<ProblemDetail> {
	const [problem] = await problemsWithin(db, reader.areaIds, id);
	if (!problem) throw new ServiceError('E_PARAMETER', `No problem ${id} in your areas.`, 404);
	const [cells, links, responses] = await Promise.all([
		problemCells(db, id),
		problemLinks(db, id),
		problemResponses(db, id)
	]);
	return {
		problem,
		cells: cells.map((c) => ({ h3: BigInt(c.h3).toString(16), res: c.res })),
		links,
		responses
	};
}

export async function editProblem(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	input: Record<string, unknown>
): Promise<void> {
	await problemDetail(db, reader, id);
	const stage = String(input.stage ?? '');
	if (!(SARA_STAGES as readonly string[]).includes(stage))
		throw new ServiceError('E_PARAMETER', `stage: must be one of ${SARA_STAGES.join(', ')}`);
	await updateProblem(db, id, {
		title: text(input.title, 'title', true, 200),
		stage: stage as SaraStage,
		scanning: text(input.scanning, 'scanning'),
		analysis: text(input.analysis, 'analysis'),
		assessment: text(input.assessment, 'assessment')
	});
}

/**
 * Set the problem's hot-spot cells from H3 indexes (hexadecimal, as the map shows them), separated
 * by spaces, commas or lines; resolutions 5–10.
 */
export async function setProblemCells(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	list: unknown
): Promise<number> {
	await problemDetail(db, reader, id);
	const tokens = (typeof list === 'string' ? list : '').split(/[\s,;]+/).filter(Boolean);
	if (tokens.length > MAX_CELLS)
		throw new ServiceError('E_PARAMETER', `cells: at most ${MAX_CELLS} (got ${tokens.length})`);
	const cells = tokens.map((t, i) => {
		const h = t.toLowerCase();
		if (!isValidCell(h))
			throw new ServiceError('E_PARAMETER', `cells: "${t}" (number ${i + 1}) is not an H3 cell`);
		const res = getResolution(h);
		if (res < 5 || res > 10)
			throw new ServiceError(
				'E_PARAMETER',
				`cells: "${t}" is at resolution ${res}; use cells of resolution 5 to 10`
			);
		return { h3: BigInt('0x' + h).toString(), res };
	});
	await replaceProblemCells(db, id, cells);
	return cells.length;
}

export async function linkProblem(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	kind: unknown,
	refId: unknown
): Promise<void> {
	await problemDetail(db, reader, id);
	const k = String(kind ?? '');
	if (!(LINK_KINDS as readonly string[]).includes(k))
		throw new ServiceError('E_PARAMETER', `kind: must be one of ${LINK_KINDS.join(', ')}`);
	const raw = String(refId ?? '').trim();
	if (!/^\d{1,9}$/.test(raw))
		throw new ServiceError('E_PARAMETER', `id: "${raw}" is not a ${k} id`);
	const ref = Number(raw);
	const exists = await linkTargetExists(db, k as LinkKind, ref);
	if (exists === null)
		throw new ServiceError('E_PARAMETER', `kind: there are no ${k}s in Beatwise yet to link to`);
	if (!exists) throw new ServiceError('E_PARAMETER', `id: no ${k} ${ref}`);
	if (k === 'alarm') {
		const [alarm] = await db.query<{ area_id: number }>(
			`SELECT area_id FROM early_warning_alarms WHERE id = $1`,
			[ref]
		);
		if (!(await areaWithin(db, Number(alarm.area_id), reader.areaIds)))
			throw new ServiceError('E_PARAMETER', `id: no alarm ${ref} in your areas`);
	}
	await insertLink(db, id, k as LinkKind, ref);
}

export async function unlinkProblem(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	kind: unknown,
	refId: unknown
): Promise<void> {
	await problemDetail(db, reader, id);
	if (!(await deleteLink(db, id, String(kind) as LinkKind, Number(refId))))
		throw new ServiceError('E_PARAMETER', `No ${String(kind)} ${String(refId)} linked.`, 404);
}

export async function addResponse(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	input: { description: unknown; startedOn: unknown; endedOn: unknown }
): Promise<number> {
	await problemDetail(db, reader, id);
	const description = text(input.description, 'description', true);
	const startedOn = isoDate(input.startedOn, 'started');
	const endedOn =
		typeof input.endedOn === 'string' && input.endedOn.trim() !== ''
			? isoDate(input.endedOn, 'ended')
			: null;
	if (endedOn !== null && endedOn < startedOn)
		throw new ServiceError('E_DATE_RANGE', `ended: ${endedOn} is before started ${startedOn}`);
	return insertResponse(db, id, { description, startedOn, endedOn, createdBy: reader.userId });
}

export interface ResponseEvaluation {
	before: { from: string; to: string; count: number; coveredDays: number };
	after: { from: string; to: string; count: number; coveredDays: number };
	/** The after period's share of the covered days: the expected share of the counts if nothing changed. */
	share: number;
	p: number;
	direction: 'up' | 'down' | 'no significant change';
	test: string;
	cells: number;
	/** In words, with the numbers. */
	summary: string;
}

/**
 * Before/after evaluation of a response in the problem's cells: "after" from its start to its end
 * (or the data's last day), "before" the same number of days just before the start. The counts are
 * compared with the exact conditional binomial test, the after period's share of the covered days as
 * the null proportion (periods without data are not zeros). Refused without cells or without data on
 * one side. Kept with the response as computed (a later import does not rewrite it; evaluate again).
 */
export async function evaluateResponse(
	db: Queryable,
	reader: ProblemReader,
	id: number,
	responseId: number
): Promise<ResponseEvaluation> {
	const detail = await problemDetail(db, reader, id);
	const response = detail.responses.find((r) => r.id === responseId);
	if (!response)
		throw new ServiceError('E_PARAMETER', `No response ${responseId} of problem ${id}.`, 404);
	const cells = await problemCells(db, id);
	if (cells.length === 0)
		throw new ServiceError(
			'E_PARAMETER',
			'cells: give the problem its hot-spot cells first; the evaluation counts incidents in them'
		);
	const last = await lastDataDay(db);
	if (!last) throw new ServiceError('E_NO_DATA', 'No data dated to the day has been imported.');
	const start = isoToDay(response.startedOn);
	const end = Math.min(response.endedOn ? isoToDay(response.endedOn) : Infinity, isoToDay(last));
	if (end < start)
		throw new ServiceError(
			'E_NO_DATA_TO_COMPARE',
			`The data ends on ${last}, before the response started (${response.startedOn}): nothing after it to compare.`
		);
	const days = end - start + 1;
	const before = { from: dayToIso(start - days), to: dayToIso(start - 1) };
	const after = { from: dayToIso(start), to: dayToIso(end) };
	const [b, a] = await Promise.all([
		countsInCells(db, cells, before.from, before.to),
		countsInCells(db, cells, after.from, after.to)
	]);
	if (b.coveredDays === 0 || a.coveredDays === 0)
		throw new ServiceError(
			'E_NO_DATA_TO_COMPARE',
			`No data for ${b.coveredDays === 0 ? `the ${days} days before (${before.from} to ${before.to})` : `the period after (${after.from} to ${after.to})`}: nothing to compare.`
		);
	const share = a.coveredDays / (a.coveredDays + b.coveredDays);
	const t = changeTests([a.count], [b.count], { share, fdr: false });
	const direction = t.direction[0];
	const evaluation: ResponseEvaluation = {
		before: { ...before, count: b.count, coveredDays: b.coveredDays },
		after: { ...after, count: a.count, coveredDays: a.coveredDays },
		share,
		p: t.p[0],
		direction,
		test: t.parameters.test,
		cells: cells.length,
		summary:
			`${a.count} incidents in the ${cells.length} cell${cells.length === 1 ? '' : 's'} from ${after.from} to ${after.to} ` +
			`against ${b.count} in the ${days} days before; ` +
			(direction === 'no significant change'
				? `no significant change (exact test, p = ${t.p[0].toPrecision(2)})`
				: `significantly ${direction === 'down' ? 'fewer' : 'more'} (exact test, p = ${t.p[0].toPrecision(2)})`) +
			'. A before/after comparison without a control area cannot rule out a change that would have happened anyway.'
	};
	await saveEvaluation(db, responseId, evaluation);
	return evaluation;
}
