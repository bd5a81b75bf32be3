/**
 * Gathering and evaluating intelligence (issue 13, DESIGN §1 "Analyst"): the source register, reports
 * entered on the map, the review queue (accept / regrade / reject with a reason) and cross-checking
 * (duplicate candidates, merges, corroboration and conflict links). Every read takes the reader's limits
 * from the read scope (area limits; handling code C and the recorded text only for users allowed
 * restricted records) and is audited; every decision is stored with its reason in
 * `observation_reviews` and written to the audit log in the same transaction.
 */
import type { Database, Queryable } from '../db/client';
import {
	incidentForLink,
	insertLink,
	insertObservation,
	insertPairDecision,
	insertReview,
	insertSource,
	linksOf,
	nearbyItems,
	nearPairs,
	newReports,
	reportById,
	reviewsOf,
	setReviewOutcome,
	sourceBrief,
	sourceRegister,
	updateSource,
	type LinkRow,
	type NearbyIncident,
	type NearbyReport,
	type ReportLimits,
	type ReportRow,
	type ReviewRecord,
	type SourceFields,
	type SourceRegisterRow
} from '../db/queries/observations-review';
import { recordAudit } from '../auth/audit';
import { hasPermission } from '../auth/permissions';
import type { ReadScope } from '../auth/read-scope';
import { exactCells } from '../cell-keys';
import { corroborationEffect, detectConflict } from '../analysis/corroboration';
import { DUPLICATE_DEFAULTS, scoreDuplicate, type DuplicateScore } from '../analysis/duplicates';
import { gradingCode, parseGrading, sharedProductBlock, type Grading } from '../../grading';
import { kindOfCategory, SOURCE_KINDS } from '../../sources';
import type { NewReport, NewReportAnswer } from '../../contracts/intel';
import { CATEGORIES } from '../../taxonomy';
import { basemapSetting } from '../basemap-style';
import { ServiceError } from '../errors';

const limitsOf = (scope: ReadScope): ReportLimits => ({
	allowedAreaIds: scope.areaIds,
	includeRestricted: scope.restricted
});

/** The text a reader may see of a report: as recorded, or the sanitised text where there is one. */
function shownText(r: { text: string; sanitisedText: string | null }, scope: ReadScope): string {
	return scope.recordedText ? r.text : (r.sanitisedText ?? r.text);
}

// ---------------------------------------------------------------------------------------------
// Source register

export interface SourceRegister {
	sources: SourceRegisterRow[];
	canEdit: boolean;
}

export async function sourceRegisterFor(db: Queryable, scope: ReadScope): Promise<SourceRegister> {
	return {
		sources: await sourceRegister(db),
		canEdit: hasPermission(scope.user, 'sources:manage')
	};
}

/** Source fields from a form, or a 400 naming the field. */
export function parseSourceFields(form: Record<string, string | undefined>): SourceFields {
	const name = (form.name ?? '').trim();
	if (!name || name.length > 200) {
		throw new ServiceError('E_PARAMETER', 'name: give the source a name of 1 to 200 characters');
	}
	const kind = (form.kind ?? '').trim();
	if (!(SOURCE_KINDS as readonly string[]).includes(kind)) {
		throw new ServiceError('E_PARAMETER', `kind: must be internal or open, got "${kind}"`);
	}
	const category = (form.category ?? '').trim();
	const categoryKind = kindOfCategory(category);
	if (!categoryKind) {
		throw new ServiceError('E_PARAMETER', `category: "${category}" is not a source category`);
	}
	if (categoryKind !== kind) {
		throw new ServiceError(
			'E_PARAMETER',
			`category: ${category} is a category of ${categoryKind} sources, not ${kind}`
		);
	}
	const grading = parseGrading({
		sourceEvaluation: form.defaultReliability,
		intelligenceAssessment: 'C',
		handlingCode: form.defaultHandlingCode
	});
	if (!grading.ok) {
		const p = grading.problems[0];
		const field = p.field === 'sourceEvaluation' ? 'defaultReliability' : 'defaultHandlingCode';
		throw new ServiceError('E_PARAMETER', `${field}: ${p.message}`);
	}
	const owner = (form.owner ?? '').trim();
	if (owner.length > 200) throw new ServiceError('E_PARAMETER', 'owner: at most 200 characters');
	return {
		name,
		kind: kind as SourceFields['kind'],
		category,
		owner: owner || null,
		defaultReliability: grading.grading.sourceEvaluation,
		defaultHandlingCode: grading.grading.handlingCode
	};
}

