/**
 * Shared by the views: the URL is the state. Reading and writing query parameters, finding the area
 * under a clicked point, and turning a `/api/areas` answer into combobox options.
 */
import type { AreaCollection, AreaProperties } from '$lib/map/api';
import type { AreaOption } from './AreaCombobox.svelte';

/** A copy of `params` with `changes` applied (null or '' removes a key). */
export function withParams(
	params: URLSearchParams,
	changes: Record<string, string | number | boolean | null | undefined>
): URLSearchParams {
	const next = new URLSearchParams(params);
	for (const [k, v] of Object.entries(changes)) {
		if (v === null || v === undefined || v === '') next.delete(k);
		else next.set(k, String(v));
	}
	return next;
}

export function areaOptions(areas: AreaCollection | null): AreaOption[] {
	return (areas?.features ?? [])
		.map((f) => ({ id: Number(f.properties.id), name: f.properties.name, code: f.properties.code }))
		.sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
}

function pointInRing(x: number, y: number, ring: number[][]): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
		const [xi, yi] = ring[i];
		const [xj, yj] = ring[j];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

/** The area holding a point (even-odd over every ring, so holes count). */
export function areaAt(
	areas: AreaCollection | null,
	lng: number,
	lat: number
): AreaProperties | null {
	for (const f of areas?.features ?? []) {
		const g = f.geometry;
		const polys =
			g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
		for (const poly of polys) {
			let inside = false;
			for (const ring of poly) if (pointInRing(lng, lat, ring as number[][])) inside = !inside;
			if (inside) return f.properties;
		}
	}
	return null;
}

/** Bounds [w, s, e, n] of an area feature's rings. */
export function areaBounds(
	areas: AreaCollection | null,
	id: number
): [number, number, number, number] | null {
	const f = areas?.features.find((x) => Number(x.properties.id) === id);
	if (!f) return null;
	const b = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
	const walk = (c: unknown): void => {
		if (Array.isArray(c) && typeof c[0] === 'number') {
			const [x, y] = c as number[];
			b[0] = Math.min(b[0], x);
			b[1] = Math.min(b[1], y);
			b[2] = Math.max(b[2], x);
			b[3] = Math.max(b[3], y);
		} else if (Array.isArray(c)) c.forEach(walk);
	};
	const g = f.geometry;
	if (g.type === 'Polygon' || g.type === 'MultiPolygon') walk(g.coordinates);
	return Number.isFinite(b[0]) ? b : null;
}

export const fmt = (n: number, digits = 0) =>
	n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
