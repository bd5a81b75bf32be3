/**
 * Render benchmark (issue 4): time to the first drawn frame and frame times while panning for 20,000
 * and 100,000 H3 cells in headless Chromium (the e2e harness's launch arguments: SwiftShader, no GPU),
 * the app's compact binary transport against GeoJSON polygons of the same cells, in the same run;
 * bytes per cell on the wire.
 *
 *   npx tsx bench/render/run.ts [rounds=3]
 *
 * Cells are synthetic but shaped like a city's: a contiguous disk of resolution-10 cells (gridDisk
 * rings, so every cell touches its neighbours) with counts from a seeded Poisson mixture around a few
 * hot centres (most cells 1–3 incidents, a few hundred at the centres). A tiny local HTTP server sends
 * them in both forms; the page (page.ts, bundled with esbuild) is deck.gl alone, without a basemap.
 * Each round opens a fresh browser page per variant and size, variants interleaved; medians are
 * reported because the machine is shared with other engineers' test runs.
 */
import { createServer, type Server } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { cellToBoundary, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { cellsBinaryHeaders, encodeCellsBinary } from '../../src/lib/map/cells-codec';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/e2e/harness';
import { chromium } from 'playwright-core';
import { writeResultsSection } from '../results';

const ROUNDS = Number(process.argv[2] ?? 3);
const SIZES = (process.env.BENCH_SIZES ?? '20000,100000').split(',').map(Number);
const RES = 10;
const PAN_FRAMES = Number(process.env.BENCH_PAN_FRAMES ?? 60);
/** Per measurement; a software-rendered frame of 100,000 GeoJSON polygons takes seconds. */
const PAN_BUDGET_MS = Number(process.env.BENCH_PAN_BUDGET_MS ?? 20_000);
const CENTER: [number, number] = [-87.65, 41.85];
const VARIANTS = ['compact', 'compact-polygons', 'geojson'] as const;
const VARIANT_LABEL: Record<(typeof VARIANTS)[number], string> = {
	compact: 'compact binary (`format=bin`) → H3HexagonLayer (instanced, as the app)',
	'compact-polygons': 'compact binary → H3HexagonLayer `highPrecision: true` (polygons)',
	geojson: 'GeoJSON polygons → GeoJsonLayer'
};
/** What the numbers say, kept with them (written by hand from the trial and final runs). */
const NOTE =
	"Reading: the transport is settled — 12 bytes per cell against ~277 for GeoJSON (23×), and at 100,000 cells the first frame comes about twice as fast. Drawing is a separate choice: in software WebGL the app's instanced hexagon (one hexagon shape, a column per cell) pans 2–3× slower than polygons, while polygons built from the same compact cells (`highPrecision: true`) pan like GeoJSON at the cost of a slower first frame (tessellation in the browser). The app keeps the instanced path (fastest first frame, least memory; GPU frame times are far below these); switching `incidentCellsLayer` to polygons above some cell count is a one-line change if panning on software-rendered machines matters more.";
const VIEWPORT = { width: 1280, height: 800 };

/** mulberry32: small seeded PRNG, the same cells and counts every run. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function poisson(lambda: number, rnd: () => number): number {
	if (lambda > 30) {
		// Normal approximation keeps large means cheap.
		const u = 1 - rnd();
		const v = rnd();
		const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
	}
	const l = Math.exp(-lambda);
	let k = 0;
	let p = 1;
	do {
		k++;
		p *= rnd();
	} while (p > l);
	return k - 1;
}

interface Synthetic {
	cells: string[];
	counts: number[];
}

function syntheticCells(n: number, seed = 42): Synthetic {
	const rnd = prng(seed);
	const origin = latLngToCell(CENTER[1], CENTER[0], RES);
	let k = Math.ceil((-3 + Math.sqrt(9 - 12 * (1 - n))) / 6);
	let disk = gridDisk(origin, k);
	while (disk.length < n) disk = gridDisk(origin, ++k);
	const cells = disk.slice(0, n);
	// Hot centres spread over the disk; intensity falls off with distance (a city's hot spots).
	const centres = Array.from({ length: 12 }, () => {
		const c = cellToLatLng(cells[Math.floor(rnd() * cells.length)]);
		return { lat: c[0], lon: c[1], peak: 20 + rnd() * 180, spread: 0.002 + rnd() * 0.01 };
	});
	const counts = cells.map((cell) => {
		const [lat, lon] = cellToLatLng(cell);
		let lambda = 0.8;
		for (const c of centres) {
			const d2 = (lat - c.lat) ** 2 + (lon - c.lon) ** 2;
			lambda += c.peak * Math.exp(-d2 / (2 * c.spread ** 2));
		}
		// Every listed cell has at least one incident, as in the API's answers.
		return 1 + poisson(lambda, rnd);
	});
	return { cells, counts };
}

function geojsonOf(s: Synthetic): string {
	const features = s.cells.map((cell, i) => {
		const ring = cellToBoundary(cell, true).map(([x, y]) => [+x.toFixed(6), +y.toFixed(6)]);
		return {
			type: 'Feature',
			properties: { cell, count: s.counts[i] },
			geometry: { type: 'Polygon', coordinates: [ring] }
		};
	});
	return JSON.stringify({ type: 'FeatureCollection', features });
}

const median = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function main() {
	console.log('[render] bundling the bench page…');
	const bundle = await build({
		entryPoints: [resolve('bench/render/page.ts')],
		bundle: true,
		write: false,
		format: 'esm',
		platform: 'browser',
		minify: true,
		target: 'es2022',
		alias: { $lib: resolve('src/lib') },
		logLevel: 'error'
	});
	const script = bundle.outputFiles[0].text;

	console.log('[render] generating cells…');
	const data = new Map<
		number,
		{ bin: Uint8Array; headers: Record<string, string>; geojson: string }
	>();
	for (const n of SIZES) {
		const s = syntheticCells(n);
		let total = 0;
		let max = 0;
		for (const c of s.counts) {
			total += c;
			max = Math.max(max, c);
		}
		data.set(n, {
			bin: encodeCellsBinary(s.cells, s.counts),
			headers: cellsBinaryHeaders({
				resolution: RES,
				from: '2020-01-01',
				to: '2020-12-31',
				categories: [],
				total,
				max
			}),
			geojson: geojsonOf(s)
		});
	}

	const html = `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%}#deck{position:absolute;inset:0}</style></head><body><div id="deck"></div><script type="module" src="/page.js"></script></body></html>`;
	const server: Server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const n = Number(url.searchParams.get('n'));
		if (url.pathname === '/') {
			res.writeHead(200, { 'content-type': 'text/html' }).end(html);
		} else if (url.pathname === '/page.js') {
			res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
		} else if (url.pathname === '/cells.bin' && data.has(n)) {
			const d = data.get(n)!;
			res
				.writeHead(200, { ...d.headers, 'content-length': String(d.bin.byteLength) })
				.end(Buffer.from(d.bin));
		} else if (url.pathname === '/cells.geojson' && data.has(n)) {
			const body = Buffer.from(data.get(n)!.geojson);
			res
				.writeHead(200, {
					'content-type': 'application/geo+json',
					'content-length': String(body.byteLength)
				})
				.end(body);
		} else res.writeHead(404).end();
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

	const browser = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		headless: true
	});
	type Row = {
		fetchMs: number;
		decodeMs: number;
		firstFrameMs: number;
		medianFrame: number;
		p95Frame: number;
		fps: number;
		frames: number;
		bytes: number;
	};
	const results = new Map<string, Row[]>();
	const centre = cellToLatLng(latLngToCell(CENTER[1], CENTER[0], RES));
	try {
		for (let round = 1; round <= ROUNDS; round++) {
			for (const n of SIZES) {
				for (const variant of VARIANTS) {
					const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
					const page = await context.newPage();
					await page.goto(base, { waitUntil: 'load' });
					await page.waitForFunction(() => 'run' in (window.__bench ?? {}));
					// Zoom so the whole disk of n cells (about √n cells across) fills the view.
					const zoom = n > 50_000 ? 12.6 : 13.7;
					const r = await page.evaluate((o) => window.__bench.run(o), {
						variant,
						n,
						center: [centre[1], centre[0]] as [number, number],
						zoom,
						panFrames: PAN_FRAMES,
						panBudgetMs: PAN_BUDGET_MS
					});
					await context.close();
					const ft = r.frameTimes;
					const row: Row = {
						fetchMs: r.fetchMs,
						decodeMs: r.decodeMs,
						firstFrameMs: r.firstFrameMs,
						medianFrame: median(ft),
						p95Frame: quantile(ft, 0.95),
						fps: 1000 / median(ft),
						frames: ft.length,
						bytes: r.bytes
					};
					const key = `${variant}:${n}`;
					results.set(key, [...(results.get(key) ?? []), row]);
					console.log(
						`[render] round ${round} ${variant} ${n}: first frame ${row.firstFrameMs.toFixed(0)} ms (fetch ${row.fetchMs.toFixed(0)}, decode ${row.decodeMs.toFixed(0)}), pan frame median ${row.medianFrame.toFixed(1)} ms p95 ${row.p95Frame.toFixed(1)} ms (${row.frames} frames), ${(row.bytes / n).toFixed(1)} B/cell`
					);
				}
			}
		}
	} finally {
		await browser.close();
		server.close();
	}

	const fmt = (v: number, d = 0) =>
		v.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
	const lines = [
		'| cells | transport | bytes on the wire | bytes/cell | fetch (ms) | decode/parse + layer (ms) | first drawn frame (ms) | pan frame median (ms) | pan frame p95 (ms) | pan fps (median) |',
		'| ----: | --------- | ----------------: | ---------: | ---------: | ------------------------: | ---------------------: | --------------------: | -----------------: | ---------------: |'
	];
	const summary: string[] = [];
	for (const n of SIZES) {
		const med = (variant: string, f: (r: Row) => number) =>
			median(results.get(`${variant}:${n}`)!.map(f));
		for (const variant of VARIANTS) {
			const bytes = med(variant, (r) => r.bytes);
			lines.push(
				`| ${fmt(n)} | ${VARIANT_LABEL[variant]} | ${fmt(bytes)} | ${fmt(bytes / n, 1)} | ${fmt(med(variant, (r) => r.fetchMs))} | ${fmt(med(variant, (r) => r.decodeMs))} | ${fmt(med(variant, (r) => r.firstFrameMs))} | ${fmt(
					med(variant, (r) => r.medianFrame),
					1
				)} | ${fmt(
					med(variant, (r) => r.p95Frame),
					1
				)} | ${fmt(
					med(variant, (r) => r.fps),
					1
				)} |`
			);
		}
		const ratio = (a: string, b: string, f: (r: Row) => number) => fmt(med(a, f) / med(b, f), 1);
		summary.push(
			`- ${fmt(n)} cells: GeoJSON is ${ratio('geojson', 'compact', (r) => r.bytes)}× the bytes of the compact transport; time to first frame ${ratio('geojson', 'compact', (r) => r.firstFrameMs)}× the app's instanced path and ${ratio('geojson', 'compact-polygons', (r) => r.firstFrameMs)}× compact-as-polygons; median pan frame ${ratio('geojson', 'compact', (r) => r.medianFrame)}× the instanced path and ${ratio('geojson', 'compact-polygons', (r) => r.medianFrame)}× compact-as-polygons.`
		);
	}
	const body = [
		`Run ${new Date().toISOString()} on this machine (${cpus().length} cores, shared with other engineers' test runs: load average ${loadavg()[0].toFixed(1)} at the end), headless Chromium with the e2e harness's arguments (SwiftShader software WebGL, no GPU), viewport ${VIEWPORT.width}×${VIEWPORT.height}, ${ROUNDS} rounds, fresh page per measurement, **medians**. Script: \`npx tsx bench/render/run.ts [rounds]\`.`,
		'',
		`Cells: a contiguous disk of H3 resolution-${RES} cells (gridDisk rings) with seeded Poisson counts around 12 hot centres, all cells ≥ 1; the view shows the whole disk. Compact is the app's own path (binary codec → \`cellRows\` → \`incidentCellsLayer\`); compact-polygons is the same answer with the layer's \`highPrecision: true\`; GeoJSON is the same cells as hexagon polygons with a count property. First frame counts from the request to the first frame drawn with the layer loaded (the local server answers from memory, so the fetch is transfer + parse only). Panning moves the camera every animation frame for ${PAN_FRAMES} frames or ${PAN_BUDGET_MS / 1000} s, whichever ends first; frame time is the gap between drawn frames. Outlines are off at these sizes in both (the app draws them only up to 5,000 cells: in software WebGL a path per cell made frames ~10× slower in trial runs).`,
		'',
		...lines,
		'',
		...summary,
		'',
		"SwiftShader renders WebGL on the CPU, so absolute frame times here are far above a laptop GPU's; the ratios between the transports are the point of the comparison.",
		'',
		NOTE
	].join('\n');
	// BENCH_WRITE=0: a trial run that leaves bench/RESULTS.md alone.
	if (process.env.BENCH_WRITE !== '0') await writeResultsSection('Render', body);
	console.log(body);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