/** Create (id undefined) or edit a source; audited as `sources.create` / `sources.update`. */
export async function saveSource(
	db: Database,
	scope: ReadScope,
	id: number | undefined,
	fields: SourceFields
): Promise<number> {
	if (!hasPermission(scope.user, 'sources:manage')) {
		throw new ServiceError('E_FORBIDDEN', 'Only analysts edit the source register.', 403);
	}
	return db.transaction(async (tx) => {
		let saved: number;
		if (id === undefined) {
			const made = await insertSource(tx, fields);
			if (made === null) {
				throw new ServiceError('E_PARAMETER', `name: a source named "${fields.name}" exists`);
			}
			saved = made;
		} else {
			if (!(await sourceBrief(tx, id))) {
				throw new ServiceError('E_PARAMETER', `id: no source ${id}`, 404);
			}
			if (!(await updateSource(tx, id, fields))) {
				throw new ServiceError('E_PARAMETER', `name: a source named "${fields.name}" exists`);
			}
			saved = id;
		}
		await recordAudit(tx, {
			actor: scope.user,
			action: id === undefined ? 'sources.create' : 'sources.update',
			object: `source:${saved}`,
			detail: { ...fields },
			origin: scope.origin
		});
		return saved;
	});
}

// ---------------------------------------------------------------------------------------------
// Entry

/**
 * Store a report from the entry form (or its offline queue): exact H3 cells at every served resolution
 * like an incident, new in the review queue, audited as `observations.create`. Sending the same report
 * again (same client id) stores nothing new and answers with the stored id.
 */
export async function recordReport(
	db: Database,
	scope: ReadScope,
	r: NewReport
): Promise<NewReportAnswer> {
	if (!hasPermission(scope.user, 'observations:create')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not record observations.', 403);
	}
	const observed = Date.parse(r.observedAt);
	if (observed > Date.now() + 24 * 3_600_000) {
		throw new ServiceError('E_PARAMETER', 'observedAt: must not be more than a day in the future');
	}
	if (observed < Date.parse('1900-01-01T00:00:00Z')) {
		throw new ServiceError('E_PARAMETER', 'observedAt: must be after 1900');
	}
	if (r.lon === 0 && r.lat === 0) {
		throw new ServiceError('E_PARAMETER', 'lon, lat: 0, 0 is not a place; tap the map');
	}
	const sanitised = r.sanitisedText?.trim() || null;
	return db.transaction(async (tx) => {
		const source = await sourceBrief(tx, r.sourceId);
		if (!source) throw new ServiceError('E_PARAMETER', `sourceId: no source ${r.sourceId}`);
		const stored = await insertObservation(tx, {
			sourceId: source.id,
			externalId: r.clientId,
			text: r.text,
			sanitisedText: sanitised,
			sourceEvaluation: r.grading.sourceEvaluation,
			intelligenceAssessment: r.grading.intelligenceAssessment,
			handlingCode: r.grading.handlingCode,
			observedAt: new Date(observed).toISOString(),
			lon: r.lon,
			lat: r.lat,
			cells: exactCells(r.lat, r.lon),
			category: r.category?.trim() || null,
			locationText: r.locationText?.trim() || null,
			createdBy: scope.user.username
		});
		if (stored.created) {
			await recordAudit(tx, {
				actor: scope.user,
				action: 'observations.create',
				object: `observation:${stored.id}`,
				detail: { source: source.id, grading: gradingCode(r.grading), clientId: r.clientId },
				origin: scope.origin
			});
		}
		return {
			id: stored.id,
			created: stored.created,
			sharedProductBlock: sharedProductBlock({
				handlingCode: r.grading.handlingCode,
				text: r.text,
				sanitisedText: sanitised
			})
		};
	});
}

/**
 * What the entry form needs: the sources a reporter picks from (with the grading each starts with), the
 * categories, and the basemap (the shipped offline one unless the deployment configured another).
 */
