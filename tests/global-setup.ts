/**
 * Once per test run: a migrated PGlite + PostGIS data folder that test files copy instead of
 * starting PGlite cold. Rebuilt when the migrations change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/lib/server/db/client';
import { TEMPLATE_DIR } from './helpers/db';

function migrationsHash(): string {
	const h = createHash('sha256');
	for (const f of readdirSync('drizzle').sort()) {
		if (f.endsWith('.sql')) h.update(f).update(readFileSync(join('drizzle', f)));
	}
	return h.digest('hex');
}

export default async function setup(): Promise<void> {
	const stamp = join(TEMPLATE_DIR, 'migrations.sha256');
	const hash = migrationsHash();
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
	rmSync(TEMPLATE_DIR, { recursive: true, force: true });
	mkdirSync(TEMPLATE_DIR, { recursive: true });
	const db = await openDatabase({ dataDir: TEMPLATE_DIR });
	await db.close();
	rmSync(join(TEMPLATE_DIR, 'beatwise.lock'), { force: true });
	writeFileSync(stamp, hash);
}
