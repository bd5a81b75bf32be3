/**
 * Contracts between the format adapters (pure, no database) and the batch runner (database).
 *
 * An adapter turns one source row into either a normalised incident or a rejection that names the
 * field and the reason. Coordinates leave the adapter either as WGS84 lon/lat or as projected x/y with
 * an EPSG code; the runner reprojects the latter with the definition PostGIS holds in
 * `spatial_ref_sys` (through proj4), so no projection maths is written by hand.
 */
import type { RoadCategoryCode } from '../../road-safety';
import type { CategoryCode } from '../../taxonomy';

/** How precisely the published point locates the event (police.uk snaps to anonymous map points). */
export type LocationPrecision = 'exact' | 'snapped' | 'street' | 'area' | 'none';

export interface NormalisedIncident {
	/** Unique within the source; re-importing the same row must give the same id (idempotency). */
	externalId: string;
	/** A crime category, or a road-collision category (a separate domain: src/lib/road-safety.ts). */
	category: CategoryCode | RoadCategoryCode;
	/** The publisher's own type text, kept verbatim. */
	originalType: string;
	/** Start of the window in which the event happened (UTC instant). */
	occurredFrom: Date;
	/** End of that window; equal to occurredFrom when the time is exact. */
	occurredTo: Date;
	reportedAt: Date | null;
	/** WGS84 longitude/latitude, or null when the row has no usable location. */
	lon: number | null;
	lat: number | null;
	/** Projected coordinates still to be reprojected, with their CRS (lon/lat then null). */
	projected: {
		x: number;
		y: number;
		/** PostGIS srid for EPSG codes; for other authorities the runner resolves `crs`. */
		srid: number;
		/** `AUTH:code` when not `EPSG:srid` (e.g. `ESRI:102671`), resolved through spatial_ref_sys. */
		crs?: string;
		/**
		 * Where the point must land after reprojection (the CRS's area of use, in degrees), and the
		 * field to name when it does not: x/y far outside a State Plane zone still reproject somewhere.
		 * `onOutside`: reject the row (default) or import it without a location, counted per file.
		 */
		within?: {
			west: number;
			south: number;
			east: number;
			north: number;
			field: string;
			area: string;
			onOutside?: 'reject' | 'unlocate';
		};
		/**
		 * Check the point against the CRS's area of use (crs-extent.ts) after reprojection; outside →
		 * imported without a location. `field` names the x/y columns.
		 */
		areaOfUse?: { field: string };
	} | null;
	/**
	 * Why a row that had coordinates is imported without a location (placeholder 0/0, outside the
	 * source's extent): counted per file by reason.
	 */
	unlocated?: string;
	/** Set when the category came from the mapping's default (no map entry, rule or known type matched). */
	unmappedCategory?: boolean;
	/**
	 * Files with one row per incident × offence (mapping `offence`): the offence column's value. Rows
	 * with the same `externalId` are one incident; each new offence adds its category to it.
	 */
	offence?: string;
	/** Signed counts: this row cancels the earlier row (or stored incident) with the same id. */
	retracts?: boolean;
	locationPrecision: LocationPrecision;
	/** Human-readable location text ("On or near Star Yard", "016XX W 77TH ST"). */
	locationText: string | null;
	/** Records that must never reach community outputs at fine resolution (sexual offences, domestic abuse). */
	sensitive: boolean;
	/** Every other column of the row, verbatim. */
	attributes: Record<string, string>;
}

export interface RowRejection {
	/** Column name that was wrong (or '' for the row as a whole). */
	field: string;
	reason: string;
}

/**
 * What an adapter makes of a row: an incident, a rejection, or a row the mapping says is not an
 * incident (`filtered`, with the reason: a row filter, a count of 0).
 */
export type RowRejected = { ok: false; reject: RowRejection; filtered?: undefined };
export type RowResult =
	| { ok: true; incident: NormalisedIncident }
	| RowRejected
	| { ok: false; filtered: string; reject?: undefined };

/** One data row as read from a file: the 1-based line/row number in the file and the raw values. */
export interface SourceRow {
	/** 1-based row number counting the header as row 1 (what a spreadsheet shows). */
	rowNumber: number;
	values: Record<string, string>;
	/** The raw row as text, stored with rejections so analysts can fix and re-submit it. */
	raw: string;
	/**
	 * Set by the reader when the row is malformed as CSV (wrong number of columns, unterminated quote at
	 * the end of a truncated file). Adapters return it as the row's rejection without looking further.
	 */
	problem?: RowRejection;
}

/** A format adapter: a pure function of a row (plus per-file state for synthetic ids). */
export interface Adapter {
	readonly format: string;
	/** Called once with the header; throws ImportError(E_HEADER) when required columns are missing. */
	begin(header: string[], file: string): void;
	parse(row: SourceRow): RowResult;
}

export type ImportErrorCode =
	'E_FILE_UNREADABLE' | 'E_HEADER' | 'E_MAPPING' | 'E_FORMAT' | 'E_CRS' | 'E_DATABASE';

/** A failure of a whole file or command (row-level problems are RowRejection, never thrown). */
export class ImportError extends Error {
	constructor(
		readonly code: ImportErrorCode,
		message: string,
		readonly file?: string
	) {
		super(file ? `${file}: ${message}` : message);
		this.name = 'ImportError';
	}
}
