/**
 * The one date check (`isIsoDate` through `isoDateSchema`) in every contract that reads a day, and the
 * request schemas of the last routes to get a contract (areas, imports): impossible dates and bad
 * parameters are refused with the field named.
 */
import { describe, expect, it } from 'vitest';
import { areaCollectionSchema, areasQuerySchema } from './areas';
import { cellDetailSchema } from './cell-detail';
import { importIdSchema, importRequestSchema } from './imports';
import { workspaceMetaSchema } from './meta';
import { roadEvaluationQuerySchema } from './road-safety';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
	r.success ? [] : r.error!.issues.map((i) => i.path.join('.'));

describe('contracts refuse impossible dates', () => {
	it('road-safety schemeDate', () => {
		const q = { lat: '51.5', lon: '-0.07', radius: '650', periodDays: '28' };
		expect(roadEvaluationQuerySchema.safeParse({ ...q, schemeDate: '2024-02-29' }).success).toBe(
			true
		);
		expect(paths(roadEvaluationQuerySchema.safeParse({ ...q, schemeDate: '2023-02-30' }))).toEqual([
			'schemeDate'
		]);
	});

	it('a cell detail answer with 30 February', () => {
		const answer = {
			cell: '89194ad3047ffff',
			resolution: 9,
			from: '2021-02-30',
			to: null,
			categories: [],
			total: 0,
			byCategory: [],
			months: []
		};
		expect(paths(cellDetailSchema.safeParse(answer))).toEqual(['from']);
	});

	it('the workspace meta range', () => {
		const meta = {
			engine: 'pglite',
			range: { from: '2021-01-01', to: '2021-02-30' },
			granularity: null,
			categories: [],
			areaKinds: [],
			sources: [],
			basemapStyle: null,
			attribution: []
		};
		expect(paths(workspaceMetaSchema.safeParse(meta))).toEqual(['range.to']);
		expect(
			workspaceMetaSchema.safeParse({ ...meta, range: { from: '2021-01-01', to: '2021-02-28' } })
				.success
		).toBe(true);
	});
});

describe('requests of the areas and import routes', () => {
	it('areas: a kind is a slug, or absent for every area', () => {
		expect(areasQuerySchema.parse({ kind: 'lsoa' })).toEqual({ kind: 'lsoa' });
		expect(areasQuerySchema.parse({})).toEqual({});
		expect(paths(areasQuerySchema.safeParse({ kind: '\u0000\u0000' }))).toEqual(['kind']);
		expect(paths(areasQuerySchema.safeParse({ kind: 'LSOA; drop' }))).toEqual(['kind']);
	});

	it('areas: a collection needs features with area properties and a geometry type', () => {
		const feature = {
			type: 'Feature',
			id: 7,
			properties: { id: 7, kind: 'borough', code: 'E09000001', name: 'City of London' },
			geometry: { type: 'Polygon', coordinates: [] }
		};
		expect(
			areaCollectionSchema.safeParse({ type: 'FeatureCollection', features: [feature] }).success
		).toBe(true);
		const noGeometry = { ...feature, geometry: null };
		expect(
			paths(areaCollectionSchema.safeParse({ type: 'FeatureCollection', features: [noGeometry] }))
		).toEqual(['features.0.geometry']);
	});

	it('imports: token and mapping as text; an id is an upload token', () => {
		expect(importRequestSchema.safeParse({ token: 'a'.repeat(32), mapping: '{}' }).success).toBe(
			true
		);
		expect(paths(importRequestSchema.safeParse({ token: 5, mapping: {} }))).toEqual([
			'token',
			'mapping'
		]);
		expect(importIdSchema.safeParse('0123456789abcdef0123456789abcdef').success).toBe(true);
		expect(importIdSchema.safeParse('../x').success).toBe(false);
	});
});
