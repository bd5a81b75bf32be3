import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { env } from '$lib/server/env';
import { getDatabase } from '$lib/server/db';
import { databaseIsEmpty, loadDemo } from '$lib/server/demo/load';

export const init: ServerInit = async () => {
	const e = env();
	const db = await getDatabase();
	const wantDemo = e.demo === '1' || (e.demo === 'auto' && db.engine === 'pglite');
	if (wantDemo && (await databaseIsEmpty(db))) {
		await loadDemo(db, (line) => console.log(`[beatwise] ${line}`));
	}
	console.log(
		`[beatwise] database: ${db.engine === 'pglite' ? `embedded (${e.dataDir})` : 'PostgreSQL'}`
	);
};

export const handleError: HandleServerError = ({ error, status, message }) => {
	if (status >= 500) console.error('[beatwise] unhandled error:', error);
	const err = error as { code?: string };
	return {
		message: status >= 500 ? 'Internal error: the server log has the details.' : message,
		code: err?.code
	};
};
