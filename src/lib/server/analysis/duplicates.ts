/**
 * Duplicate candidates across reports: how alike two reports are in space, time and category, scored
 * 0–1 and explained in words ("same street, 40 minutes apart, same category").
 *
 * score = 0.4·space + 0.4·time + 0.2·category, where
 * - space = max(0, 1 − d / maxMetres) (great-circle distance d), at least 0.75 when both name the same
 *   street or place (after normalising case, punctuation, "on or near" and St/Rd/Ave);
 * - time = max(0, 1 − Δt / maxMinutes);
 * - category = 1 same, 0 different, 0.5 when either is not recorded.
 * A pair too far apart in space (d ≥ maxMetres and not the same street) or in time (Δt ≥ maxMinutes)
 * scores 0: whatever else they share, they are not one event. Candidates are pairs scoring at least
 * `threshold`. The weights and limits are reported with every result.
 */
import { greatCircleDistance } from 'h3-js';

export interface ReportForMatching {
	id: number;
	sourceId: number;
	lon: number;
	lat: number;
	/** Epoch milliseconds. */
	observedAt: number;
	category: string | null;
	locationText: string | null;
}

export interface DuplicateOptions {
	/** Distance at which the space term reaches 0. Default 400 m. */
	maxMetres?: number;
	/** Time apart at which the time term reaches 0. Default 360 minutes. */
	maxMinutes?: number;
	/** Lowest score offered as a candidate. Default 0.6. */
	threshold?: number;
}

export const DUPLICATE_DEFAULTS: Required<DuplicateOptions> = {
	maxMetres: 400,
	maxMinutes: 360,
	threshold: 0.6
};

export interface DuplicateScore {
	score: number;
	distanceMetres: number;
	minutesApart: number;
	sameStreet: boolean;
	/** null: one or both have no category. */
	sameCategory: boolean | null;
	sameSource: boolean;
	explanation: string;
	parameters: Required<DuplicateOptions>;
}

/** A street or place name compared loosely: "On or near High St." = "high street". */
export function normaliseStreet(s: string | null): string | null {
	if (!s) return null;
	const n = s
		.toLowerCase()
		.replace(/^\s*(on or near|near|outside|opposite|by)\s+/, '')
		.replace(/[^\p{L}\p{N}\s]/gu, ' ')
		.replace(/\bst\b/g, 'street')
		.replace(/\brd\b/g, 'road')
		.replace(/\bave?\b/g, 'avenue')
		.replace(/\s+/g, ' ')
		.trim();
	return n || null;
}

function timeWords(minutes: number): string {
	const m = Math.round(minutes);
	if (m < 1) return 'at the same time';
	if (m < 120) return `${m} minute${m === 1 ? '' : 's'} apart`;
	const h = Math.round((minutes / 60) * 10) / 10;
	return `${h} hours apart`;
}

/**
 * @example
 * scoreDuplicate(
 *   { id: 1, sourceId: 1, lon: -0.0984, lat: 51.5138, observedAt: Date.parse('2024-03-01T20:00Z'), category: 'drugs', locationText: 'Cheapside' },
 *   { id: 2, sourceId: 2, lon: -0.0980, lat: 51.5139, observedAt: Date.parse('2024-03-01T20:40Z'), category: 'drugs', locationText: 'cheapside' }
 * ).explanation; // 'same street, 40 minutes apart, same category, different sources'
 */
export function scoreDuplicate(
	a: ReportForMatching,
	b: ReportForMatching,
	options: DuplicateOptions = {}
): DuplicateScore {
	const p = { ...DUPLICATE_DEFAULTS, ...options };
	const distanceMetres = greatCircleDistance([a.lat, a.lon], [b.lat, b.lon], 'm');
	const minutesApart = Math.abs(a.observedAt - b.observedAt) / 60_000;
	const streetA = normaliseStreet(a.locationText);
	const sameStreet = streetA !== null && streetA === normaliseStreet(b.locationText);
	const sameCategory = a.category && b.category ? a.category === b.category : null;
	const sameSource = a.sourceId === b.sourceId;
	let space = Math.max(0, 1 - distanceMetres / p.maxMetres);
	if (sameStreet) space = Math.max(space, 0.75);
	const time = Math.max(0, 1 - minutesApart / p.maxMinutes);
	const category = sameCategory === null ? 0.5 : sameCategory ? 1 : 0;
	const raw = space === 0 || time === 0 ? 0 : 0.4 * space + 0.4 * time + 0.2 * category;
	const parts = [
		sameStreet ? 'same street' : `${Math.round(distanceMetres)} m apart`,
		timeWords(minutesApart),
		sameCategory === null
			? 'category not recorded'
			: sameCategory
				? 'same category'
				: `different categories (${a.category}, ${b.category})`,
		sameSource ? 'same source' : 'different sources'
	];
	return {
		score: Math.round(raw * 1000) / 1000,
		distanceMetres,
		minutesApart,
		sameStreet,
		sameCategory,
		sameSource,
		explanation: parts.join(', '),
		parameters: p
	};
}

export interface DuplicateCandidate extends DuplicateScore {
	first: number;
	second: number;
}

/**
 * Candidate pairs among `reports` (lower id first), highest score first, at least `threshold`.
 * Quadratic in the reports given: the caller passes reports already near one another (a query window).
 */
export function duplicateCandidates(
	reports: readonly ReportForMatching[],
	options: DuplicateOptions = {}
): DuplicateCandidate[] {
	const p = { ...DUPLICATE_DEFAULTS, ...options };
	const out: DuplicateCandidate[] = [];
	for (let i = 0; i < reports.length; i++) {
		for (let j = i + 1; j < reports.length; j++) {
			const [a, b] =
				reports[i].id < reports[j].id ? [reports[i], reports[j]] : [reports[j], reports[i]];
			const s = scoreDuplicate(a, b, p);
			if (s.score >= p.threshold) out.push({ ...s, first: a.id, second: b.id });
		}
	}
	return out.sort((x, y) => y.score - x.score || x.first - y.first || x.second - y.second);
}
