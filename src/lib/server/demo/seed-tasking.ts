/**
 * The demo's tasking board, so a supervisor's first look shows the whole loop: three units on the
 * late shift in Chicago police district 11 (the demo's timed data), allocated from the shift's ranking
 * with the US (Koper) cadence, for yesterday and for today; yesterday's shift has its visits logged
 * (some by phone, some entered by hand, a few missed), today's has none yet. Every record is made
 * through the tasking service, as a supervisor and an officer would make it, so it is audited like
 * theirs. Visits are logged only for planned visits that ended before the demo was loaded, at their
 * planned times: nothing is dated in the future.
 */
import type { Database } from '../db/client';
import type { DemoCredential } from '../auth/demo-users';
import { CLI_ORIGIN } from '../auth/audit';
import { areaIdByCode } from '../db/queries/areas';
import { riskForShift } from '../services/supervisor';
import { createTasking, createUnit, logVisit, taskingBoard } from '../services/tasking';

export interface DemoTaskingSeed {
	areaId: number;
	/** Tasking ids by shift date (yesterday, today). */
	taskings: { date: string; id: number; visits: number }[];
}

const SHIFT = 'late';
/** Fixed, so the demo's visiting order is the same on every machine. */
const SEED = 20180101;
const UNITS = [
	{ callSign: '1113 Foot', unitType: 'foot', officer: true },
	{ callSign: '1124 Car', unitType: 'vehicle', officer: false },
	{ callSign: '1132 Foot', unitType: 'foot', officer: false }
] as const;

const dayIso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Seed the board; null when the accounts or the district are missing (a partial demo) or the
 * district's data gives no ranking.
 */
export async function seedDemoTasking(
	db: Database,
	users: DemoCredential[],
	log: (line: string) => void = () => {},
	now = Date.now()
): Promise<DemoTaskingSeed | null> {
	const supervisor = users.find((u) => u.role === 'supervisor')?.user;
	const officer = users.find((u) => u.role === 'officer')?.user;
	const areaId = await areaIdByCode(db, 'district', '11');
	if (!supervisor || !officer || areaId === null) return null;
	const origin = { ...CLI_ORIGIN, userAgent: 'beatwise-demo' };
	const asSupervisor = { user: supervisor, origin };
	const asOfficer = { user: officer, origin };
	const taskings: DemoTaskingSeed['taskings'] = [];
	for (const date of [dayIso(now - 86_400_000), dayIso(now)]) {
		for (const u of UNITS)
			await createUnit(db, asSupervisor, {
				shiftDate: date,
				shift: SHIFT,
				callSign: u.callSign,
				unitType: u.unitType,
				areaId,
				officerId: u.officer ? officer.id : null
			});
		const risk = await riskForShift(db, { area: String(areaId), shift: SHIFT, date });
		if (risk.cells.length === 0) return null;
		const id = await createTasking(db, asSupervisor, risk, { cadence: 'us-koper', seed: SEED });
		const board = await taskingBoard(db, supervisor, id, now);
		let visits = 0;
		for (const [ui, unit] of board.units.entries()) {
			const byOfficer = unit.unit.officerId === officer.id;
			for (const spot of unit.spots)
				for (const p of spot.planned) {
					// A few visits missed, as on a real shift: every fifth planned visit of a unit.
					if (Date.parse(p.end) > now || (p.seq + ui) % 5 === 4) continue;
					// Arrivals a minute or two after the plan, stays of 12–17 minutes.
					const start = Date.parse(p.start) + ((p.seq * 7 + ui) % 3) * 60_000;
					const minutes = 12 + ((p.seq * 3 + ui * 2) % 6);
					await logVisit(db, byOfficer ? asOfficer : asSupervisor, {
						clientId: byOfficer ? `demo-${id}-${unit.unit.id}-${p.seq}` : null,
						taskingId: id,
						unitId: unit.unit.id,
						cell: spot.cell,
						startedAt: new Date(start).toISOString(),
						endedAt: new Date(start + minutes * 60_000).toISOString(),
						source: byOfficer ? 'phone' : 'manual',
						activities: {
							tactics: p.seq % 2 ? ['presence', 'engagement'] : ['presence'],
							note: byOfficer ? '' : 'Demo: entered by the supervisor from the radio log'
						}
					});
					visits++;
				}
		}
		taskings.push({ date, id, visits });
	}
	log(
		`Demo tasking board: ${UNITS.length} units on the ${SHIFT} shift in Chicago district 11, ` +
			taskings.map((t) => `${t.date} (${t.visits} visits logged)`).join(', ') +
			'.'
	);
	return { areaId, taskings };
}
