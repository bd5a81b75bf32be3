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
