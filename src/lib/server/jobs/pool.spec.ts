import { afterEach, describe, expect, it } from 'vitest';
import type { KnoxEvent } from '../analysis/knox';
import { mulberry32 } from '../analysis/random';
import { JobError, WorkerPool, type PoolOptions } from './pool';
import { computeInline } from './tasks';

const pools: WorkerPool[] = [];
function pool(options: Partial<PoolOptions> = {}): WorkerPool {
	const p = new WorkerPool({
		workers: 1,
		timeLimitMs: 120_000,
		memoryMb: 256,
		perOwner: 2,
		maxQueued: 8,
		...options
	});
	pools.push(p);
	return p;
}
afterEach(async () => {
	await Promise.all(pools.splice(0).map((p) => p.close()));
});

function events(n: number, spread = 2000, days = 365): KnoxEvent[] {
	const rand = mulberry32(n);
	return Array.from({ length: n }, () => ({
		x: rand() * spread,
		y: rand() * spread,
		t: Math.floor(rand() * days)
	}));
}

const small = {
	events: events(200),
	options: {
		distanceBands: { width: 200, count: 3 },
		timeBands: { width: 7, count: 4 },
		permutations: 99
	}
};
/**
 * Minutes of work (a test stops it within milliseconds of its first progress message): 1,000 events
 * in one place and one week, so all ~500,000 pairs are close in distance and in time, for 9,999
 * permutations. Small enough that its set-up and first permutation take little CPU.
 */
const endless = {
	events: events(1000, 100, 7),
	options: {
		distanceBands: { width: 100, count: 2 },
		timeBands: { width: 7, count: 2 },
		permutations: 9999
	}
};

/** Resolves at the task's first progress message (it is running in a worker). */
function started() {
	let mark!: () => void;
	const promise = new Promise<void>((r) => (mark = r));
	return { promise, onProgress: () => mark() };
}

async function rejection(p: Promise<unknown>): Promise<JobError> {
	try {
		await p;
	} catch (e) {
		return e as JobError;
	}
	throw new Error('expected the task to fail');
}

