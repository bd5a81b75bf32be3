/**
 * Small seeded pseudo-random generator so every Monte-Carlo result is reproducible from its seed.
 *
 * The generator is mulberry32 (Tommy Ettinger, public domain, 2017): 32-bit state, period
 * 2^32, passes gjrand/PractRand to several GB — plenty for permutation tests with ≤ 10^5 draws per run.
 * The user seed is first mixed with SplitMix32 so nearby seeds (1, 2, 3) give unrelated streams.
 */

/** A generator of uniform doubles in [0, 1). */
export type Random = () => number;

/**
 * Create a seeded uniform generator.
 *
 * @example
 * const rand = mulberry32(42);
 * rand(); // same value on every machine and run
 */
export function mulberry32(seed: number): Random {
	// SplitMix32 scramble of the seed.
	let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
	s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
	s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
	let state = (s ^ (s >>> 16)) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Uniform integer in [0, n). */
export function randomInt(rand: Random, n: number): number {
	return Math.floor(rand() * n);
}

/**
 * Fisher–Yates shuffle in place (Durstenfeld's version), driven by the seeded generator.
 *
 * @example
 * shuffleInPlace(Int32Array.from([0, 1, 2, 3]), mulberry32(1));
 */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
	a: T,
	rand: Random
): T {
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		const tmp = a[i];
		a[i] = a[j];
		a[j] = tmp;
	}
	return a;
}