export async function entryForm(db: Queryable) {
	return {
		sources: await sourcesForEntry(db),
		categories: CATEGORIES.map((c) => ({ code: c.code, label: c.label })),
		basemapStyle: basemapSetting().style
	};
}

async function sourcesForEntry(db: Queryable) {
	return (await sourceRegister(db))
		.filter((s) => s.category !== 'recorded-crime')
		.map((s) => ({
			id: s.id,
			name: s.name,
			kind: s.kind,
			category: s.category,
			defaultReliability: s.defaultReliability,
			defaultHandlingCode: s.defaultHandlingCode
		}));
}

// ---------------------------------------------------------------------------------------------
// Review queue

export interface ReportView extends Omit<ReportRow, 'text' | 'sanitisedText'> {
	text: string;
	/** Present only for readers of the recorded text. */
	sanitisedText: string | null;
	sharedProductBlock: string | null;
}

function viewOf(r: ReportRow, scope: ReadScope): ReportView {
	return {
		...r,
		text: shownText(r, scope),
		sanitisedText: scope.recordedText ? r.sanitisedText : null,
		sharedProductBlock: sharedProductBlock(r)
	};
}

export interface ReviewDetail {
	report: ReportView;
	nearby: { incidents: NearbyIncident[]; reports: NearbyReport[]; metres: number; days: number };
	reviews: ReviewRecord[];
	links: LinkRow[];
}

export interface ReviewQueue {
	total: number;
	items: ReportView[];
	selected: ReviewDetail | null;
}

/** Nearby means within this distance and these days of the report. */
export const NEARBY = { metres: 500, days: 14, limit: 50 };

async function detailOf(db: Queryable, scope: ReadScope, r: ReportRow): Promise<ReviewDetail> {
	const [nearby, reviews, links] = await Promise.all([
		r.lon === null || r.lat === null
			? Promise.resolve({ incidents: [], reports: [] })
			: nearbyItems(
					db,
					{ lon: r.lon, lat: r.lat, time: r.observedAt, excludeId: r.id },
					NEARBY,
					limitsOf(scope)
				),
		reviewsOf(db, r.id),
		linksOf(db, [r.id])
	]);
	return {
		report: viewOf(r, scope),
		nearby: { ...nearby, metres: NEARBY.metres, days: NEARBY.days },
		reviews,
		links
	};
}

/** New reports for review (oldest first) and, with `selectedId`, one report's detail. Audited. */
export async function reviewQueueFor(
	db: Queryable,
	scope: ReadScope,
	selectedId: number | null
): Promise<ReviewQueue> {
	if (!hasPermission(scope.user, 'intel:review')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not review observations.', 403);
	}
	const queue = await newReports(db, limitsOf(scope), 100);
	let selected: ReviewDetail | null = null;
	const pick = selectedId ?? queue.rows[0]?.id ?? null;
	if (pick !== null) {
		const r = await reportById(db, pick, limitsOf(scope));
		if (!r && selectedId !== null) {
			throw new ServiceError('E_PARAMETER', `report: no report ${selectedId} for you`, 404);
		}
		if (r) selected = await detailOf(db, scope, r);
	}
	await scope.audit(db, 'observations.view', 'review-queue', {
		returned: queue.rows.length,
		records: queue.rows.map((r) => r.id),
		selected: selected?.report.id ?? null
	});
	return { total: queue.total, items: queue.rows.map((r) => viewOf(r, scope)), selected };
}

export interface ReviewDecision {
	id: number;
	decision: 'accept' | 'regrade' | 'reject';
	reason: string;
	grading?: { sourceEvaluation: unknown; intelligenceAssessment: unknown; handlingCode: unknown };
	/** Written by the reviewer for dissemination (code C needs one before any shared product). */
	sanitisedText?: string | null;
}

async function reviewable(tx: Queryable, scope: ReadScope, id: number): Promise<ReportRow> {
	if (!hasPermission(scope.user, 'intel:review')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not review observations.', 403);
	}
	const r = await reportById(tx, id, limitsOf(scope));
	if (!r) throw new ServiceError('E_PARAMETER', `report: no report ${id} for you`, 404);
	if (r.mergedInto !== null) {
		throw new ServiceError('E_PARAMETER', `report: ${id} was merged into report ${r.mergedInto}`);
	}
	return r;
}

