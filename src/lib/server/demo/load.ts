/**
 * The demo: City of London street crime and the areas around it, and a timed source (Chicago
 * aggravated assaults of two police districts, with their districts and beats), loaded into an empty
 * embedded database on first start so a newcomer sees a working map straight away; then the demo
 * accounts and a tasking board in Chicago district 11 (seed-tasking.ts).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Database } from '../db/client';
import { importPaths, type ImportSummary } from '../ingest/import';
import { importAreaFile } from '../ingest/import-areas';
import { createDemoUsers, formatDemoCredentials, type DemoCredential } from '../auth/demo-users';
import { CLI_ORIGIN } from '../auth/audit';
import { seedDemoTasking, type DemoTaskingSeed } from './seed-tasking';

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
	/** City of London street crime (police.uk: months, no times of day). */
	crime: ImportSummary;
	/** Chicago aggravated assaults with times of day (districts 11 and 15, 2018–2019). */
	timed: ImportSummary;
	areas: { kind: string; count: number }[];
	/** One account per role with a random password (printed once, and saved beside the data). */
	users: DemoCredential[];
	/** The tasking board seeded for the demo supervisor (null when the data gave no ranking). */
	tasking: DemoTaskingSeed | null;
}

export async function loadDemo(
	db: Database,
	log: (line: string) => void = () => {},
	options: { dataDir?: string } = {}
): Promise<DemoLoadResult> {
	const dir = demoDataDir();
	log(
		'Loading the demo data (City of London Police street crime, 30 months; Chicago assaults with times of day, 2018–2019)…'
	);
	const crime = await importPaths(db, {
		inputs: [join(dir, 'crime')],
		format: 'police-uk',
		...DEMO_IMPORTER
	});
	// Chicago's areas first: account area lists are kept sorted by id, and the supervisor's and
	// officer's views open on their first area, Chicago district 11 (demo-users.ts).
	const chicago = join(dir, 'chicago');
	const mappingFile = join(chicago, 'mapping.json');
	const timed = await importPaths(db, {
		inputs: [join(chicago, 'aggravated-assaults-districts-11-15-2018-2019.csv.gz')],
		format: 'csv',
		mapping: JSON.parse(readFileSync(mappingFile, 'utf8')),
		mappingFile,
		...DEMO_IMPORTER
	});
	const districts = await importAreaFile(db, join(chicago, 'police-districts.geojson'), {
		kind: 'district',
		codeField: 'DIST_NUM',
		nameField: 'NAME',
		...DEMO_IMPORTER
	});
	const beats = await importAreaFile(db, join(chicago, 'police-beats.geojson'), {
		kind: 'beat',
		codeField: 'BEAT_NUM',
		nameField: 'NAME',
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
		`Demo loaded: ${crime.imported} incidents (${crime.rejected} rejected, ${crime.duplicate} duplicate), ${lsoa.areas} LSOAs, ${boroughs.areas} boroughs; ` +
			`${timed.imported} timed Chicago assaults (${timed.rejected} rejected, ${timed.duplicate} duplicate), ${districts.areas} districts, ${beats.areas} beats.`
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
	const tasking = await seedDemoTasking(db, users, log);
	return {
		crime,
		timed,
		users,
		tasking,
		areas: [
			{ kind: 'lsoa', count: lsoa.areas },
			{ kind: 'borough', count: boroughs.areas },
			{ kind: 'district', count: districts.areas },
			{ kind: 'beat', count: beats.areas }
		]
	};
}
