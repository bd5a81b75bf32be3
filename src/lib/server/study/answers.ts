/**
 * Whole answers of the analyses that run on the worker pool (near repeat, time profiles), shared by
 * identical requests: a team opening the same view at once (a briefing, a wall display) gets one
 * computation, not one each queued behind the others. Keyed by the caller with everything the answer
 * depends on (the request, the rollup version, the areas' row versions), so an import never serves an
 * older answer. A request that finds the same computation running waits for it; if that one fails
 * (e.g. its client went away and the job was cancelled), the waiter computes its own.
 */
import { registerCache } from './caches';
import { Lru } from './lru';

export interface SharedAnswers<T> {
	/** The answer for `key`: cached, the one being computed, or `compute()`'s. */
	get(key: string, compute: () => Promise<T>): Promise<T>;
}

export function sharedAnswers<T>(max = 32): SharedAnswers<T> {
	const done = registerCache('data', new Lru<string, T>(max));
	const running = new Map<string, Promise<T>>();
	return {
		async get(key, compute) {
			const hit = done.get(key);
			if (hit !== undefined) return hit;
			const other = running.get(key);
			if (other) {
				try {
					return await other;
				} catch {
					// That computation failed for its own caller: this request computes its own.
				}
			}
			const mine = compute();
			running.set(key, mine);
			try {
				const answer = await mine;
				done.set(key, answer);
				return answer;
			} finally {
				if (running.get(key) === mine) running.delete(key);
			}
		}
	};
}
