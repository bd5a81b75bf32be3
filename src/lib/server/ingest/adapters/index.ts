/**
 * Adapter factory for `beatwise import --format …`.
 */
import { parseMapping } from '../mapping';
import { ImportError, type Adapter } from '../types';
import { createChicagoAdapter } from './chicago';
import { createGeoJsonAdapter } from './geojson';
import { createMappedCsvAdapter } from './mapped-csv';
import { createPoliceUkAdapter } from './police-uk';
import { createStats19Adapter } from './stats19';

export type ImportFormat = 'police-uk' | 'chicago' | 'stats19' | 'csv' | 'geojson';

export interface AdapterOptions {
	/** Parsed JSON column/property mapping: required for `csv`, optional for `geojson`. */
	mapping?: unknown;
	/** The file being imported, for error messages. */
	file?: string;
	/** The mapping's file: errors about the mapping name it (default `file`). */
	mappingFile?: string;
}

/**
 * A fresh adapter (adapters hold per-file state for synthetic ids: use one per file).
 * Throws ImportError(E_MAPPING) for a missing or invalid mapping, naming the bad key.
 */
export function createAdapter(format: ImportFormat, options: AdapterOptions = {}): Adapter {
	switch (format) {
		case 'police-uk':
			return createPoliceUkAdapter();
		case 'chicago':
			return createChicagoAdapter();
		case 'stats19':
			return createStats19Adapter();
		case 'csv':
			if (options.mapping === undefined)
				throw new ImportError(
					'E_MAPPING',
					'format csv needs a column mapping (see docs/import-mapping.md)',
					options.file
				);
			return createMappedCsvAdapter(
				parseMapping(options.mapping, options.mappingFile ?? options.file),
				{ mappingFile: options.mappingFile }
			);
		case 'geojson':
			return createGeoJsonAdapter(
				options.mapping === undefined
					? undefined
					: parseMapping(options.mapping, options.mappingFile ?? options.file)
			);
		default:
			throw new ImportError('E_FORMAT', `unknown format "${String(format)}"`, options.file);
	}
}

export {
	createChicagoAdapter,
	createGeoJsonAdapter,
	createMappedCsvAdapter,
	createPoliceUkAdapter,
	createStats19Adapter
};