function checkReason(reason: string): string {
	const t = reason.trim();
	if (t.length < 3 || t.length > 2_000) {
		throw new ServiceError('E_PARAMETER', 'reason: give a reason of 3 to 2,000 characters');
	}
	return t;
}

/**
 * Accept (grading as it is), regrade (a new grading, accepted) or reject a report, with a reason; the
 * decision is stored in `observation_reviews` and audited (`observations.review`) in one transaction.
 */
export async function decideReview(
	db: Database,
	scope: ReadScope,
	d: ReviewDecision
): Promise<ReviewRecord> {
	const reason = checkReason(d.reason);
	return db.transaction(async (tx) => {
		const r = await reviewable(tx, scope, d.id);
		const before: Grading = r;
		let after: Grading = before;
		if (d.decision === 'regrade') {
			const g = parseGrading(
				d.grading ?? { sourceEvaluation: '', intelligenceAssessment: '', handlingCode: '' }
			);
			if (!g.ok) throw new ServiceError('E_PARAMETER', `grading: ${g.problems[0].message}`);
			after = g.grading;
			if (gradingCode(after) === gradingCode(before)) {
				throw new ServiceError(
					'E_PARAMETER',
					'grading: a regrade must change the grading; use accept'
				);
			}
		}
		const sanitised =
			d.sanitisedText === undefined
				? undefined
				: d.sanitisedText?.trim()
					? d.sanitisedText.trim()
					: null;
		if (sanitised !== undefined && sanitised !== null && sanitised.length > 10_000) {
			throw new ServiceError('E_PARAMETER', 'sanitisedText: at most 10,000 characters');
		}
		await setReviewOutcome(tx, r.id, {
			status: d.decision === 'reject' ? 'rejected' : 'accepted',
			sourceEvaluation: after.sourceEvaluation,
			intelligenceAssessment: after.intelligenceAssessment,
			handlingCode: after.handlingCode,
			sanitisedText: sanitised,
			reviewedBy: scope.user.username
		});
		const entry = {
			observationId: r.id,
			decision: d.decision,
			reason,
			gradingBefore: gradingCode(before),
			gradingAfter: gradingCode(after),
			other: null,
			decidedBy: scope.user.username
		};
		const id = await insertReview(tx, entry);
		await recordAudit(tx, {
			actor: scope.user,
			action: 'observations.review',
			object: `observation:${r.id}`,
			detail: {
				...entry,
				review: id,
				sanitisedTextWritten: sanitised !== undefined && sanitised !== null
			},
			origin: scope.origin
		});
		return { ...entry, id, decidedAt: new Date().toISOString() };
	});
}

// ---------------------------------------------------------------------------------------------
// Cross-checking

export interface CandidateView extends DuplicateScore {
	first: PairSide;
	second: PairSide;
	/** Why the two cannot both be true as graded, or null. */
	conflict: string | null;
}

interface PairSide {
	id: number;
	source: string;
	sourceId: number;
	grading: string;
	category: string | null;
	observedAt: string;
	text: string;
	/** What linking this side as corroboration of the other would do to the other's assessment. */
	corroborates: string;
}

export interface CrossCheck {
	candidates: CandidateView[];
	/** Pairs near in space and time that are not candidates but conflict. */
	conflicts: CandidateView[];
	links: LinkRow[];
	parameters: typeof DUPLICATE_DEFAULTS;
}

