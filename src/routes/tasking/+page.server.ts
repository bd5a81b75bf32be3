import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { getDatabase } from '$lib/server/db';
import { basemapSetting } from '$lib/server/basemap-style';
import { homeAreaId } from '$lib/server/auth/areas';
import { auditOrigin, readFormData } from '$lib/server/auth/request';
import { ServiceError } from '$lib/server/errors';
import { attemptView } from '$lib/server/errors';
import { riskForShift } from '$lib/server/services/supervisor';
import { SHIFTS, type ShiftName } from '$lib/contracts/shifts';
import {
	CADENCE_PRESETS,
	HARM_INDEX,
	createSpotEdit,
	createTasking,
	createUnit,
	editVisit,
	latestTasking,
	logVisit,
	recentTaskings,
	taskingAreaOutline,
	removeUnit,
	shiftUnits,
	spotEditsInForce,
	taskingAreas,
	taskingBoard,
	withdrawSpotEdit
} from '$lib/server/services/tasking';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * `?area=12&shift=late&date=2024-03-01&tasking=5`: the shift's units, the tasking (latest unless one is
 * named) with live completion, and the spot edits in force. Without `area`, the account's home area.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const user = locals.user;
	if (!user) error(401, 'Sign in first.');
	const db = await getDatabase();
	const p = url.searchParams;
	const area = Number(p.get('area')) || homeAreaId(user);
	const shiftParam = p.get('shift') ?? 'late';
	const shift = (shiftParam in SHIFTS ? shiftParam : 'late') as ShiftName;
	const date = p.get('date') || today();
	const areas = await taskingAreas(db, user);
	if (!area)
		return { areas, area: null, shift, date, presets: CADENCE_PRESETS, harmIndex: HARM_INDEX };
	const units = await attemptView(() => shiftUnits(db, area, date, shift));
	const named = Number(p.get('tasking')) || null;
	const board = await attemptView(async () => {
		const id = named ?? (await latestTasking(db, area, date, shift));
		return id === null ? null : taskingBoard(db, user, id);
	});
	const edits = await attemptView(() => spotEditsInForce(db, area, date));
	const recent = await attemptView(() => recentTaskings(db, user, area));
	const outline = await attemptView(() => taskingAreaOutline(db, user, area));
	return {
		areas,
		area,
		shift,
		date,
		presets: CADENCE_PRESETS,
		harmIndex: HARM_INDEX,
		units: units.value,
		unitsError: units.error,
		board: board.value,
		boardError: board.error,
		edits: edits.value ?? [],
		recent: recent.value ?? [],
		outline: outline.value,
		basemapStyle: basemapSetting().style,
		now: Date.now()
	};
};

function who(event: RequestEvent) {
	const user = event.locals.user;
	if (!user) error(401, 'Sign in first.');
	return { user, origin: auditOrigin(event) };
}

async function form(event: RequestEvent) {
	const f = await readFormData(event.request);
	if (!f) error(400, 'The form could not be read.');
	const get = (k: string) => {
		const v = f.get(k);
		return typeof v === 'string' ? v : '';
	};
	return { f, get };
}

/** Run an action; a service's refusal becomes a form error naming the field. */
async function act<T>(name: string, run: () => Promise<T>) {
	try {
		return await run();
	} catch (e) {
		if (e instanceof ServiceError) return fail(e.status, { action: name, message: e.message });
		throw e;
	}
}

const int = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : NaN);
const optInt = (v: string) => (v === '' ? undefined : int(v));

export const actions: Actions = {
	unit: async (event) => {
		const { get } = await form(event);
		return act('unit', async () => {
			const u = await createUnit(await getDatabase(), who(event), {
				shiftDate: get('date'),
				shift: get('shift'),
				callSign: get('callSign'),
				unitType: get('unitType'),
				areaId: int(get('areaId'))
			});
			return { action: 'unit', created: u.callSign };
		});
	},
	removeUnit: async (event) => {
		const { get } = await form(event);
		return act('removeUnit', async () => {
			await removeUnit(await getDatabase(), who(event), int(get('id')));
			return { action: 'removeUnit' };
		});
	},
	allocate: async (event) => {
		const { get } = await form(event);
		const w = who(event);
		const db = await getDatabase();
		const shift = get('shift');
		if (!(shift in SHIFTS))
			return fail(400, { action: 'allocate', message: 'shift: early, late or night' });
		const result = await act('allocate', async () => {
			const risk = await riskForShift(db, {
				area: get('area'),
				shift: shift as ShiftName,
				date: get('date'),
				harm: get('harm') === 'on',
				biasGuard: get('guard') !== 'off'
			});
			const id = await createTasking(db, w, risk, {
				cadence: get('cadence'),
				visitMinutes: optInt(get('visitMinutes')),
				targetVisits: optInt(get('targetVisits')),
				maxVisits: optInt(get('maxVisits')),
				spotsPerUnit: optInt(get('spotsPerUnit')),
				randomised: get('randomised') === 'on'
			});
			return { id };
		});
		if ('id' in result && typeof result.id === 'number') {
			const u = new URL(event.url);
			u.search = '';
			for (const k of ['area', 'shift', 'date']) u.searchParams.set(k, get(k));
			u.searchParams.set('tasking', String(result.id));
			redirect(303, u.pathname + u.search);
		}
		return result;
	},
	spotEdit: async (event) => {
		const { get } = await form(event);
		return act('spotEdit', async () => {
			const action = get('editAction');
			let polygon;
			if (action === 'draw') {
				try {
					polygon = JSON.parse(get('polygon'));
				} catch {
					throw new ServiceError('E_PARAMETER', 'polygon: not valid GeoJSON');
				}
			}
			await createSpotEdit(await getDatabase(), who(event), {
				areaId: int(get('areaId')),
				action,
				cells: get('cells')
					.split(/[\s,]+/)
					.filter(Boolean),
				polygon,
				res: int(get('res')),
				reason: get('reason'),
				until: get('until') || null
			});
			return { action: 'spotEdit', saved: true };
		});
	},
	withdrawEdit: async (event) => {
		const { get } = await form(event);
		return act('withdrawEdit', async () => {
			await withdrawSpotEdit(await getDatabase(), who(event), int(get('id')));
			return { action: 'withdrawEdit' };
		});
	},
	editVisit: async (event) => {
		const { get } = await form(event);
		return act('editVisit', async () => {
			await editVisit(await getDatabase(), who(event), int(get('id')), {
				startedAt: get('startedAt'),
				endedAt: get('endedAt') || null,
				reason: get('reason')
			});
			return { action: 'editVisit', saved: true };
		});
	},
	manualVisit: async (event) => {
		const { get } = await form(event);
		return act('manualVisit', async () => {
			await logVisit(await getDatabase(), who(event), {
				taskingId: int(get('taskingId')),
				unitId: int(get('unitId')),
				cell: get('cell'),
				startedAt: get('startedAt'),
				endedAt: get('endedAt') || null,
				source: 'manual',
				activities: { note: get('note') }
			});
			return { action: 'manualVisit', saved: true };
		});
	}
};
