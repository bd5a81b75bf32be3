/**
 * Issue 10, finding 1, on the production build (`node build`, embedded engine with the demo): one
 * heavy near-repeat analysis used to freeze the server — `?area=<City>&permutations=99` took 46 s and
 * `/api/health` did not answer meanwhile. Now heavy statistics run in worker threads: while a
 * near-repeat job computes, the health check and map requests are answered; the request of the
 * finding answers (or is refused) instead of holding the server; larger runs are refused for waiting
 * requests and run as background jobs that can be polled and cancelled.
 *
 * No timing thresholds: "answered while the job ran" is shown by the job still running afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookie } from './auth';
import { hasChromium, startServer, type RunningServer } from './server';

const CITY = 'borough:E09000001';

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')(
	'heavy analyses never stall the server (e2e)',
	() => {
		let server: RunningServer;
		let cookie: string;
		const api = (path: string, init: RequestInit = {}) =>
			fetch(server.url + path, {
				...init,
				headers: {
					cookie,
					accept: 'application/json',
					origin: server.url,
					...(init.headers ?? {})
				}
			});
		const job = async (id: number) => (await api(`/api/jobs/${id}`)).json();

		beforeAll(async () => {
			// One worker for requests and one for background jobs (the defaults on two cores).
			server = await startServer(
				{ BEATWISE_JOB_WORKERS: '1', BEATWISE_BACKGROUND_JOB_WORKERS: '1' },
				{ readyTimeoutMs: 300_000 }
			);
			cookie = await sessionCookie(server.url, 'planner', server.dataDir);
		});
		afterAll(async () => {
			await server?.stop();
		});

		it('answers the health check, the map and a time profile while a near-repeat job computes; the job can be cancelled', async () => {
			// 9,999 permutations on the City: many minutes of work in the worker.
			const created = await api('/api/jobs', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					kind: 'near-repeat',
					params: { area: CITY, permutations: 9999 }
				})
			});
			expect(created.status).toBe(202);
			const { id } = await created.json();
			expect(created.headers.get('location')).toBe(`/api/jobs/${id}`);
			// Wait until the worker reports progress: the permutations are running.
			for (;;) {
				const j = await job(id);
				expect(['queued', 'running']).toContain(j.status);
				if (j.progress > 0) break;
				await new Promise((r) => setTimeout(r, 500));
			}
			const times: number[] = [];
			for (let i = 0; i < 5; i++) {
				const t0 = performance.now();
				const health = await fetch(`${server.url}/api/health`);
				times.push(Math.round(performance.now() - t0));
				expect(health.status).toBe(200);
				expect(await health.json()).toEqual({ ok: true });
			}
			const cells = await api('/api/cells?res=9');
			expect(cells.status).toBe(200);
			// Analyses someone waits for have workers of their own: never queued behind the job.
			const profile = await api(`/api/analysis/profile?area=${CITY}`);
			expect(profile.status).toBe(200);
			expect((await profile.json()).incidents).toBeGreaterThan(10_000);
			// All of that was answered while the job was still computing.
			const during = await job(id);
			expect(during.status).toBe('running');
			console.log(`health answered in ${times.join(', ')} ms while job ${id} ran`);

			const listed = await (await api('/api/jobs')).json();
			expect(listed.jobs[0]).toMatchObject({ id, kind: 'near-repeat', status: 'running' });
			expect(listed.jobs[0]).not.toHaveProperty('result');

			const cancelled = await api(`/api/jobs/${id}`, { method: 'DELETE' });
			expect(cancelled.status).toBe(200);
			expect(await cancelled.json()).toMatchObject({ id, status: 'cancelled' });
			expect(await job(id)).toMatchObject({ status: 'cancelled', result: null });
			const again = await api(`/api/jobs/${id}`, { method: 'DELETE' });
			expect(again.status).toBe(409);
		});

		it("answers the finding's request (City, 99 permutations) and refuses larger waiting runs with where to go", async () => {
			const res = await api(`/api/analysis/near-repeat?area=${CITY}&permutations=99`);
			// Answered within the waiting budget, or stopped at it with what to do: never a frozen server.
			if (res.status === 200) {
				const body = await res.json();
				expect(body.parameters.permutations).toBe(99);
				expect(body.parameters.n).toBeGreaterThan(10_000);
			} else {
				expect(res.status).toBe(413);
				expect((await res.json()).message).toMatch(/time budget .* background job/);
			}
			const big = await api(`/api/analysis/near-repeat?area=${CITY}&permutations=999`);
			expect(big.status).toBe(422);
			expect((await big.json()).message).toMatch(/run it as a background job instead/);
			const wide = await api(
				`/api/analysis/near-repeat?area=${CITY}&distanceBands=100000x50&timeBands=1x50&permutations=19`
			);
			expect(wide.status).toBe(422);
			expect((await wide.json()).message).toMatch(/^50 bands is more than an answer to wait for/);
		});

		it('keeps jobs private and answers bad input with 400', async () => {
			const other = await sessionCookie(server.url, 'analyst', server.dataDir);
			const mine = await (
				await api('/api/jobs', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ kind: 'profile', params: { area: CITY } })
				})
			).json();
			const theirs = await fetch(`${server.url}/api/jobs/${mine.id}`, {
				headers: { cookie: other, accept: 'application/json' }
			});
			expect(theirs.status).toBe(404);
			for (const [path, init] of [
				['/api/jobs/abc', {}],
				['/api/jobs', { method: 'POST', body: 'not json' }],
				['/api/jobs', { method: 'POST', body: JSON.stringify({ kind: 'nope' }) }]
			] as const) {
				const res = await api(path, { ...init, headers: { 'content-type': 'application/json' } });
				expect(res.status, path).toBe(400);
				expect((await res.json()).message).toBeTruthy();
			}
		});
	}
);
