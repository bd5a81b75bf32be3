/** Shared by the load benchmarks. */

/** Median time of three requests one after another: the server's time for one answer. */
export async function medianServiceMs(url: string, cookie: string): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < 3; i++) {
		const t0 = performance.now();
		await (await fetch(url, { headers: { cookie } })).arrayBuffer();
		times.push(performance.now() - t0);
	}
	return Math.round(times.sort((a, b) => a - b)[1]);
}

/** autocannon reports p90 and p97.5, not p95: the exact nearest-rank percentile of every response. */
export function percentile(values: number[], q: number): number {
	if (values.length === 0) return 0;
	const sorted = Float64Array.from(values).sort();
	return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
