/**
 * Once per test run: a migrated PGlite + PostGIS data folder that test files copy instead of
 * starting PGlite cold (rebuilt when the migrations change); with a PostgreSQL URL, a migrated
 * PostGIS database that test databases are cloned from (CREATE DATABASE … TEMPLATE), dropped after
 * the run. Names the run, for the demo templates tests make on first use (helpers/db.ts, demoFolder),
 * removed after the run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/lib/server/db/client';
import {
	demoFolderPath,
	demoTemplateName,
	onServer,
	PG_TEMPLATE_VARIABLE,
	RUN_VARIABLE,
	serverUrl,
	TEMPLATE_DIR
} from './helpers/db';

function migrationsHash(): string {
	const h = createHash('sha256');
	for (const f of readdirSync('drizzle').sort()) {
		if (f.endsWith('.sql')) h.update(f).update(readFileSync(join('drizzle', f)));
	}
	return h.digest('hex');
}

export default async function setup(): Promise<(() => Promise<void>) | void> {
	await embeddedTemplate();
	// The first project's set-up names the run; the demo templates made in it are removed at its end.
	if (process.env[RUN_VARIABLE]) return serverTemplate();
	const run = `${process.pid}-${Date.now().toString(36)}`;
	process.env[RUN_VARIABLE] = run;
	const dropServer = await serverTemplate();
	return async () => {
		for (const suffix of ['', '.tmp', '.lock'])
			rmSync(demoFolderPath(run) + suffix, { recursive: true, force: true });
		await dropServer?.();
	};
}

/**
 * The PostgreSQL template of this run, when a URL names a server and no earlier set-up of this run
 * (another project's) made one. Its name is in the environment the test workers inherit.
 */
async function serverTemplate(): Promise<(() => Promise<void>) | void> {
	const base = serverUrl();
	if (!base || process.env[PG_TEMPLATE_VARIABLE]) return;
	const name = `beatwise_tpl_${process.pid}_${Date.now().toString(36)}`;
	process.env[PG_TEMPLATE_VARIABLE] = name;
	const drop = async () => {
		for (const db of [`${demoTemplateName(name)}_tmp`, demoTemplateName(name), name])
			await onServer(base, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
	};
	try {
		await onServer(base, `CREATE DATABASE ${name}`);
		const u = new URL(base);
		u.pathname = `/${name}`;
		await onServer(u.toString(), 'CREATE EXTENSION IF NOT EXISTS postgis');
		const db = await openDatabase({ databaseUrl: u.toString() });
		await db.close();
	} catch (e) {
		delete process.env[PG_TEMPLATE_VARIABLE];
		await drop().catch(() => {});
		throw e;
	}
	return drop;
}

async function embeddedTemplate(): Promise<void> {
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
