/**
 * The incident list of one map cell: incident-level detail, so it is permission-checked, area-limited,
 * stripped of restricted records for roles without the right, and every call is audited.
 */
import { getResolution, isValidCell } from 'h3-js';
import type { Queryable } from '../db/client';
import { cellEnvelope } from '../cell-keys';
import {
	countCellIncidents,
	listCellIncidents,
	type IncidentListRow
} from '../db/queries/incidents';
import { hasPermission } from '../auth/permissions';
import type { ReadScope } from '../auth/read-scope';
import { ServiceError } from '../errors';
import { INCIDENT_MAX_RES, INCIDENT_MIN_RES } from '../study/h3-ranges';

export const INCIDENT_PAGE_SIZE = 50;
export interface IncidentListQuery {
	cell: string;
	page: number;
	from?: string;
	to?: string;
	categories: string[];
}

export interface IncidentList {
	cell: string;
	res: number;
	page: number;
	pageSize: number;
	/** Records this user may see for the cell and filters (all pages). */
	total: number;
	/**
	 * Records left out because they are restricted (handling code C or sensitive); null for users who
	 * may not see restricted records: a count for one cell and period would place them.
	 */
	withheld: number | null;
	/** True when the user's access is limited to areas (records outside them are not counted). */
	areaLimited: boolean;
	items: IncidentListRow[];
}

export async function incidentsForCell(
	db: Queryable,
	scope: ReadScope,
	q: IncidentListQuery
): Promise<IncidentList> {
	const { user } = scope;
	if (!hasPermission(user, 'incidents:detail')) {
		throw new ServiceError('E_FORBIDDEN', 'Your role does not include incident-level detail.', 403);
	}
	const cell = q.cell.toLowerCase();
	if (!/^[0-9a-f]{15}$/.test(cell) || !isValidCell(cell)) {
		throw new ServiceError('E_PARAMETER', 'cell: must be an H3 cell index such as 8a194ad30067fff');
	}
	const res = getResolution(cell);
	if (res < INCIDENT_MIN_RES || res > INCIDENT_MAX_RES) {
		throw new ServiceError(
			'E_PARAMETER',
			`cell: resolution ${res} is outside ${INCIDENT_MIN_RES}–${INCIDENT_MAX_RES}; zoom in to list incidents`
		);
	}
	const big = BigInt(`0x${cell}`);
	const includeRestricted = scope.restricted;
	const areaIds = scope.areaIds;
	const filter = {
		cell: big.toString(),
		res,
		envelope: cellEnvelope(cell),
		includeRestricted,
		areaIds,
		from: q.from,
		to: q.to,
		categories: q.categories
	};
	const counts = await countCellIncidents(db, filter);
	const withheld = includeRestricted ? 0 : counts.restricted;
	const items = await listCellIncidents(db, filter, {
		limit: INCIDENT_PAGE_SIZE,
		offset: (q.page - 1) * INCIDENT_PAGE_SIZE
	});
	await scope.audit(db, 'incidents.view', `cell:${cell}`, {
		res,
		page: q.page,
		from: q.from ?? null,
		to: q.to ?? null,
		categories: q.categories,
		returned: items.length,
		records: items.map((r) => `${r.sourceId}:${r.id}`),
		restrictedShown: items.filter((r) => r.handlingCode.toUpperCase() !== 'P' || r.sensitive)
			.length,
		withheld
	});
	return {
		cell,
		res,
		page: q.page,
		pageSize: INCIDENT_PAGE_SIZE,
		total: counts.total - withheld,
		withheld: scope.tellWithheld ? withheld : null,
		areaLimited: areaIds !== null,
		items
	};
}
