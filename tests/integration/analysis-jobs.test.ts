/**
 * Background analysis jobs on both engines: a job is stored, computed in the worker pool and its
 * result kept (the same as the service computes inline); a user has at most BEATWISE_JOBS_PER_USER
 * jobs queued or running; cancelling stops a job; jobs are private to their owner; jobs a stopped
 * server left unfinished are marked failed at the next start. Data: two months of the demo's City of
 * London street crime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/db';
import { importPaths } from '../../src/lib/server/ingest/import';
import { createAccount } from '../../src/lib/server/auth/accounts';
import { CLI_ORIGIN } from '../../src/lib/server/auth/audit';
import { demoDataDir } from '../../src/lib/server/demo/load';
import { nearRepeatForArea } from '../../src/lib/server/services/near-repeat';
import { ServiceError } from '../../src/lib/server/errors';
import { JobError, WorkerPool } from '../../src/lib/server/jobs/pool';
import { jobsConfig } from '../../src/lib/server/jobs/config';
import {
	cancelJob,
	failInterrupted,
	settled,
	startJob
} from '../../src/lib/server/jobs/background';
import { insertJob, jobOf, jobsOf } from '../../src/lib/server/db/queries/jobs';

const CITY = '-0.1150,51.5050,-0.0700,51.5250';
/** Every pair of the two months is close in distance and time: hours of permutations. */
const ENDLESS = {
	bbox: CITY,
	distanceBands: '100000x1',
	timeBands: '1000x1',
	permutations: 9999
};

for (const engine of engines()) {
	describe(`analysis jobs (${engine})`, () => {
		let t: TestDatabase;
		let pool: WorkerPool;
		const users: { id: number }[] = [];

		beforeAll(async () => {
			t = await createTestDatabase(engine);
			const dir = join(demoDataDir(), 'crime');
			const summary = await importPaths(t.db, {
				inputs: [
					join(dir, '2020-01-city-of-london-street.csv.gz'),
					join(dir, '2020-02-city-of-london-street.csv.gz')
				],
				format: 'police-uk',
				importedBy: 'test',
				origin: CLI_ORIGIN
			});
			expect(summary.imported).toBeGreaterThan(500);
			for (const name of ['jobs-a', 'jobs-b']) {
				const { user } = await createAccount(
					t.db,
					{ username: name, role: 'planner' },
					{ actor: null, origin: CLI_ORIGIN }
				);
				users.push(user);
			}
			pool = new WorkerPool({
				workers: 1,
				timeLimitMs: 600_000,
				memoryMb: 256,
				perOwner: 1,
				maxQueued: 8
			});
		});
		afterAll(async () => {
			await pool?.close();
			await t?.drop();
		});

		it('computes a job in the background and keeps the result the service computes inline', async () => {
			const [a] = users;
			const params = { bbox: CITY, permutations: '199', seed: '7' };
			const job = await startJob(t.db, a, { kind: 'near-repeat', params }, pool);
			expect(job).toMatchObject({ kind: 'near-repeat', status: 'queued', progress: 0, params });
			await settled(job.id);
			const done = await jobOf(t.db, job.id, a.id);
			expect(done).toMatchObject({ status: 'done', progress: 1, error: null });
			expect(done!.finishedAt! >= done!.startedAt!).toBe(true);
			const inline = await nearRepeatForArea(t.db, {
				bbox: [-0.115, 51.505, -0.07, 51.525],
				permutations: 199,
				seed: 7
			});
			const result = done!.result as typeof inline;
			expect(result.parameters.permutations).toBe(199);
			expect(result.observed).toEqual(inline.observed);
			expect(result.p).toEqual(inline.p);
			expect((await jobsOf(t.db, a.id)).map((j) => j.id)).toContain(job.id);
		});

		it('refuses bad parameters with what to fix, before storing anything', async () => {
			const [a] = users;
			const before = (await jobsOf(t.db, a.id)).length;
			const bad = startJob(
				t.db,
				a,
				{ kind: 'near-repeat', params: { permutations: 'lots' } },
				pool
			);
			await expect(bad).rejects.toBeInstanceOf(ServiceError);
			await expect(bad).rejects.toThrow(
				/^params\.permutations: must be a whole number from 19 to 9999/
			);
			await expect(startJob(t.db, a, { kind: 'forecast' }, pool)).rejects.toThrow(
				/^kind: must be one of near-repeat, profile, emerging/
			);
			expect((await jobsOf(t.db, a.id)).length).toBe(before);
		});

		it('limits the jobs a user has queued or running, and cancels them (workers stopped)', async () => {
			const [a, b] = users;
			const limit = jobsConfig().perUser;
			const started = [];
			for (let i = 0; i < limit; i++)
				started.push(await startJob(t.db, a, { kind: 'near-repeat', params: ENDLESS }, pool));
			const refused = startJob(t.db, a, { kind: 'near-repeat', params: ENDLESS }, pool);
			await expect(refused).rejects.toBeInstanceOf(JobError);
			await expect(refused).rejects.toMatchObject({ code: 'E_JOB_LIMIT', status: 429 });
			// Someone else's job is private to them.
			expect(await jobOf(t.db, started[0].id, b.id)).toBeNull();
			expect(await cancelJob(t.db, b, started[0].id)).toBeNull();
			for (const job of started) {
				const outcome = await cancelJob(t.db, a, job.id);
				expect(outcome).toMatchObject({ cancelled: true, job: { status: 'cancelled' } });
				await settled(job.id);
				expect(await jobOf(t.db, job.id, a.id)).toMatchObject({
					status: 'cancelled',
					error: 'Cancelled by its owner'
				});
			}
			expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
			// A finished job cannot be cancelled; it keeps its outcome.
			const again = await cancelJob(t.db, a, started[0].id);
			expect(again).toMatchObject({ cancelled: false, job: { status: 'cancelled' } });
		});

		it('marks jobs a stopped server left queued or running as failed', async () => {
			const [, b] = users;
			const orphan = await insertJob(t.db, { ownerId: b.id, kind: 'profile', params: {} });
			expect(await failInterrupted(t.db)).toBe(1);
			expect(await jobOf(t.db, orphan.id, b.id)).toMatchObject({
				status: 'failed',
				error: 'The server stopped before this job finished; start it again'
			});
		});
	});
}