/** Duplicate candidates (scored and explained), conflicting pairs and recent links. Audited. */
export async function crossCheckFor(db: Queryable, scope: ReadScope): Promise<CrossCheck> {
	if (!hasPermission(scope.user, 'intel:review')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not review observations.', 403);
	}
	const found = await nearPairs(
		db,
		{ metres: DUPLICATE_DEFAULTS.maxMetres, minutes: DUPLICATE_DEFAULTS.maxMinutes, limit: 300 },
		limitsOf(scope),
		scope.recordedText
	);
	const byId = new Map(found.reports.map((r) => [r.id, r]));
	const side = (
		r: (typeof found.reports)[number],
		other: (typeof found.reports)[number]
	): PairSide => ({
		id: r.id,
		source: r.source,
		sourceId: r.sourceId,
		grading: r.grading,
		category: r.category,
		observedAt: new Date(r.observedAt).toISOString(),
		text: r.text,
		corroborates: corroborationEffect(other, r).explanation
	});
	const candidates: CandidateView[] = [];
	const conflicts: CandidateView[] = [];
	for (const [a, b] of found.pairs) {
		const ra = byId.get(a)!;
		const rb = byId.get(b)!;
		const s = scoreDuplicate(ra, rb);
		const view = {
			...s,
			first: side(ra, rb),
			second: side(rb, ra),
			conflict: detectConflict(ra, rb)
		};
		if (s.score >= DUPLICATE_DEFAULTS.threshold) candidates.push(view);
		else if (view.conflict && s.score > 0) conflicts.push(view);
	}
	candidates.sort((x, y) => y.score - x.score || x.first.id - y.first.id);
	const links = await linksOf(
		db,
		found.reports.map((r) => r.id)
	);
	await scope.audit(db, 'observations.view', 'cross-check', {
		returned: found.reports.length,
		records: found.reports.map((r) => r.id)
	});
	return { candidates, conflicts, links, parameters: DUPLICATE_DEFAULTS };
}

/**
 * Decide a candidate pair: `merge` keeps `keep` and merges the other into it (it leaves the queue, the
 * map and every analysis), `apart` records that they are different events. Audited with the score and
 * explanation the pair had.
 */
export async function decidePair(
	db: Database,
	scope: ReadScope,
	p: { first: number; second: number; decision: 'merge' | 'apart'; keep?: number; reason: string }
): Promise<void> {
	const reason = checkReason(p.reason);
	const [lo, hi] = p.first < p.second ? [p.first, p.second] : [p.second, p.first];
	if (lo === hi) throw new ServiceError('E_PARAMETER', 'second: a report is not its own duplicate');
	await db.transaction(async (tx) => {
		const a = await reviewable(tx, scope, lo);
		const b = await reviewable(tx, scope, hi);
		if (a.lon === null || b.lon === null) {
			throw new ServiceError('E_PARAMETER', 'report: both reports need a location');
		}
		const s = scoreDuplicate(
			{ ...a, lon: a.lon!, lat: a.lat!, observedAt: Date.parse(a.observedAt) },
			{ ...b, lon: b.lon!, lat: b.lat!, observedAt: Date.parse(b.observedAt) }
		);
		const fresh = await insertPairDecision(tx, {
			first: lo,
			second: hi,
			decision: p.decision === 'merge' ? 'merged' : 'kept-apart',
			score: s.score,
			explanation: s.explanation,
			decidedBy: scope.user.username
		});
		if (!fresh) throw new ServiceError('E_PARAMETER', `pair ${lo}–${hi}: already decided`);
		let loser: ReportRow | null = null;
		let survivor: ReportRow | null = null;
		if (p.decision === 'merge') {
			const keep = p.keep ?? lo;
			if (keep !== lo && keep !== hi) {
				throw new ServiceError('E_PARAMETER', `keep: must be ${lo} or ${hi}`);
			}
			[survivor, loser] = keep === lo ? [a, b] : [b, a];
			await setReviewOutcome(tx, loser.id, {
				status: loser.reviewStatus === 'rejected' ? 'rejected' : 'accepted',
				sourceEvaluation: loser.sourceEvaluation,
				intelligenceAssessment: loser.intelligenceAssessment,
				handlingCode: loser.handlingCode,
				mergedInto: survivor.id,
				reviewedBy: scope.user.username
			});
		}
		for (const [r, other] of [
			[a, b],
			[b, a]
		] as const) {
			const decision = p.decision === 'merge' ? 'merge' : 'keep-apart';
			await insertReview(tx, {
				observationId: r.id,
				decision,
				reason,
				gradingBefore: gradingCode(r),
				gradingAfter: gradingCode(r),
				other: `observation:${other.id}`,
				decidedBy: scope.user.username
			});
		}
		await recordAudit(tx, {
			actor: scope.user,
			action: p.decision === 'merge' ? 'observations.merge' : 'observations.keep-apart',
			object: `observation:${lo},observation:${hi}`,
			detail: {
				score: s.score,
				explanation: s.explanation,
				reason,
				kept: survivor?.id ?? null,
				merged: loser?.id ?? null
			},
			origin: scope.origin
		});
	});
}

