/** The bounded caches of the study helpers and the services. */

/**
 * A small least-recently-used map, bounded by entries and, when `weigh` is given, by the sum of the
 * entries' weights (e.g. cells, so a few 100,000-cell answers cannot hold gigabytes).
 */
export class Lru<K, V> {
	private readonly map = new Map<K, { value: V; weight: number }>();
	private total = 0;
	constructor(
		private readonly max: number,
		private readonly maxWeight = Infinity,
		private readonly weigh: (value: V) => number = () => 0
	) {}
	get(key: K): V | undefined {
		const e = this.map.get(key);
		if (e !== undefined) {
			this.map.delete(key);
			this.map.set(key, e);
		}
		return e?.value;
	}
	set(key: K, value: V): void {
		this.delete(key);
		const weight = this.weigh(value);
		if (weight > this.maxWeight) return;
		this.map.set(key, { value, weight });
		this.total += weight;
		while (this.map.size > this.max || this.total > this.maxWeight)
			this.delete(this.map.keys().next().value as K);
	}
	private delete(key: K): void {
		const e = this.map.get(key);
		if (e === undefined) return;
		this.map.delete(key);
		this.total -= e.weight;
	}
	get size(): number {
		return this.map.size;
	}
	clear(): void {
		this.map.clear();
		this.total = 0;
	}
}
