/**
 * Coverage of a study: the days that hold data for a place and period, from `source_coverage` (what
 * every import records), as a `DataCoverage` the statistics use to skip missing periods, label partial
 * ones and refuse comparisons with nothing. Not a user job: shared by the analysis services.
 */
import { cellToParent } from 'h3-js';
import { DataCoverage } from '../analysis/coverage';
import type { Queryable } from '../db/client';
import { coverageRecords, type CoverageDomain, type CoveragePlace } from '../db/queries/coverage';
import { COVERAGE_FOOTPRINT_RES } from '../ingest/coverage';

export type { CoverageDomain, CoveragePlace };

/**
 * Which days of [from, to] hold data at a place (its cells' or areas' resolution-5 footprints), from
 * every source of the domain (crime unless `domain` says road collisions).
 *
 * @example
 * const c = await coverageFor(db, '2016-01-01', '2020-12-31', { areaIds: [12] });
 * c.period('2017-01-01', '2017-12-31').status; // 'partial' (Jan–Jun)
 */
export async function coverageFor(
	db: Queryable,
	from: string,
	to: string,
	place: CoveragePlace,
	domain: CoverageDomain = 'crime'
): Promise<DataCoverage> {
	let footprints: string[] = [];
	if ('cells' in place) {
		const set = new Set<string>();
		for (const c of place.cells)
			set.add(BigInt('0x' + cellToParent(c, COVERAGE_FOOTPRINT_RES)).toString());
		footprints = [...set];
	}
	return new DataCoverage(await coverageRecords(db, from, to, place, footprints, domain));
}

/** The place of a study area: its areas when it has some, else its cells. */
export function studyPlace(study: {
	areas: readonly { id: number }[];
	cells: readonly string[];
	res: number;
}): CoveragePlace {
	return study.areas.length
		? { areaIds: study.areas.map((a) => a.id) }
		: { cells: study.cells, res: study.res };
}
