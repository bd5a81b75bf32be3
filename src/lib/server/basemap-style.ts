/**
 * The basemap a deployment configured with `BEATWISE_BASEMAP_STYLE`, read once at start-up:
 *
 * - unset: the shipped offline style (`/basemap/style.json`, central London);
 * - an `http(s)://` URL: the browser loads that style itself (its origin joins the page's CSP);
 * - a path to a style file (MapLibre style JSON, version 8): read here, validated, and handed to the
 *   browser inside `/api/meta`; every remote origin it names (source `url`s and `tiles`, `glyphs`,
 *   `sprite`) joins the page's CSP, so a full online style saved as a file works without listing its
 *   hosts again in `BEATWISE_CSP_ORIGINS`.
 *
 * A file that cannot be read or is not a style stops the server with a message naming the variable,
 * the file and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { env } from './env';

/** A MapLibre style as far as Beatwise checks it; MapLibre validates the rest in the browser. */
export type BasemapStyleObject = Record<string, unknown> & {
	version: 8;
	sources: Record<string, unknown>;
	layers: unknown[];
};

export interface BasemapSetting {
	/** What the browser loads: null for the shipped style, a URL, or the style file's contents. */
	style: string | BasemapStyleObject | null;
	/** Remote origins (scheme://host[:port]) the style loads from: added to the page's CSP. */
	origins: string[];
	/** The style file read, when the setting named one. */
	file: string | null;
}

export class BasemapStyleError extends Error {
	readonly code = 'E_BASEMAP_STYLE';
}

const styleSchema = z.looseObject({
	version: z.literal(8, { message: 'must be 8 (a MapLibre/Mapbox GL style, version 8)' }),
	sources: z.record(z.string(), z.looseObject({ type: z.string({ message: 'is required' }) }), {
		message: 'must be an object of sources'
	}),
	layers: z.array(z.looseObject({ id: z.string({ message: 'is required' }) }), {
		message: 'must be a list of layers'
	}),
	glyphs: z.string().optional(),
	sprite: z.union([z.string(), z.array(z.looseObject({ url: z.string() }))]).optional()
});

function originOf(url: unknown): string | null {
	if (typeof url !== 'string') return null;
	try {
		// Templates such as {fontstack} or {z} sit in the path: the origin parses without them.
		// A PMTiles archive on a server (`pmtiles://https://…`) loads from that server.
		const u = new URL(url.replace(/^pmtiles:\/\/(?=https?:)/i, '').replace(/[{}]/g, ''));
		return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
	} catch {
		return null;
	}
}

/** Every remote origin a style loads from: its sources' TileJSON URLs and tiles, glyphs, sprites. */
export function styleOrigins(style: z.output<typeof styleSchema>): string[] {
	const urls: unknown[] = [style.glyphs];
	if (Array.isArray(style.sprite)) urls.push(...style.sprite.map((s) => s.url));
	else urls.push(style.sprite);
	for (const source of Object.values(style.sources)) {
		urls.push(source.url, source.data);
		if (Array.isArray(source.tiles)) urls.push(...source.tiles);
		if (Array.isArray(source.urls)) urls.push(...source.urls);
	}
	return [...new Set(urls.map(originOf).filter((o): o is string => o !== null))].sort();
}

/**
 * Read `BEATWISE_BASEMAP_STYLE` (a URL or a style file path; `cwd` resolves a relative path).
 *
 * @example
 * readBasemapSetting('https://tiles.example.org/styles/liberty');
 * // { style: 'https://tiles.example.org/styles/liberty', origins: ['https://tiles.example.org'], file: null }
 */
export function readBasemapSetting(
	setting: string | undefined,
	cwd = process.cwd()
): BasemapSetting {
	const value = setting?.trim();
	if (!value) return { style: null, origins: [], file: null };
	if (/^https?:\/\//i.test(value)) {
		const origin = originOf(value);
		if (!origin) throw new BasemapStyleError(`BEATWISE_BASEMAP_STYLE: ${value} is not a valid URL`);
		return { style: value, origins: [origin], file: null };
	}
	const file = resolve(cwd, value);
	const where = `BEATWISE_BASEMAP_STYLE: ${file}`;
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e);
		throw new BasemapStyleError(
			`${where}: ${reason} (give an http(s) URL of a MapLibre style, or the path of a style JSON file)`
		);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (e) {
		throw new BasemapStyleError(`${where}: not JSON (${(e as Error).message})`);
	}
	const parsed = styleSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const path = issue.path.length ? issue.path.join('.') : 'the file';
		throw new BasemapStyleError(`${where}: not a MapLibre style: ${path} ${issue.message}`);
	}
	return {
		style: parsed.data as BasemapStyleObject,
		origins: styleOrigins(parsed.data),
		file
	};
}

let cached: BasemapSetting | undefined;

/** The deployment's basemap, read on first use (the server's start-up reads it). */
export function basemapSetting(): BasemapSetting {
	cached ??= readBasemapSetting(env().basemapStyle);
	return cached;
}
