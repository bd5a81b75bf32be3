/**
 * Intelligence products (issue 14): their types, statuses and frozen content. The content is a list of
 * blocks — text, tables, maps, charts, fields the team fills in, graded sources — as they were when the
 * product was drafted; the product page and its PDF render these blocks and never recompute them. Every
 * map and chart block carries a table with the same information (a map is accessible only with its
 * text equivalent).
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { HANDLING_CODES } from '../grading';

export const PRODUCT_TYPES = [
	'briefing',
	'early-warning-notice',
	'trend-report',
	'threat-assessment',
	'risk-analysis',
	'intelligence-memo',
	'road-safety-evaluation'
] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

export const PRODUCT_TYPE_LABELS: Record<ProductType, string> = {
	briefing: 'Community-safety briefing',
	'early-warning-notice': 'Early-warning notice',
	'trend-report': 'Trend report',
	'threat-assessment': 'Threat assessment',
	'risk-analysis': 'Risk analysis',
	'intelligence-memo': 'Intelligence memo',
	'road-safety-evaluation': 'Road-safety evaluation'
};

export const PRODUCT_STATUSES = ['draft', 'reviewed', 'published'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const PRODUCT_AUDIENCES = ['internal', 'public'] as const;
export type ProductAudience = (typeof PRODUCT_AUDIENCES)[number];

const cell = z.union([z.string(), z.number(), z.null()]);

/** A table: caption, column headings, rows of cells (null: no value, shown as "–"). */
export const tableSchema = z.object({
	caption: z.string().min(1),
	columns: z.array(z.string()).min(1),
	rows: z.array(z.array(cell)),
	notes: z.array(z.string()).optional()
});
export type ProductTable = z.infer<typeof tableSchema>;

const heading = z.string().min(1).optional();

export const textBlockSchema = z.object({
	kind: z.literal('text'),
	heading,
	paragraphs: z.array(z.string())
});

export const tableBlockSchema = z.object({ kind: z.literal('table'), heading, table: tableSchema });

/**
 * A map as published: the picture (PNG data URL, drawn when the product was drafted), the GeoJSON it
 * was drawn from, its legend, and the table that says the same in words.
 */
export const mapBlockSchema = z.object({
	kind: z.literal('map'),
	heading,
	caption: z.string().min(1),
	image: z
		.string()
		.regex(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/, 'a PNG data URL')
		.nullable(),
	/** Why there is no picture, when `image` is null. */
	imageNote: z.string().optional(),
	geojson: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }),
	bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
	legend: z.array(z.object({ label: z.string(), colour: z.string() })),
	table: tableSchema
});

/** A chart as published: SVG drawn by a chart library when the product was drafted, and its table. */
export const chartBlockSchema = z.object({
	kind: z.literal('chart'),
	heading,
	caption: z.string().min(1),
	svg: z.string().startsWith('<svg'),
	table: tableSchema
});

/** Labelled values the author fills in (contact, next meeting, analyst's text). */
export const fieldsBlockSchema = z.object({
	kind: z.literal('fields'),
	heading,
	items: z.array(z.object({ label: z.string().min(1), value: z.string() }))
});

/** The sources used, each with its 3x5x2 grading. */
export const sourcesBlockSchema = z.object({
	kind: z.literal('sources'),
	heading,
	items: z.array(
		z.object({
			source: z.string().min(1),
			evaluation: z.enum(['1', '2', '3']),
			assessment: z.enum(['A', 'B', 'C', 'D', 'E']),
			handling: z.enum(HANDLING_CODES),
			note: z.string().optional()
		})
	)
});

export const blockSchema = z.discriminatedUnion('kind', [
	textBlockSchema,
	tableBlockSchema,
	mapBlockSchema,
	chartBlockSchema,
	fieldsBlockSchema,
	sourcesBlockSchema
]);
export type ProductBlock = z.infer<typeof blockSchema>;

/** The frozen content of a product. */
export const productContentSchema = z.object({
	/** Sentences generated from the numbers, shown first. */
	summary: z.array(z.string()),
	blocks: z.array(blockSchema),
	/** How the content was computed (area, periods, thresholds, methods), for the record. */
	parameters: z.record(z.string(), z.unknown())
});
export type ProductContent = z.infer<typeof productContentSchema>;
