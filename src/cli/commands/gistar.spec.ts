import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gridDisk } from 'h3-js';
import { main } from '../main';
import { captureIo } from '../test-io';
import { getisOrdH3 } from '../../lib/server/analysis/getis-ord';
import { readFixture } from '../../lib/server/analysis/test-data';

const dir = mkdtempSync(join(tmpdir(), 'beatwise-gistar-'));
const cells = gridDisk('882664190bfffff', 3);
const counts = cells.map((_, i) => (i * 5) % 7);

function writeCsv(name: string, text: string): string {
	const p = join(dir, name);
	writeFileSync(p, text);
	return p;
}

function parseOutput(text: string) {
	const [header, ...rows] = text.trim().split('\n');
	return { header, rows: rows.map((r) => r.split(',')) };
}

describe('beatwise gistar', () => {
	it('writes cell,count,gistar_z,p,p_fdr,bin equal to getisOrdH3', async () => {
		const file = writeCsv(
			'a.csv',
			'cell,count\n' + cells.map((c, i) => `${c},${counts[i]}`).join('\n')
		);
		const c = captureIo();
		expect(await main(['gistar', '--input', file], c.io)).toBe(0);
		const { header, rows } = parseOutput(c.out());
		expect(header).toBe('cell,count,gistar_z,p,p_fdr,bin');
		const ref = getisOrdH3(cells, counts, { k: 1 });
		expect(rows).toHaveLength(cells.length);
		rows.forEach((r, i) => {
			expect(r[0]).toBe(cells[i]);
			expect(Number(r[1])).toBe(counts[i]);
			expect(Number(r[2])).toBe(ref.z[i]);
			expect(Number(r[3])).toBe(ref.p[i]);
			expect(Number(r[4])).toBe(ref.pAdjusted[i]);
			expect(Number(r[5])).toBe(ref.bin[i]);
		});
	});

	it('accepts a headerless file, --k 2 and --no-fdr (p_fdr left empty)', async () => {
		const file = writeCsv('b.csv', cells.map((c, i) => `${c},${counts[i]}`).join('\n') + '\n');
		const c = captureIo();
		expect(await main(['gistar', '--input', file, '--k', '2', '--no-fdr'], c.io)).toBe(0);
		const { rows } = parseOutput(c.out());
		const ref = getisOrdH3(cells, counts, { k: 2, fdr: false });
		expect(rows).toHaveLength(cells.length);
		expect(rows.every((r) => r[4] === '')).toBe(true);
		expect(Number(rows[0][2])).toBe(ref.z[0]);
	});

	it('names the line of a bad row, and rejects bad options (exit 2)', async () => {
		const bad = writeCsv('bad.csv', `cell,count\n${cells[0]},1\n${cells[1]},many\n`);
		let c = captureIo();
		expect(await main(['gistar', '--input', bad], c.io)).toBe(2);
		expect(c.err()).toMatch(/line 3: count "many" is not a number/);
		const dup = writeCsv('dup.csv', `${cells[0]},1\n${cells[1]},1\n${cells[0]},2\n`);
		c = captureIo();
		expect(await main(['gistar', '--input', dup], c.io)).toBe(2);
		expect(c.err()).toMatch(/line 3: cell .* already given on line 1/);
		c = captureIo();
		expect(await main(['gistar', '--input', bad, '--k', '0'], c.io)).toBe(2);
		expect(c.err()).toMatch(/--k must be/);
		c = captureIo();
		expect(await main(['gistar'], c.io)).toBe(2);
		expect(c.err()).toMatch(/--input FILE is required/);
	});

	it('reproduces the R spdep Chicago fixture through the CLI', async () => {
		const fixture = readFixture('gistar-chicago-r8-2019/gistar.csv').trim().split('\n').slice(1);
		const file = writeCsv(
			'chicago.csv',
			'cell,count\n' + fixture.map((l) => l.split(',').slice(0, 2).join(',')).join('\n')
		);
		const c = captureIo();
		expect(await main(['gistar', '--input', file], c.io)).toBe(0);
		const { rows } = parseOutput(c.out());
		const byCell = new Map(rows.map((r) => [r[0], r]));
		let significant = 0;
		for (const line of fixture) {
			const [cell, , z, , pBh] = line.split(',');
			const r = byCell.get(cell)!;
			expect(Math.abs(Number(r[2]) - Number(z))).toBeLessThan(1e-9);
			expect(Number(r[4]) < 0.05).toBe(Number(pBh) < 0.05);
			if (Number(r[4]) < 0.05) significant++;
		}
		expect(significant).toBe(107);
	});

	it('runs as a real process: node bin/beatwise.js gistar', async () => {
		const file = writeCsv('c.csv', cells.map((c, i) => `${c},${counts[i]}`).join('\n'));
		const bin = resolve(process.cwd(), 'bin/beatwise.js');
		const { stdout } = await promisify(execFile)('node', [bin, 'gistar', '--input', file]);
		const { header, rows } = parseOutput(stdout);
		expect(header).toBe('cell,count,gistar_z,p,p_fdr,bin');
		expect(rows).toHaveLength(cells.length);
		await expect(
			promisify(execFile)('node', [bin, 'gistar', '--input', join(dir, 'missing.csv')])
		).rejects.toMatchObject({ code: 2 });
	});
});
