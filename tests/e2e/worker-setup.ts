/**
 * Before each e2e file: the server of this worker (tests/e2e/global-setup.ts started one per worker)
 * as BEATWISE_E2E_URL and BEATWISE_E2E_DATA, unless the run was given a server of its own.
 */
const id = process.env.VITEST_POOL_ID;
if (!process.env.BEATWISE_E2E_URL && process.env.BEATWISE_E2E_URL_1) {
	const url = process.env[`BEATWISE_E2E_URL_${id}`];
	// A file without its server would skip every test that needs it: a skip must not pass for a check.
	if (!url) throw new Error(`no e2e server for worker ${id} (global set-up started fewer)`);
	process.env.BEATWISE_E2E_URL = url;
	process.env.BEATWISE_E2E_DATA = process.env[`BEATWISE_E2E_DATA_${id}`];
}
