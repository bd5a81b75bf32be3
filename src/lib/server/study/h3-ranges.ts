/** H3 index arithmetic shared by services that read incidents by cell. */

/** Incidents store their H3 cell at this resolution (`incidents.h3`). */
export const INCIDENT_RES = 11;

/**
 * The range of res-11 H3 indexes below `cell`: the resolution field set to 11 and the digits between
 * the cell's resolution and 11 running from 0 to 7 (H3 index bit layout, h3geo.org "H3 Index").
 * @example childRange11(0x8a2a1072b59ffffn) // [lo, hi] with lo <= every res-11 child <= hi
 */
export function childRange11(cell: bigint, res: number): [bigint, bigint] {
	const resMask = 0xfn << 52n;
	const withRes = (cell & ~resMask) | (BigInt(INCIDENT_RES) << 52n);
	// Digits res+1..11 sit in bits 3*(15-11) .. 3*(15-res)-1.
	const lowBit = 3n * BigInt(15 - INCIDENT_RES);
	const highBit = 3n * BigInt(15 - res);
	const span = ((1n << (highBit - lowBit)) - 1n) << lowBit;
	return [withRes & ~span, withRes | span];
}
