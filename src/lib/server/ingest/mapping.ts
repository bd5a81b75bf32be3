/**
 * The JSON column mapping that lets any CSV (or GeoJSON properties) be imported: documented with
 * examples in docs/import-mapping.md. Validated with zod; every error names the mapping key at fault.
 */
import { z } from 'zod';
import { CATEGORY_CODES, lookupCategory } from '../../taxonomy';
import { compileTimeFormat, isValidTimeZone } from './time';
import { ImportError } from './types';

const column = z.string().trim().min(1, 'must name a column');
const columns = z.array(column).min(1, 'must name at least one column');

const timeFormat = z
	.string()
	.trim()
	.min(1)
	.superRefine((f, ctx) => {
		try {
			compileTimeFormat(f);
		} catch (e) {
			ctx.addIssue({ code: 'custom', message: (e as Error).message });
		}
	});

/** One time value: a column, or several columns joined with a space before parsing. */
const timeFields = {
	column: column.optional(),
	columns: columns.optional(),
	/** Format string (`YYYY-MM-DD HH:mm`, `DD/MM/YYYY`, `MM/DD/YYYY hh:mm:ss A`, `YYYY-MM`, `ISO`). */
	format: timeFormat.default('ISO')
};
const oneColumnSource = (t: { column?: string; columns?: string[] }) =>
	(t.column === undefined) !== (t.columns === undefined);
const oneColumnMessage = { message: 'give exactly one of "column" or "columns"' };
const timeSource = z.strictObject(timeFields).refine(oneColumnSource, oneColumnMessage);

/**
 * A CRS as `AUTHORITY:code` — EPSG, ESRI or any other authority PostGIS lists in spatial_ref_sys
 * (`auth_name`, `auth_srid`); resolved against the database by the runner. Output: `EPSG:27700`.
 */
const crs = z
	.string()
	.trim()
	.regex(/^[A-Za-z][A-Za-z0-9_.-]*:\d{1,7}$/, 'must look like "EPSG:27700" or "ESRI:102671"')
	.transform((s) => {
		const [auth, code] = s.split(':');
		return `${auth.toUpperCase()}:${Number(code)}`;
	});

/** [west, south, east, north] in degrees (WGS84). */
const extent = z
	.tuple([z.number(), z.number(), z.number(), z.number()])
	.refine(([w, s, e, n]) => w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90, {
		message: 'must be [west, south, east, north] in degrees with west < east and south < north'
	});

