/**
 * The production server stops cleanly on SIGTERM on both engines: it closes its database and exits by
 * itself (with PostgreSQL, open pool connections used to keep the process alive after the HTTP server
 * had closed, so `docker stop` or systemd would have had to kill it).
 */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../helpers/db';
import { hasChromium, startServer } from './server';

describe.skipIf(!hasChromium || process.env.BEATWISE_E2E === '0')('server shutdown (e2e)', () => {
	for (const engine of engines()) {
		it(`exits on SIGTERM after serving requests, database closed (${engine})`, async () => {
			const env: Record<string, string> = { BEATWISE_DEMO: engine === 'pglite' ? '1' : '0' };
			let drop = async () => {};
			if (engine === 'postgres') {
				const t = await createTestDatabase('postgres');
				await t.db.close();
				env.DATABASE_URL = t.url!;
				drop = t.drop;
			}
			try {
				const server = await startServer(env);
				// Requests that use the database: the pool holds connections when SIGTERM comes.
				for (const path of ['/api/health', '/login', '/api/health'])
					expect((await fetch(server.url + path)).status).toBe(200);
				await server.stop(); // throws when the process had to be killed
				expect(server.log()).toContain('[beatwise] shut down: database closed');
			} finally {
				await drop();
			}
		});
	}
});
