// Minimal typings for the two untyped packages the boundary reader uses.
declare module 'shapefile' {
	import type { Feature } from 'geojson';
	export interface Source {
		read(): Promise<{ done: boolean; value: Feature }>;
		cancel(): Promise<void>;
	}
	export function open(shp: string, dbf?: string, options?: { encoding?: string }): Promise<Source>;
}

declare module 'yauzl' {
	import type { Readable } from 'node:stream';
	import type { EventEmitter } from 'node:events';
	export interface Entry {
		fileName: string;
	}
	export interface ZipFile extends EventEmitter {
		readEntry(): void;
		close(): void;
		openReadStream(entry: Entry, cb: (err: Error | null, stream: Readable) => void): void;
	}
	export function open(
		path: string,
		options: { lazyEntries: boolean },
		cb: (err: Error | null, zipfile: ZipFile) => void
	): void;
}
