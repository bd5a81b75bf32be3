/**
 * Failed sign-in counting per username and per client address, in fixed windows, in this process's
 * memory (one server process; behind several processes put the limit in the proxy too).
 * Only failures count; a success clears the username's count.
 */
export interface RateLimitOptions {
	max: number;
	windowMs: number;
	/** Upper bound on tracked keys, so a flood of distinct usernames cannot grow memory without end. */
	maxKeys?: number;
}

interface Bucket {
	count: number;
	resetAt: number;
}

export class FailureLimiter {
	readonly #buckets = new Map<string, Bucket>();

	constructor(readonly options: RateLimitOptions) {}

	#live(key: string, now: number): Bucket | undefined {
		const b = this.#buckets.get(key);
		if (b && b.resetAt <= now) {
			this.#buckets.delete(key);
			return undefined;
		}
		return b;
	}

	/** Milliseconds until `key` may try again, or 0 when it may try now. */
	blockedFor(key: string, now = Date.now()): number {
		const b = this.#live(key, now);
		return b && b.count >= this.options.max ? b.resetAt - now : 0;
	}

	fail(key: string, now = Date.now()): void {
		const b = this.#live(key, now);
		if (b) {
			b.count++;
			return;
		}
		const maxKeys = this.options.maxKeys ?? 100_000;
		if (this.#buckets.size >= maxKeys) {
			for (const [k, v] of this.#buckets) if (v.resetAt <= now) this.#buckets.delete(k);
			// Still full: forget the oldest entry (Map keeps insertion order).
			if (this.#buckets.size >= maxKeys) {
				const oldest = this.#buckets.keys().next().value;
				if (oldest !== undefined) this.#buckets.delete(oldest);
			}
		}
		this.#buckets.set(key, { count: 1, resetAt: now + this.options.windowMs });
	}

	clear(key: string): void {
		this.#buckets.delete(key);
	}
}
