import { describe, expect, it } from 'vitest';
import { sharedAnswers } from './answers';
import { clearAnalysisCaches } from './caches';

/** A computation that finishes when the test says so. */
function pending<T>() {
	let resolve!: (v: T) => void;
	let reject!: (e: Error) => void;
	const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
	return { promise, resolve, reject };
}

describe('sharedAnswers', () => {
	it('computes identical concurrent requests once and serves the answer again from the cache', async () => {
		const answers = sharedAnswers<{ n: number }>();
		const p = pending<{ n: number }>();
		let calls = 0;
		const compute = () => (calls++, p.promise);
		const a = answers.get('k', compute);
		const b = answers.get('k', compute);
		p.resolve({ n: 1 });
		expect(await a).toBe(await b);
		expect(await answers.get('k', compute)).toEqual({ n: 1 });
		expect(calls).toBe(1);
		await answers.get('other', async () => ({ n: 2 }));
		expect(calls).toBe(1);
	});

	it('lets a waiter compute its own answer when the running one fails, and caches no failure', async () => {
		const answers = sharedAnswers<number>();
		const first = pending<number>();
		const a = answers.get('k', () => first.promise);
		const b = answers.get('k', async () => 2);
		first.reject(new Error('cancelled'));
		await expect(a).rejects.toThrow('cancelled');
		expect(await b).toBe(2);
		expect(await answers.get('k', async () => 3)).toBe(2);
	});

	it('is emptied with the other analysis caches', async () => {
		const answers = sharedAnswers<number>();
		await answers.get('k', async () => 1);
		clearAnalysisCaches('data');
		expect(await answers.get('k', async () => 2)).toBe(2);
	});
});
