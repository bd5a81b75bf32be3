import { describe, expect, it } from 'vitest';
import { parseWorkspaceState, resolutionForZoom, workspaceStateToParams } from './workspace-url';
import { hotspotsUrl } from './analysis-api';

describe('workspace state in the URL', () => {
	it('reads defaults from a bare URL and writes nothing back', () => {
		const s = parseWorkspaceState(new URLSearchParams(''));
		expect(s).toEqual({
			center: null,
			zoom: null,
			res: null,
			from: null,
			to: null,
			categories: null,
			layers: ['cells'],
			areaKind: null,
			area: null,
			sources: null,
			time: 'off',
			step: 'month',
			t: null,
			k: 1,
			fdr: true,
			cell: null
		});
		expect(workspaceStateToParams(s).toString()).toBe('');
	});

	it('round-trips a full state', () => {
		const query =
			'c=-0.09200%2C51.51500&z=13.50&res=9&from=2020-01-01&to=2020-12-31&categories=burglary%2Crobbery&layers=cells%2Careas&areas=lsoa';
		const s = parseWorkspaceState(new URLSearchParams(query));
		expect(s.center).toEqual([-0.092, 51.515]);
		expect(s.categories).toEqual(['burglary', 'robbery']);
		expect(s.layers).toEqual(['cells', 'areas']);
		expect(workspaceStateToParams(s).toString()).toBe(query);
	});

	it('round-trips the slider, area, sources, Gi* parameters and the open cell', () => {
		const query =
			'layers=cells%2Chotspots%2Careas&area=12&sources=1%2C3&time=cumulative&step=week&t=2016-03-07&k=2&fdr=0&cell=89194ad30c7ffff';
		const s = parseWorkspaceState(new URLSearchParams(query));
		expect(s).toMatchObject({
			layers: ['cells', 'hotspots', 'areas'],
			area: 12,
			sources: [1, 3],
			time: 'cumulative',
			step: 'week',
			t: '2016-03-07',
			k: 2,
			fdr: false,
			cell: '89194ad30c7ffff'
		});
		expect(workspaceStateToParams(s).toString()).toBe(query);
		const bad = parseWorkspaceState(new URLSearchParams('time=x&k=9&area=0&cell=zz&sources=a'));
		expect(bad).toMatchObject({ time: 'off', k: 1, area: null, cell: null, sources: [] });
	});

	it('round-trips the hot spots of accepted reports beside the crime hot spots', () => {
		const query = 'layers=hotspots%2Creports';
		const s = parseWorkspaceState(new URLSearchParams(query));
		expect(s.layers).toEqual(['hotspots', 'reports']);
		expect(workspaceStateToParams(s).toString()).toBe(query);
		expect(hotspotsUrl({ area: 3, bbox: null, res: 9, k: 1, fdr: true, observations: true })).toBe(
			'/api/analysis/hotspots?area=3&res=9&k=1&fdr=true&observations=accepted'
		);
		expect(hotspotsUrl({ area: 3, bbox: null, res: 9, k: 1, fdr: true })).not.toMatch(
			/observations/
		);
	});

	it('keeps "no category" and "no layer" apart from the defaults', () => {
		const s = parseWorkspaceState(new URLSearchParams('categories=-&layers=-'));
		expect(s.categories).toEqual([]);
		expect(s.layers).toEqual([]);
		expect(workspaceStateToParams(s).toString()).toBe('categories=-&layers=-');
	});

	it('ignores malformed values instead of failing', () => {
		const s = parseWorkspaceState(
			new URLSearchParams(
				'c=abc&z=99&res=12&from=2020-02-30&to=x&categories=BAD,robbery&areas=%3Cx%3E'
			)
		);
		expect(s).toMatchObject({
			center: null,
			zoom: null,
			res: null,
			from: null,
			to: null,
			categories: ['robbery'],
			areaKind: null
		});
	});

	it('swaps a reversed date range', () => {
		const s = parseWorkspaceState(new URLSearchParams('from=2021-01-01&to=2020-01-01'));
		expect([s.from, s.to]).toEqual(['2020-01-01', '2021-01-01']);
	});
});

describe('resolutionForZoom', () => {
	it('follows the zoom from resolution 5 to 10', () => {
		expect([4, 8.5, 10, 12, 13, 15].map(resolutionForZoom)).toEqual([5, 6, 7, 8, 9, 10]);
	});
});
