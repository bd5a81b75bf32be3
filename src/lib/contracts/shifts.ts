/**
 * The supervisor's shifts: names, hours and labels, shared by the supervisor and forecast-accuracy
 * services, their request schemas and the supervisor page.
 *
 * Shared with the browser: no node imports here.
 */
export const SHIFTS = {
	early: { label: 'Early (07:00–15:00)', startHour: 7, hours: 8 },
	late: { label: 'Late (15:00–23:00)', startHour: 15, hours: 8 },
	night: { label: 'Night (23:00–07:00)', startHour: 23, hours: 8 }
} as const;
export type ShiftName = keyof typeof SHIFTS;
export const SHIFT_NAMES = ['early', 'late', 'night'] as const satisfies readonly ShiftName[];

/** `value` as a shift name, or `fallback` when it names none. */
export function shiftName(
	value: string | null | undefined,
	fallback: ShiftName = 'late'
): ShiftName {
	return value != null && Object.hasOwn(SHIFTS, value) ? (value as ShiftName) : fallback;
}
