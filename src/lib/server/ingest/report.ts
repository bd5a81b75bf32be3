/**
 * What an analyst should check after importing a file, beyond the row accounting: rows imported
 * without a location and why, the commonest category values no rule mapped, values read with
 * replaced characters (bytes that were not UTF-8), and warnings about the file as a whole.
 * Collected row by row by the runner (pure: no database), stored with the batch.
 */
import type { SourceRow } from './types';

/** How many unmapped values, replaced values and filter reasons a report lists. */
export const REPORT_TOP = 20;
/** Distinct unmapped values tracked per file (a free-text column must not grow without bound). */
const MAX_DISTINCT = 10_000;
/**
 * A file whose coordinate rows fall outside the extent in more than this share is flagged as probably
 * in the wrong CRS (scattered bad points are ordinary; most of a file is not).
 */
export const WRONG_CRS_SHARE = 0.5;

export interface FileReport {
	/** Rows imported without a location although they had coordinates, by reason. */
	unlocated: Record<string, number>;
	/** Rows the mapping filtered out, by reason. */
	filterReasons: Record<string, number>;
	/** Commonest category values that fell to the default category (blank shown as ""), most first. */
	unmappedCategories: { value: string; rows: number }[];
	/** Rows with at least one replaced character (U+FFFD), and the first few such values. */
	replacedRows: number;
	replacedValues: { row: number; column: string; value: string }[];
	warnings: string[];
}

export class ReportCollector {
	private readonly unlocated = new Map<string, number>();
	private readonly filters = new Map<string, number>();
	private readonly unmapped = new Map<string, number>();
	private unmappedOverflow = 0;
	private replacedRows = 0;
	private readonly replacedValues: FileReport['replacedValues'] = [];
	/** Coordinate rows checked against an extent, and those outside it, by the extent's name. */
	private readonly extentChecks = new Map<
		string,
		{ checked: number; outside: number; crs: string }
	>();

	addUnlocated(reason: string): void {
		this.unlocated.set(reason, (this.unlocated.get(reason) ?? 0) + 1);
	}

	addFiltered(reason: string): void {
		this.filters.set(reason, (this.filters.get(reason) ?? 0) + 1);
	}

	addUnmapped(value: string): void {
		const n = this.unmapped.get(value);
		if (n !== undefined) this.unmapped.set(value, n + 1);
		else if (this.unmapped.size < MAX_DISTINCT) this.unmapped.set(value, 1);
		else this.unmappedOverflow++;
	}

	/** A row's values with U+FFFD (what the reader put for bytes that were not UTF-8). */
	addRow(row: SourceRow): void {
		if (!row.raw.includes('\uFFFD')) return;
		this.replacedRows++;
		for (const [column, value] of Object.entries(row.values)) {
			if (this.replacedValues.length >= REPORT_TOP) break;
			if (value.includes('\uFFFD'))
				this.replacedValues.push({ row: row.rowNumber, column, value: value.slice(0, 200) });
		}
	}

	extentCheck(area: string, crs: string, outside: boolean): void {
		const c = this.extentChecks.get(area) ?? { checked: 0, outside: 0, crs };
		c.checked++;
		if (outside) c.outside++;
		this.extentChecks.set(area, c);
	}

	report(): FileReport {
		const warnings: string[] = [];
		for (const [area, c] of this.extentChecks) {
			if (c.outside > c.checked * WRONG_CRS_SHARE)
				warnings.push(
					`${c.outside} of ${c.checked} points (${c.crs}) reprojected outside ${area}: the coordinates are probably not in ${c.crs} (feet read as metres or the reverse lands points hundreds of km away); they were imported without a location`
				);
		}
		if (this.unmappedOverflow > 0)
			warnings.push(
				`more than ${MAX_DISTINCT} distinct unmapped category values; ${this.unmappedOverflow} rows are not in the list`
			);
		return {
			unlocated: Object.fromEntries(this.unlocated),
			filterReasons: Object.fromEntries(this.filters),
			unmappedCategories: [...this.unmapped]
				.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
				.slice(0, REPORT_TOP)
				.map(([value, rows]) => ({ value, rows })),
			replacedRows: this.replacedRows,
			replacedValues: this.replacedValues,
			warnings
		};
	}
}
