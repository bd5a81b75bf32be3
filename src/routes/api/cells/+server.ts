import { error, json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { cellsQueryErrorMessage, parseCellsQuery } from '$lib/contracts/cells';
import { cellsBinaryHeaders, encodeCellsBinary } from '$lib/map/cells-codec';
import { readSnapshot } from '$lib/server/db';
import { cellCountsForMap } from '$lib/server/services/cells';

export const GET: RequestHandler = async ({ url }) => {
	const parsed = parseCellsQuery(url.searchParams);
	if (!parsed.success) error(400, cellsQueryErrorMessage(parsed.error));
	const q = parsed.data;
	const result = await readSnapshot((db) =>
		cellCountsForMap(db, {
			res: q.res,
			from: q.from,
			to: q.to,
			categories: q.categories,
			bbox: q.bbox,
			sourceIds: q.sources,
			areaIds: q.area
		})
	);
	if (q.format === 'bin') {
		const body = encodeCellsBinary(result.cells, result.counts);
		const { cells: _c, counts: _n, ...meta } = result;
		return new Response(body, { headers: cellsBinaryHeaders(meta) });
	}
	return json(result);
};
