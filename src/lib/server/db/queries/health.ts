import type { Queryable } from '../client';

/** True when the database answers `SELECT 1` (it throws when it cannot). */
export async function pingDatabase(db: Queryable): Promise<boolean> {
	const rows = await db.query<{ one: number }>('SELECT 1 AS one');
	return Number(rows[0]?.one) === 1;
}
