/**
 * What the side panel shows for one H3 cell: incidents by category over the chosen period and filters,
 * and a monthly series over the data's whole range (same filters) for the trend sparkline.
 */
import { getResolution } from 'h3-js';
import type { CellDetail } from '../../contracts/cell-detail';
import { CATEGORIES } from '../../taxonomy';
import type { Database } from '../db/client';
import { rollupRange } from '../db/queries/cells';
import {
	cellCountsByCategory,
	cellCountsByMonth,
	type CellDetailFilter
} from '../db/queries/cells-detail';
import { coverageFor } from '../study/coverage';
import { ServiceError } from '../errors';
import { isServedRes, SERVED_MAX_RES, SERVED_MIN_RES } from '../cell-keys';

export interface CellDetailRequest {
	cell: string;
	from?: string;
	to?: string;
	categories: string[];
	sourceIds?: number[];
}

function monthsBetween(from: string, to: string): string[] {
	const out: string[] = [];
	let y = Number(from.slice(0, 4));
	let m = Number(from.slice(5, 7));
	const endY = Number(to.slice(0, 4));
	const endM = Number(to.slice(5, 7));
	while (y < endY || (y === endY && m <= endM)) {
		out.push(`${y}-${String(m).padStart(2, '0')}-01`);
		m += 1;
		if (m > 12) [y, m] = [y + 1, 1];
	}
	return out;
}

export async function cellDetail(db: Database, q: CellDetailRequest): Promise<CellDetail> {
	const res = getResolution(q.cell);
	if (!isServedRes(res)) {
		throw new ServiceError(
			'E_PARAMETER',
			`cell: resolution ${res} is not served; ask for a cell at resolution ${SERVED_MIN_RES}–${SERVED_MAX_RES}`
		);
	}
	const range = await rollupRange(db);
	const from = q.from ?? range?.from ?? null;
	const to = q.to ?? range?.to ?? null;
	const base = {
		cell: q.cell,
		resolution: res,
		from,
		to,
		categories: q.categories
	};
	if (!range || !from || !to) return { ...base, total: 0, byCategory: [], months: [] };
	const filter: CellDetailFilter = {
		cell: BigInt(`0x${q.cell}`).toString(),
		res,
		from,
		to,
		categories: q.categories.length ? q.categories : null,
		sourceIds: q.sourceIds?.length ? q.sourceIds : null
	};
	const [byCat, byMonth, imported] = await Promise.all([
		cellCountsByCategory(db, filter),
		cellCountsByMonth(db, { ...filter, from: range.from, to: range.to }),
		coverageFor(db, range.from, range.to, { cells: [q.cell], res })
	]);
	// A month without data here is missing (null), not zero (source_coverage).
	const monthEnd = (m: string) => {
		const d = new Date(m + 'T00:00:00Z');
		return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0))
			.toISOString()
			.slice(0, 10);
	};
	const withData = (m: string) => imported.period(m, monthEnd(m)).status !== 'missing';
	const labels = new Map<string, string>(CATEGORIES.map((c) => [c.code, c.label]));
	const seen = new Map(byMonth.map((r) => [r.month, r.n]));
	return {
		...base,
		total: byCat.reduce((s, r) => s + r.n, 0),
		byCategory: byCat.map((r) => ({
			code: r.category,
			label: labels.get(r.category) ?? r.category,
			n: r.n
		})),
		months: monthsBetween(range.from, range.to).map((month) => ({
			month,
			n: seen.get(month) ?? (withData(month) ? 0 : null)
		}))
	};
}