describe('WorkerPool', () => {
	it('runs a task in a worker thread with the same result as on this thread, reporting progress', async () => {
		const p = pool();
		const seen: [number, number][] = [];
		const r = await p.run('knox', small, {
			owner: 'u1',
			onProgress: (done, total) => seen.push([done, total])
		});
		const inline = await computeInline('knox', small);
		expect(r.p).toEqual(inline.p);
		expect(r.observed).toEqual(inline.observed);
		expect(seen.at(-1)).toEqual([99, 99]);
		expect(p.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
	});

	it('stops a task over its time budget with a clear error and terminates its worker', async () => {
		const p = pool({ timeLimitMs: 300 });
		const err = await rejection(
			p.run('knox', endless, { owner: 'u1', hint: 'run it as a background job' })
		);
		expect(err).toBeInstanceOf(JobError);
		expect(err.code).toBe('E_JOB_TIME');
		expect(err.status).toBe(413);
		expect(err.message).toMatch(
			/^The near-repeat test took longer than its time budget of 0\.3 s and was stopped; .*, or run it as a background job$/
		);
		expect(p.stats().workers).toBe(0);
		// The pool goes on with a fresh worker (its start-up counts in the budget, so a longer one).
		await expect(
			p.run('knox', small, { owner: 'u1', timeLimitMs: 120_000 })
		).resolves.toHaveProperty('observed');
	});

	it('stops a task over its memory budget with a clear error, and the server thread lives on', async () => {
		const p = pool({ memoryMb: 32 });
		// A million events are more than twice 32 MB of heap once the worker has read them (400,000
		// already stop it); two million took seconds more to generate and copy to the worker.
		const huge = { ...small, events: events(1_000_000) };
		const err = await rejection(p.run('knox', huge, { owner: 'u1' }));
		expect(err.code).toBe('E_JOB_MEMORY');
		expect(err.message).toMatch(/needed more than its memory budget of 32 MB and was stopped/);
		expect(p.stats().workers).toBe(0);
	});

	it('cancels a running task when its signal aborts (a client that left): the worker is terminated', async () => {
		const p = pool();
		const controller = new AbortController();
		const s = started();
		const running = p.run('knox', endless, {
			owner: 'u1',
			signal: controller.signal,
			onProgress: s.onProgress
		});
		await s.promise;
		expect(p.stats()).toEqual({ workers: 1, running: 1, queued: 0 });
		controller.abort();
		const err = await rejection(running);
		expect(err.code).toBe('E_JOB_CANCELLED');
		expect(p.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
		expect(p.activeFor('u1')).toBe(0);
	});

	it('cancels a waiting task without running it', async () => {
		const p = pool({ workers: 1 });
		const first = new AbortController();
		const s = started();
		const running = p.run('knox', endless, {
			owner: 'u1',
			signal: first.signal,
			onProgress: s.onProgress
		});
		await s.promise;
		const second = new AbortController();
		let progressed = false;
		const waiting = p.run('knox', small, {
			owner: 'u2',
			signal: second.signal,
			onProgress: () => (progressed = true)
		});
		expect(p.stats().queued).toBe(1);
		second.abort();
		expect((await rejection(waiting)).code).toBe('E_JOB_CANCELLED');
		expect(progressed).toBe(false);
		expect(p.stats()).toEqual({ workers: 1, running: 1, queued: 0 });
		first.abort();
		await rejection(running);
	});

	it('counts the wait for a worker in the budget of a task someone waits for', async () => {
		const p = pool({ workers: 1 });
		const controller = new AbortController();
		const s = started();
		const running = p.run('knox', endless, {
			owner: 'u1',
			signal: controller.signal,
			onProgress: s.onProgress
		});
		await s.promise;
		let progressed = false;
		const err = await rejection(
			p.run('knox', small, {
				owner: 'u2',
				timeLimitMs: 300,
				budgetIncludesWait: true,
				hint: 'run it as a background job',
				onProgress: () => (progressed = true)
			})
		);
		expect(err.code).toBe('E_JOB_TIME');
		expect(err.message).toBe(
			'The near-repeat test waited longer than its time budget of 0.3 s for a free worker (the server is busy with other analyses); try again shortly, or run it as a background job'
		);
		expect(progressed).toBe(false);
		expect(p.stats()).toEqual({ workers: 1, running: 1, queued: 0 });
		controller.abort();
		await rejection(running);
	});

	it('limits the tasks one user runs or queues at once (429 with what to do), others still get in', async () => {
		const p = pool({ perOwner: 1 });
		const controller = new AbortController();
		const s = started();
		const running = p.run('knox', endless, {
			owner: 'u1',
			signal: controller.signal,
			onProgress: s.onProgress
		});
		await s.promise;
		const err = await rejection(p.run('knox', small, { owner: 'u1' }));
		expect(err.code).toBe('E_JOB_LIMIT');
		expect(err.status).toBe(429);
		expect(err.message).toBe(
			'You already have 1 analysis running or waiting, the most one user may have at once; wait for one to finish or cancel one on the Jobs page (/jobs)'
		);
		const other = p.run('knox', small, { owner: 'u2' });
		expect(p.stats().queued).toBe(1);
		controller.abort();
		await rejection(running);
		await expect(other).resolves.toHaveProperty('observed');
	});

	it('refuses new tasks when the queue is full (503)', async () => {
		const p = pool({ workers: 1, maxQueued: 1 });
		const controller = new AbortController();
		const s = started();
		const signal = controller.signal;
		const running = p.run('knox', endless, { owner: 'a', signal, onProgress: s.onProgress });
		await s.promise;
		const waiting = p.run('knox', small, { owner: 'b', signal });
		const err = await rejection(p.run('knox', small, { owner: 'c' }));
		expect([err.code, err.status]).toEqual(['E_JOB_BUSY', 503]);
		controller.abort();
		await Promise.all([rejection(running), rejection(waiting)]);
	});

	it("passes the analysis's own input errors on with their code", async () => {
		const p = pool();
		const bad = { ...small, options: { ...small.options, distanceBands: { edges: [0, 0] } } };
		await expect(p.run('knox', bad, { owner: 'u1' })).rejects.toMatchObject({
			name: 'AnalysisInputError',
			code: 'E_BAD_BANDS'
		});
		expect(p.activeFor('u1')).toBe(0);
	});
});
