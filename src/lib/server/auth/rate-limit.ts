/**
 * Failed sign-in counting with a progressive delay, in this process's memory (one server process;
 * behind several processes put a limit in the proxy too). Only failures count; a success clears the
 * key's count.
 *
 * A key's failures are remembered until it has been quiet for `windowMs` after its last wait (or
 * failure, below the limit). From the `max`-th failure
 * on, the key must wait before its next attempt: `blockMs` after the `max`-th failure, then twice as
 * long after each further failure, never longer than `windowMs`. So a typo costs nothing, a guesser
 * gets a handful of tries per window, and whoever is blocked is only blocked on their own key.
 */
export interface RateLimitOptions {
	max: number;
	windowMs: number;
	/** The first wait, after the `max`-th failure (default: a 30th of the window, at least 1 s). */
	blockMs?: number;
	/** Upper bound on tracked keys, so a flood of distinct usernames cannot grow memory without end. */
	maxKeys?: number;
}

interface Bucket {
	count: number;
	lastAt: number;
}

export class FailureLimiter {
	readonly #buckets = new Map<string, Bucket>();

	constructor(readonly options: RateLimitOptions) {}

	#live(key: string, now: number): Bucket | undefined {
		const b = this.#buckets.get(key);
		if (b && now - b.lastAt >= this.delayAfter(b.count) + this.options.windowMs) {
			this.#buckets.delete(key);
			return undefined;
		}
		return b;
	}

	/**
	 * How long a key with `count` failures waits after its last one.
	 * @example new FailureLimiter({ max: 5, windowMs: 900_000, blockMs: 30_000 }).delayAfter(6) // 60_000
	 */
	delayAfter(count: number): number {
		const { max, windowMs } = this.options;
		if (count < max) return 0;
		const base = this.options.blockMs ?? Math.max(1000, Math.round(windowMs / 30));
		return Math.min(windowMs, base * 2 ** Math.min(count - max, 30));
	}

	/** Milliseconds until `key` may try again, or 0 when it may try now. */
	blockedFor(key: string, now = Date.now()): number {
		const b = this.#live(key, now);
		return b ? Math.max(0, b.lastAt + this.delayAfter(b.count) - now) : 0;
	}

	/** Failures counted for `key` (0 once its window has passed). */
	failures(key: string, now = Date.now()): number {
		return this.#live(key, now)?.count ?? 0;
	}

	fail(key: string, now = Date.now()): void {
		const b = this.#live(key, now);
		if (b) {
			b.count++;
			b.lastAt = now;
			// Most recently failed last, so the eviction below forgets the quietest key.
			this.#buckets.delete(key);
			this.#buckets.set(key, b);
			return;
		}
		const maxKeys = this.options.maxKeys ?? 100_000;
		if (this.#buckets.size >= maxKeys) {
			for (const [k, v] of this.#buckets)
				if (now - v.lastAt >= this.delayAfter(v.count) + this.options.windowMs)
					this.#buckets.delete(k);
			// Still full: forget the oldest entry (Map keeps insertion order).
			if (this.#buckets.size >= maxKeys) {
				const oldest = this.#buckets.keys().next().value;
				if (oldest !== undefined) this.#buckets.delete(oldest);
			}
		}
		this.#buckets.set(key, { count: 1, lastAt: now });
	}

	clear(key: string): void {
		this.#buckets.delete(key);
	}
}
