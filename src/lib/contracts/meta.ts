/**
 * The `/api/meta` contract: what the workspace needs to know about the data before drawing anything
 * (range, categories, area kinds, sources, basemap, attribution). No request parameters. The service
 * (`services/meta.ts`) returns `WorkspaceMeta`; the views' server loads pass it on and the map client
 * (`map/api.ts` `fetchMeta`) parses the answer with `workspaceMetaSchema`.
 *
 * Shared with the browser: no node imports here.
 */
import { z } from 'zod';
import { isoDateSchema } from './cells';

export const categoryInfoSchema = z.object({
	code: z.string(),
	label: z.string(),
	/** Incidents of the category over all the data (0 for a category with none). */
	count: z.number().int().nonnegative()
});
export type CategoryInfo = z.output<typeof categoryInfoSchema>;

export const sourceInfoSchema = z.object({
	id: z.number().int(),
	name: z.string(),
	kind: z.string(),
	category: z.string(),
	/** What a map shows for the source's licence (e.g. police.uk's OGL line); null: none needed. */
	attribution: z.string().nullable(),
	incidents: z.number().int().nonnegative()
});
export type SourceInfo = z.output<typeof sourceInfoSchema>;

/** Month or day: whether the data's dates allow comparing days or only whole months (`study/extent`). */
export const granularitySchema = z.object({
	unit: z.enum(['month', 'day']),
	/** Why, in words a user can check. */
	reason: z.string()
});
export type Granularity = z.output<typeof granularitySchema>;

export const workspaceMetaSchema = z.object({
	engine: z.enum(['postgres', 'pglite']),
	/** The days the data covers (monthly data runs to its last month's end); null: no data yet. */
	range: z.object({ from: isoDateSchema, to: isoDateSchema }).nullable(),
	granularity: granularitySchema.nullable(),
	categories: z.array(categoryInfoSchema),
	/** Area kinds with their number of areas, the kinds nearest the data first. */
	areaKinds: z.array(z.object({ kind: z.string(), count: z.number().int().nonnegative() })),
	sources: z.array(sourceInfoSchema),
	/** null: the shipped offline style; else a style URL or a style (from a file the server read). */
	basemapStyle: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable(),
	attribution: z.array(z.string())
});
export type WorkspaceMeta = z.output<typeof workspaceMetaSchema>;
