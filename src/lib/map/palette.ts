/**
 * Colour classes for counts per cell: viridis (perceptually uniform, readable with the common forms of
 * colour-blindness and in greyscale), light for few incidents and dark for many, so the busiest cells
 * stand out on a light basemap.
 *
 * Counts of incidents are skewed (a few cells hold most of them), so class breaks are spaced on a
 * square-root scale and rounded to numbers a reader can quote: `max = 500` gives 1–20, 21–60, …, 351–500.
 *
 * @example
 * const classes = countClasses(500);
 * colourForCount(42, classes); // the RGBA of the class holding 42
 */

export type RGBA = [number, number, number, number];

/** viridis (matplotlib, van der Walt & Smith 2015), six samples from yellow to purple. */
export const VIRIDIS_6: readonly string[] = [
	'#fde725',
	'#7ad151',
	'#22a884',
	'#2a788e',
	'#414487',
	'#440154'
];

export interface CountClass {
	/** Smallest count in the class (inclusive). */
	min: number;
	/** Largest count in the class (inclusive). */
	max: number;
	colour: string;
	rgba: RGBA;
}

function hexToRgba(hex: string, alpha: number): RGBA {
	const n = parseInt(hex.slice(1), 16);
	return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** Round up to one significant figure below 100, two above (20, 60, 130, 1400, 2300). */
function niceCeil(value: number): number {
	if (value <= 10) return Math.ceil(value);
	const digits = value < 100 ? 1 : 2;
	const step = 10 ** (Math.floor(Math.log10(value)) - digits + 1);
	return Math.ceil(value / step) * step;
}

/**
 * Up to `n` classes covering 1..max. With `max <= n` every count has its own class.
 * Returns no classes when max is 0.
 */
export function countClasses(max: number, n = VIRIDIS_6.length, alpha = 200): CountClass[] {
	if (!(max >= 1)) return [];
	const top = Math.floor(max);
	const uppers: number[] = [];
	if (top <= n) {
		for (let v = 1; v <= top; v++) uppers.push(v);
	} else {
		for (let i = 1; i < n; i++) {
			const u = Math.min(niceCeil(top * (i / n) ** 2), top);
			if (u > (uppers.at(-1) ?? 0)) uppers.push(u);
		}
		if ((uppers.at(-1) ?? 0) < top) uppers.push(top);
	}
	// Spread the available colours over the classes so few classes still run light to dark.
	const pick = (i: number) =>
		VIRIDIS_6[uppers.length === 1 ? 0 : Math.round((i * (n - 1)) / (uppers.length - 1))];
	return uppers.map((upper, i) => {
		const colour = pick(i);
		return {
			min: i === 0 ? 1 : uppers[i - 1] + 1,
			max: upper,
			colour,
			rgba: hexToRgba(colour, alpha)
		};
	});
}

/**
 * Opacity of filled cells and areas at a zoom: whole below zoom 13, thinning to 0.55 at street level
 * (zoom 16 and closer), so that the streets and place names of the basemap show through the cells
 * (fill colours carry alpha 200 already: about 43 % cover at zoom 16).
 */
export function fillOpacityForZoom(zoom: number): number {
	const t = Math.min(1, Math.max(0, (zoom - 13) / 3));
	return Math.round((1 - 0.45 * t) * 100) / 100;
}

const NONE: RGBA = [0, 0, 0, 0];

/** The colour of the class holding `count` (transparent for 0 or no classes). */
export function colourForCount(count: number, classes: readonly CountClass[]): RGBA {
	if (count < 1 || classes.length === 0) return NONE;
	for (const c of classes) if (count <= c.max) return c.rgba;
	return classes[classes.length - 1].rgba;
}

/** `1–14`, or `7` when a class holds one value. */
export function classLabel(c: CountClass): string {
	const fmt = (v: number) => v.toLocaleString('en-GB');
	return c.min === c.max ? fmt(c.min) : `${fmt(c.min)}–${fmt(c.max)}`;
}

/**
 * Gi* confidence bins, cold (−3) to hot (+3): ColorBrewer RdBu (Brewer 2003), a diverging scheme that
 * stays readable with the common colour-vision deficiencies; not significant is a neutral grey, never
 * the white middle of RdBu, so "no evidence" does not read as "coldish". Every bin has a text label.
 */
export interface HotspotBin {
	bin: number;
	label: string;
	colour: string;
	rgba: RGBA;
}

export const HOTSPOT_BINS: readonly HotspotBin[] = [
	{ bin: 3, label: 'Hot spot, 99 % confidence', colour: '#b2182b' },
	{ bin: 2, label: 'Hot spot, 95 % confidence', colour: '#ef8a62' },
	{ bin: 1, label: 'Hot spot, 90 % confidence', colour: '#fddbc7' },
	{ bin: 0, label: 'Not significant', colour: '#bdbdbd' },
	{ bin: -1, label: 'Cold spot, 90 % confidence', colour: '#d1e5f0' },
	{ bin: -2, label: 'Cold spot, 95 % confidence', colour: '#67a9cf' },
	{ bin: -3, label: 'Cold spot, 99 % confidence', colour: '#2166ac' }
].map((b) => ({ ...b, rgba: hexToRgba(b.colour, b.bin === 0 ? 90 : 215) }));

const BIN_BY_VALUE = new Map(HOTSPOT_BINS.map((b) => [b.bin, b]));

export function hotspotBin(bin: number): HotspotBin {
	return BIN_BY_VALUE.get(Math.max(-3, Math.min(3, Math.round(bin)))) as HotspotBin;
}

/**
 * Esri's 17 emerging hot-spot categories. Hot patterns in warm hues, cold in cool hues, darker for the
 * stronger patterns (intensifying, persistent) so the two families and their order survive greyscale;
 * with 16 classes colour alone cannot carry the category, so the legend and the tooltip name it.
 */
export interface EmergingClass {
	code: string;
	label: string;
	colour: string;
	rgba: RGBA;
}

const EMERGING_DEFS: [code: string, colour: string][] = [
	['new-hot-spot', '#fcbba1'],
	['consecutive-hot-spot', '#fc9272'],
	['intensifying-hot-spot', '#99000d'],
	['persistent-hot-spot', '#cb181d'],
	['diminishing-hot-spot', '#fb6a4a'],
	['sporadic-hot-spot', '#fdae6b'],
	['oscillating-hot-spot', '#d94801'],
	['historical-hot-spot', '#8c6d31'],
	['new-cold-spot', '#c6dbef'],
	['consecutive-cold-spot', '#9ecae1'],
	['intensifying-cold-spot', '#08306b'],
	['persistent-cold-spot', '#2171b5'],
	['diminishing-cold-spot', '#6baed6'],
	['sporadic-cold-spot', '#a1d99b'],
	['oscillating-cold-spot', '#238b45'],
	['historical-cold-spot', '#54278f'],
	['no-pattern', '#bdbdbd']
];

export function emergingLabel(code: string): string {
	if (code === 'no-pattern') return 'No pattern detected';
	const words = code.split('-');
	return [words[0][0].toUpperCase() + words[0].slice(1), ...words.slice(1)].join(' ');
}

export const EMERGING_CLASSES: readonly EmergingClass[] = EMERGING_DEFS.map(([code, colour]) => ({
	code,
	label: emergingLabel(code),
	colour,
	rgba: hexToRgba(colour, code === 'no-pattern' ? 70 : 220)
}));

const EMERGING_BY_CODE = new Map(EMERGING_CLASSES.map((c) => [c.code, c]));

export function emergingClass(code: string): EmergingClass {
	return EMERGING_BY_CODE.get(code) ?? (EMERGING_BY_CODE.get('no-pattern') as EmergingClass);
}