export interface LinkRequest {
	id: number;
	kind: 'corroborates' | 'conflicts';
	/** The other report, or an incident as `sourceId:id`. */
	otherReport?: number;
	otherIncident?: { sourceId: number; id: number };
	/** Raise the report's assessment as the corroboration rule allows (C/D → B, independent only). */
	raise: boolean;
	reason: string;
}

/**
 * Link a report to another report or an incident as corroboration or conflict. With `raise`, the
 * corroboration rule decides: only an independent source may raise the assessment (C or D to B); a
 * raise the rule does not allow is refused with its explanation. Audited (`observations.link`).
 */
export async function linkReport(
	db: Database,
	scope: ReadScope,
	l: LinkRequest
): Promise<{ linkId: number; assessment: string }> {
	const reason = checkReason(l.reason);
	if ((l.otherReport === undefined) === (l.otherIncident === undefined)) {
		throw new ServiceError('E_PARAMETER', 'other: name one other report or one incident');
	}
	return db.transaction(async (tx) => {
		const r = await reviewable(tx, scope, l.id);
		let otherSource: number;
		let otherKey: string;
		if (l.otherReport !== undefined) {
			if (l.otherReport === r.id) {
				throw new ServiceError('E_PARAMETER', 'other: a report cannot corroborate itself');
			}
			const o = await reportById(tx, l.otherReport, limitsOf(scope));
			if (!o)
				throw new ServiceError('E_PARAMETER', `other: no report ${l.otherReport} for you`, 404);
			otherSource = o.sourceId;
			otherKey = `observation:${o.id}`;
		} else {
			const i = await incidentForLink(
				tx,
				l.otherIncident!.sourceId,
				l.otherIncident!.id,
				limitsOf(scope)
			);
			if (!i) {
				throw new ServiceError(
					'E_PARAMETER',
					`other: no incident ${l.otherIncident!.sourceId}:${l.otherIncident!.id} for you`,
					404
				);
			}
			otherSource = i.sourceId;
			otherKey = `incident:${i.sourceId}:${i.id}`;
		}
		const effect = corroborationEffect(r, { sourceId: otherSource });
		let assessment = r.intelligenceAssessment;
		if (l.raise) {
			if (l.kind !== 'corroborates' || effect.raisesTo === null) {
				throw new ServiceError(
					'E_PARAMETER',
					`raise: not allowed — ${l.kind === 'corroborates' ? effect.explanation : 'a conflict never raises an assessment'}`
				);
			}
			assessment = effect.raisesTo;
		}
		const linkId = await insertLink(tx, {
			observationId: r.id,
			kind: l.kind,
			otherObservationId: l.otherReport ?? null,
			incidentSourceId: l.otherIncident?.sourceId ?? null,
			incidentId: l.otherIncident?.id ?? null,
			independent: effect.independent,
			note: reason,
			createdBy: scope.user.username
		});
		const after = { ...r, intelligenceAssessment: assessment };
		if (assessment !== r.intelligenceAssessment) {
			await setReviewOutcome(tx, r.id, {
				status:
					r.reviewStatus === 'rejected'
						? 'rejected'
						: r.reviewStatus === 'new'
							? 'new'
							: 'accepted',
				sourceEvaluation: r.sourceEvaluation,
				intelligenceAssessment: assessment,
				handlingCode: r.handlingCode,
				reviewedBy: scope.user.username
			});
		}
		const entry = {
			observationId: r.id,
			decision: (l.kind === 'corroborates' ? 'corroborate' : 'conflict') as
				'corroborate' | 'conflict',
			reason,
			gradingBefore: gradingCode(r),
			gradingAfter: gradingCode(after),
			other: otherKey,
			decidedBy: scope.user.username
		};
		await insertReview(tx, entry);
		await recordAudit(tx, {
			actor: scope.user,
			action: 'observations.link',
			object: `observation:${r.id}`,
			detail: {
				...entry,
				link: linkId,
				kind: l.kind,
				independent: effect.independent,
				rule: effect.explanation
			},
			origin: scope.origin
		});
		return { linkId, assessment };
	});
}
