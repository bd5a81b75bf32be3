import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { cellsQueryErrorMessage, parseCellsQuery } from '$lib/contracts/cells';
import { readSnapshot } from '$lib/server/db';
import { cellDetail } from '$lib/server/services/cell-detail';
import { ServiceError } from '$lib/server/errors';

/** One cell's counts by category and its monthly series: `from`, `to`, `categories`, `sources`. */
export const GET: RequestHandler = async ({ params, url }) => {
	const parsed = parseCellsQuery(url.searchParams);
	if (!parsed.success) error(400, cellsQueryErrorMessage(parsed.error));
	const q = parsed.data;
	try {
		return json(
			await readSnapshot((db) =>
				cellDetail(db, {
					cell: params.cell.toLowerCase(),
					from: q.from,
					to: q.to,
					categories: q.categories,
					sourceIds: q.sources
				})
			)
		);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, e.message);
		throw e;
	}
};
