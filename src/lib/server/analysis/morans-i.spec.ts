import { describe, expect, it } from 'vitest';
import { moransI } from './morans-i';
import { weightsFromNeighbourLists } from './weights';
import { readFixture } from './test-data';

/** GAL: first line n; then pairs of lines "id count" / "neighbour ids". */
function parseGal(text: string): Map<string, string[]> {
	const lines = text.trim().split(/\r?\n/);
	const out = new Map<string, string[]>();
	for (let l = 1; l < lines.length; l += 2) {
		const [id] = lines[l].trim().split(/\s+/);
		out.set(id, lines[l + 1].trim() ? lines[l + 1].trim().split(/\s+/) : []);
	}
	return out;
}

describe('Moran’s I on St. Louis homicide rates (esda test_moran)', () => {
	const dir = 'moran-stl-homicide';
	it('HR8893 with queen GAL, row-standardised: I, E[I], one-sided p_norm', () => {
		const gal = parseGal(readFixture(dir, 'stl.gal'));
		const rows = readFixture(dir, 'stl_hom.txt').trim().split(/\r?\n/).slice(2);
		const hr8893 = rows.map((r) => Number(r.split(',')[2]));
		expect(hr8893).toHaveLength(78);
		const ids = hr8893.map((_, i) => String(i + 1));
		const w = weightsFromNeighbourLists(ids, gal);
		const r = moransI(hr8893, w);
		expect(r.I).toBeCloseTo(0.24365582621771659, 14);
		expect(r.expected).toBeCloseTo(-0.012987012987012988, 15);
		expect(Math.abs(r.pOneSided / 0.00013573931385468807 - 1)).toBeLessThan(1e-9);
		expect(r.p).toBeCloseTo(2 * r.pOneSided, 15);
		expect(r.parameters).toEqual({ transform: 'row', assumption: 'normality', n: 78 });
		const binary = moransI(hr8893, w, { transform: 'binary', assumption: 'randomisation' });
		expect(binary.parameters.transform).toBe('binary');
		expect(binary.I).toBeGreaterThan(0);
		expect(binary.variance).toBe(binary.varianceRandomisation);
	});
});

describe('moransI on a hand-computed line graph', () => {
	it('binary weights on a 4-node path', () => {
		// x = 1,2,3,4 on a path 1-2-3-4: z = -1.5,-0.5,0.5,1.5; Σ zi zj over ordered links = 2·(0.75-0.25+0.75)=2.5
		// S0 = 6, Σz² = 5, I = (4/6)(2.5/5) = 1/3
		const w = weightsFromNeighbourLists(
			[1, 2, 3, 4],
			new Map([
				[1, [2]],
				[2, [1, 3]],
				[3, [2, 4]],
				[4, [3]]
			])
		);
		const r = moransI([1, 2, 3, 4], w, { transform: 'binary' });
		expect(r.I).toBeCloseTo(1 / 3, 15);
		expect(r.s0).toBe(6);
		expect(r.s1).toBe(12);
		expect(r.s2).toBe(4 + 16 + 16 + 4);
	});
});
