/**
 * The demo: City of London street crime and the areas around it, loaded into an empty embedded
 * database on first start so a newcomer sees a working map straight away.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Database } from '../db/client';
import { importPaths, type ImportSummary } from '../ingest/import';
import { importAreaFile } from '../ingest/import-areas';
import { createDemoUsers, formatDemoCredentials, type DemoCredential } from '../auth/demo-users';
import { CLI_ORIGIN } from '../auth/audit';

/** Who loads the demo, for the audit trail (as the demo accounts are recorded). */
const DEMO_IMPORTER = { importedBy: 'demo', origin: { ...CLI_ORIGIN, userAgent: 'beatwise-demo' } };

export function demoDataDir(): string {
	const candidates = [
		process.env.BEATWISE_DEMO_DATA,
		join(dirname(fileURLToPath(import.meta.url)), 'data'),
		join(process.cwd(), 'src/lib/server/demo/data')
	].filter((p): p is string => Boolean(p));
	const found = candidates.find((p) => existsSync(join(p, 'ATTRIBUTION.md')));
	if (!found) throw new Error(`demo data not found (looked in ${candidates.join(', ')})`);
	return found;
}

export interface DemoLoadResult {
	crime: ImportSummary;
	areas: { kind: string; count: number }[];
	/** One account per role with a random password (printed once, and saved beside the data). */
	users: DemoCredential[];
}

export async function loadDemo(
	db: Database,
	log: (line: string) => void = () => {},
	options: { dataDir?: string } = {}
): Promise<DemoLoadResult> {
	const dir = demoDataDir();
	log('Loading the demo data (City of London Police street crime, 30 months)…');
	const crime = await importPaths(db, {
		inputs: [join(dir, 'crime')],
		format: 'police-uk',
		...DEMO_IMPORTER
	});
	const lsoa = await importAreaFile(db, join(dir, 'lsoa-2011.geojson'), {
		kind: 'lsoa',
		codeField: 'LSOA11CD',
		nameField: 'LSOA11NM',
		...DEMO_IMPORTER
	});
	const boroughs = await importAreaFile(db, join(dir, 'boroughs-2022.geojson'), {
		kind: 'borough',
		codeField: 'LAD22CD',
		nameField: 'LAD22NM',
		...DEMO_IMPORTER
	});
	log(
		`Demo loaded: ${crime.imported} incidents (${crime.rejected} rejected, ${crime.duplicate} duplicate), ${lsoa.areas} LSOAs, ${boroughs.areas} boroughs.`
	);
	const users = await createDemoUsers(db);
	log('Demo accounts (one per role; passwords are random and shown only now):');
	for (const line of formatDemoCredentials(users)) log(`  ${line}`);
	if (options.dataDir) {
		// With DATABASE_URL nothing else creates the data folder: on a fresh checkout it does not exist.
		mkdirSync(options.dataDir, { recursive: true });
		const file = join(options.dataDir, 'demo-credentials.txt');
		writeFileSync(file, formatDemoCredentials(users).join('\n') + '\n', { mode: 0o600 });
		log(`Demo credentials also saved to ${file} (readable by this user only).`);
	}
	return {
		crime,
		users,
		areas: [
			{ kind: 'lsoa', count: lsoa.areas },
			{ kind: 'borough', count: boroughs.areas }
		]
	};
}
