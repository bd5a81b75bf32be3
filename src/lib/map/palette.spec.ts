import { describe, expect, it } from 'vitest';
import { classLabel, colourForCount, countClasses, fillOpacityForZoom, VIRIDIS_6 } from './palette';

describe('countClasses', () => {
	it('gives nothing for an empty map', () => {
		expect(countClasses(0)).toEqual([]);
	});

	it('gives every count its own class when the maximum is small, still light to dark', () => {
		const classes = countClasses(3);
		expect(classes.map(classLabel)).toEqual(['1', '2', '3']);
		expect(classes[0].colour).toBe(VIRIDIS_6[0]);
		expect(classes[2].colour).toBe(VIRIDIS_6[5]);
	});

	it('spaces breaks on a square-root scale, rounded, covering 1..max without gaps', () => {
		const classes = countClasses(500);
		expect(classes.map(classLabel)).toEqual([
			'1–20',
			'21–60',
			'61–130',
			'131–230',
			'231–350',
			'351–500'
		]);
		for (let i = 1; i < classes.length; i++) expect(classes[i].min).toBe(classes[i - 1].max + 1);
	});

	it('drops classes that rounding would leave empty', () => {
		const classes = countClasses(8);
		expect(classes[0].min).toBe(1);
		expect(classes.at(-1)?.max).toBe(8);
		for (const c of classes) expect(c.max).toBeGreaterThanOrEqual(c.min);
	});
});

describe('colourForCount', () => {
	it('finds the class of a count and is transparent for zero', () => {
		const classes = countClasses(500);
		expect(colourForCount(20, classes)).toEqual(classes[0].rgba);
		expect(colourForCount(21, classes)).toEqual(classes[1].rgba);
		expect(colourForCount(500, classes)).toEqual(classes[5].rgba);
		expect(colourForCount(0, classes)[3]).toBe(0);
	});
});

describe('fillOpacityForZoom', () => {
	it('is whole to zoom 13, 0.55 from zoom 16 (street level), and falls in between', () => {
		expect(fillOpacityForZoom(10)).toBe(1);
		expect(fillOpacityForZoom(13)).toBe(1);
		expect(fillOpacityForZoom(14.5)).toBe(0.78);
		expect(fillOpacityForZoom(16)).toBe(0.55);
		expect(fillOpacityForZoom(19)).toBe(0.55);
	});
});
