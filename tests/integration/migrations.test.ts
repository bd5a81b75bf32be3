/**
 * The committed migrations are exactly what the schema generates (no drift), and geometry columns
 * keep their SRID in the SQL (drizzle-kit's own geometry type drops it).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { join, relative, resolve } from 'node:path';

describe('drizzle migrations', () => {
	it('are up to date with the schema', () => {
		// drizzle-kit wants a relative `out`, so the copy lives under the repo's ignored .beatwise/.
		mkdirSync('.beatwise', { recursive: true });
		const dir = relative(process.cwd(), mkdtempSync(join(resolve('.beatwise'), 'drift-')));
		cpSync('drizzle', join(dir, 'drizzle'), { recursive: true });
		const config = join(dir, 'drizzle.config.ts');
		writeFileSync(
			config,
			`export default { schema: './src/lib/server/db/schema/index.ts', out: ${JSON.stringify(`./${dir}/drizzle`)}, dialect: 'postgresql' };\n`
		);
		const before = readdirSync(join(dir, 'drizzle')).filter((f) => f.endsWith('.sql'));
		const r = spawnSync('npx', ['drizzle-kit', 'generate', '--config', config], {
			encoding: 'utf8'
		});
		const after = readdirSync(join(dir, 'drizzle')).filter((f) => f.endsWith('.sql'));
		rmSync(dir, { recursive: true, force: true });
		expect(r.status, r.stderr).toBe(0);
		expect(after, `schema changed without a migration:\n${r.stdout}`).toEqual(before);
		expect(r.stdout + r.stderr).toMatch(/No schema changes/);
	});

	it('declare every geometry column with SRID 4326', () => {
		const sql = readdirSync('drizzle')
			.filter((f) => f.endsWith('.sql'))
			.map((f) => readFileSync(join('drizzle', f), 'utf8'))
			.join('\n');
		const geoms = sql.match(/geometry\([^)]*\)|\bgeometry\b(?!\()/g) ?? [];
		expect(geoms.length).toBeGreaterThan(0);
		for (const g of geoms) expect(g).toMatch(/^geometry\((Point|MultiPolygon), 4326\)$/);
	});
});
