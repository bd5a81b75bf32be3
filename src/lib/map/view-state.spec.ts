import { describe, expect, it } from 'vitest';
import { parseWorkspaceState, resolutionForZoom, workspaceStateToParams } from './view-state';

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
			areaKind: null
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
