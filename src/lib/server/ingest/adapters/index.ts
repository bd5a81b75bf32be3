/**
 * Adapter factory for `beatwise import --format …`.
 */
import type { Adapter } from '../types';
import { createChicagoAdapter } from './chicago';
import { createPoliceUkAdapter } from './police-uk';

export type ImportFormat = 'police-uk' | 'chicago' | 'csv' | 'geojson';

export interface AdapterOptions {
	/** Column/property mapping (required for `csv`, optional for `geojson`); validated here. */
	mapping?: unknown;
	/** The file being imported, for error messages. */
	file?: string;
}

export function createAdapter(format: ImportFormat, options: AdapterOptions = {}): Adapter {
	switch (format) {
		case 'police-uk':
			return createPoliceUkAdapter();
		case 'chicago':
			return createChicagoAdapter();
		default:
			throw new Error(`format ${format} (${options.file ?? ''}) is not implemented yet`);
	}
}