const pattern = z.string().superRefine((re, ctx) => {
	try {
		new RegExp(re, 'i');
	} catch (e) {
		ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(e as Error).message}` });
	}
});

const categoryCode = z.enum(CATEGORY_CODES);

/** A category given as a code or label (anything `lookupCategory` knows). */
const categoryText = z.string().transform((s, ctx) => {
	const code = lookupCategory(s);
	if (code === null) {
		ctx.addIssue({
			code: 'custom',
			message: `"${s}" is not a category; use one of ${CATEGORY_CODES.join(', ')}`
		});
		return z.NEVER;
	}
	return code;
});

/**
 * One category rule, tried in order after the exact `map`: the first whose test matches the value
 * gives the category. Text tests ignore case and surrounding spaces.
 */
const categoryRule = z
	.strictObject({
		/** The value starts with this text (`LARCENY` matches `LARCENY-FROM BUILDING/UNDER $500`). */
		prefix: z.string().min(1).optional(),
		/** A JavaScript regular expression, case-insensitive, searched anywhere in the value. */
		regex: pattern.optional(),
		/** The value is a number in [from, to] (offence codes such as 200–299). */
		range: z
			.tuple([z.number(), z.number()])
			.refine(([a, b]) => a <= b, { message: 'must be [from, to] with from <= to' })
			.optional(),
		category: categoryText
	})
	.refine((r) => [r.prefix, r.regex, r.range].filter((t) => t !== undefined).length === 1, {
		message: 'give exactly one of "prefix", "regex" or "range"'
	});

/** A row filter: rows whose column matches are kept (`keep`) or dropped (`drop`). */
const rowFilter = z
	.strictObject({
		column,
		/** Values compared ignoring case and surrounding spaces (`""` is a blank cell). */
		in: z.array(z.string()).min(1).optional(),
		regex: pattern.optional(),
		/** `drop` (default): matching rows are not incidents; `keep`: only matching rows are. */
		action: z.enum(['drop', 'keep']).default('drop')
	})
	.refine((f) => (f.in === undefined) !== (f.regex === undefined), {
		message: 'give exactly one of "in" or "regex"'
	});

export const ImportMappingSchema = z
	.strictObject({
		/** Source name for the source register (defaults to the file name). */
		source: z.string().trim().min(1).optional(),
		description: z.string().optional(),
		/** Credit line the data's licence asks for, shown on every map that draws the source's records. */
		attribution: z.string().trim().min(1).max(500).optional(),
		/** IANA time zone of local times in the file ("Europe/London", "America/Chicago", "UTC"). */
		timezone: z
			.string()
			.trim()
			.refine(isValidTimeZone, { message: 'is not an IANA time zone such as "Europe/London"' }),
		csv: z
			.strictObject({
				delimiter: z.string().length(1).default(','),
				encoding: z.enum(['utf8', 'latin1']).default('utf8')
			})
			.optional(),
		/**
		 * Header variants across files: canonical column name → other spellings. Anywhere the mapping
		 * names the canonical column, any spelling matches, and the attribute is stored under the
		 * canonical name (`{ "Coded Month": ["Month coded"] }`).
		 */
		columns: z.record(z.string().trim().min(1), z.array(column).min(1)).optional(),
		/** Id column(s), joined with "|"; omit for files without ids (synthetic ids from row content). */
		id: z.union([column, columns]).optional(),
		time: z
			.strictObject({
				...timeFields,
				/** End of the window when the event time is uncertain (e.g. "between 18:00 and 08:00"). */
				end: timeSource.optional()
			})
			.refine(oneColumnSource, oneColumnMessage),
		/** Time the record was reported, when the file has it. */
		reported: timeSource.optional(),
		category: z
			.strictObject({
				column: column.optional(),
				/** Source value → category code or label; unlisted values fall back to categoryFromText. */
				map: z.record(z.string(), categoryText).optional(),
				/** Prefix, regular-expression and numeric-range rules, tried in order after `map`. */
				rules: z.array(categoryRule).optional(),
				/** Category of values nothing matches, and of blank values (default `other`). */
				default: categoryText.optional(),
				/** Every row has this category (single-type files). */
				fixed: categoryText.optional(),
				/** Original type text when `fixed` is used and there is no column. */
				originalType: z.string().optional(),
				/** What to do with a value that maps to nothing: import as `other` (default) or reject. */
				unmapped: z.enum(['other', 'reject']).default('other')
			})
			.refine((c) => c.column !== undefined || c.fixed !== undefined, {
				message: 'give "column" or "fixed"'
			}),
		location: z
			.strictObject({
				lon: column.optional(),
				lat: column.optional(),
				x: column.optional(),
				y: column.optional(),
				/** CRS of x/y (default EPSG:4326, i.e. x = longitude, y = latitude). */
				crs: crs.optional(),
				/**
				 * Where the source's points can be, in degrees: [west, south, east, north], or "none" for no
				 * check. Default: the CRS's area of use (docs/import-mapping.md). Points outside are
				 * imported without a location and counted.
				 */
				extent: z.union([extent, z.literal('none')]).optional(),
				/** Coordinate pairs that mean "unknown" (default [[0, 0]]): imported without a location. */
				placeholders: z.array(z.tuple([z.number(), z.number()])).default([[0, 0]]),
				precision: z.enum(['exact', 'snapped', 'street', 'area']).default('exact'),
				/** Column with a human-readable place ("On or near High Street"). */
				text: column.optional()
			})
			.refine(
				(l) =>
					(l.lon === undefined) === (l.lat === undefined) &&
					(l.x === undefined) === (l.y === undefined) &&
					!(l.lon !== undefined && l.x !== undefined),
				{ message: 'give both "lon" and "lat", or both "x" and "y" (with "crs"), not a mix' }
			)
			.optional(),
		/** Row filters, applied in order before anything else is read from the row. */
		filters: z.array(rowFilter).optional(),
		/**
		 * Signed counts: a column whose value is 1 for an incident, 0 for a row that is not one, and −1
		 * for a row that cancels the earlier row (or the stored incident) with the same id. Needs `id`.
		 */
		count: z.strictObject({ column }).optional(),
		/**
		 * Several offences per incident: the column(s) that tell the offences of one incident apart (an
		 * offence code or sequence number). Rows with the same `id` are then one incident holding every
		 * row's category; needs `id`.
		 */
		offence: z.union([column, columns]).optional(),
		numbers: z.strictObject({ decimalComma: z.boolean().default(false) }).optional(),
		/** Columns kept verbatim as attributes: "all" (default: every column not used above), "none", or a list. */
		attributes: z.union([z.enum(['all', 'none']), columns]).default('all'),
		/** Sensitive rows: always/never, or where a column has one of the values (default true/yes/y/1). */
		sensitive: z
			.union([
				z.boolean(),
				z.strictObject({ column, values: z.array(z.string()).min(1).optional() })
			])
			.optional()
	})
	.refine((m) => m.count === undefined || m.id !== undefined, {
		message: '"count" needs "id": a row with count −1 cancels the row with the same id',
		path: ['count']
	})
	.refine((m) => m.offence === undefined || m.id !== undefined, {
		message: '"offence" needs "id": rows with the same id are the offences of one incident',
		path: ['offence']
	});

export type ImportMapping = z.output<typeof ImportMappingSchema>;
export type ImportMappingInput = z.input<typeof ImportMappingSchema>;
export { categoryCode as CategoryCodeSchema };

function issuePath(path: PropertyKey[]): string {
	return path.length === 0 ? '(mapping)' : path.map(String).join('.');
}

/**
 * Validates a parsed JSON mapping. Throws ImportError(E_MAPPING) listing each problem with the key
 * it concerns, e.g. `time.format: format "DD/MM" has no year (YYYY)`. `file` is the mapping file
 * (errors name it, not the data file).
 */
export function parseMapping(json: unknown, file?: string): ImportMapping {
	const r = ImportMappingSchema.safeParse(json);
	if (r.success) return r.data;
	const problems = r.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`);
	throw new ImportError('E_MAPPING', `invalid import mapping: ${problems.join('; ')}`, file);
}
