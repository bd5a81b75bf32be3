/** Area limits: a user with area ids sees incident-level detail only inside those areas. */
import type { AuthUser } from './permissions';

/**
 * The areas a user's incident-level access is limited to, or null when unrestricted. Services add
 * `ST_Covers(area.geom, incident.geom)` for these ids; an empty array never occurs (empty means null).
 * @example allowedAreaIds({ areaIds: [] }) // null: everywhere
 * @example allowedAreaIds({ areaIds: [12, 40] }) // [12, 40]
 */
export function allowedAreaIds(user: Pick<AuthUser, 'areaIds'>): number[] | null {
	return user.areaIds.length > 0 ? [...user.areaIds] : null;
}

/** Whether a user limited to areas may see something in `areaId`. */
export function mayAccessArea(user: Pick<AuthUser, 'areaIds'>, areaId: number): boolean {
	const allowed = allowedAreaIds(user);
	return allowed === null || allowed.includes(areaId);
}

/**
 * The area a user's views open on when none is chosen (neighbourhood, supervisor): the first area
 * their account is limited to, or null for an unrestricted account (it chooses).
 * @example homeAreaId({ areaIds: [12, 40] }) // 12
 */
export function homeAreaId(user: Pick<AuthUser, 'areaIds'>): number | null {
	return user.areaIds[0] ?? null;
}
