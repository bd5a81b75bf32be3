/**
 * Reference data for specs. Small oracles live in the repository (`tests/fixtures/reference/`, each
 * folder with its SOURCE and licence): `readFixture`, never skipped. Large data stays in the shared
 * folder (../shared next to the repository): specs that need it skip with a clear message when it is
 * absent, instead of failing on a missing file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** /work/shared when the repository sits at /work/main. */
export const sharedDir = resolve(here, '../../../../../shared');
export const sharedAvailable = existsSync(sharedDir);
export const sharedMissingMessage = `reference data folder ${sharedDir} is absent; reference tests skipped`;

export function sharedPath(...parts: string[]): string {
	return resolve(sharedDir, ...parts);
}

export function readShared(...parts: string[]): string {
	const p = sharedPath(...parts);
	const buf = readFileSync(p);
	return (p.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
}

/** The repository's small reference fixtures. */
export const fixturesDir = resolve(here, '../../../../tests/fixtures/reference');

export function fixturePath(...parts: string[]): string {
	return resolve(fixturesDir, ...parts);
}

export function readFixture(...parts: string[]): string {
	return readFileSync(fixturePath(...parts), 'utf8');
}
