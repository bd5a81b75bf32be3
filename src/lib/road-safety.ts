/**
 * The road-safety domain: reported personal-injury road collisions (DfT STATS19), kept apart from the
 * crime taxonomy (src/lib/taxonomy.ts). Collisions are stored as incidents of their own source with
 * one of the categories below; none of them is a crime `CategoryCode`, so crime reads — which default
 * to the crime codes when no category is chosen — never count a collision (docs/road-safety.md).
 *
 * Shared with the browser: no node imports here.
 */

export const ROAD_SEVERITIES = ['fatal', 'serious', 'slight'] as const;
export type RoadSeverity = (typeof ROAD_SEVERITIES)[number];

/** Incident category of a collision by its severity (the most severe casualty, as STATS19 records). */
export const ROAD_CATEGORY_BY_SEVERITY = {
	fatal: 'road-collision-fatal',
	serious: 'road-collision-serious',
	slight: 'road-collision-slight'
} as const satisfies Record<RoadSeverity, string>;

export type RoadCategoryCode = (typeof ROAD_CATEGORY_BY_SEVERITY)[RoadSeverity];

export const ROAD_CATEGORY_CODES: readonly RoadCategoryCode[] = ROAD_SEVERITIES.map(
	(s) => ROAD_CATEGORY_BY_SEVERITY[s]
);

/** The `sources.category` (ILP source list) of road-collision sources. */
export const ROAD_SOURCE_CATEGORY = 'road-collisions';

export const ROAD_SEVERITY_LABELS: Record<RoadSeverity, string> = {
	fatal: 'Fatal',
	serious: 'Serious',
	slight: 'Slight'
};

export function isRoadCategoryCode(value: string): value is RoadCategoryCode {
	return (ROAD_CATEGORY_CODES as readonly string[]).includes(value);
}

export function severityOfRoadCategory(code: RoadCategoryCode): RoadSeverity {
	return ROAD_SEVERITIES.find((s) => ROAD_CATEGORY_BY_SEVERITY[s] === code)!;
}

/** Killed or seriously injured: the headline measure of DfT road-safety statistics. */
export function isKsi(severity: RoadSeverity): boolean {
	return severity !== 'slight';
}
