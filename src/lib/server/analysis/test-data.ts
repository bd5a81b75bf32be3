/**
 * Locations of the shared reference data (../shared next to the repository) for specs. Specs skip with
 * a clear message when the folder is absent, instead of failing on a missing file.
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
