/** The supervisor view's shift choices, list length and risk formatting. */
import { fmt } from '$lib/components/views/view-params';

export const SHIFT_CHOICES = [
	{ value: 'early', label: 'Early', hours: '07:00–15:00' },
	{ value: 'late', label: 'Late', hours: '15:00–23:00' },
	{ value: 'night', label: 'Night', hours: '23:00–07:00' }
] as const;

/** How many ranked cells the list shows (numbered on the map). */
export const LISTED = 25;

/** A risk value with the decimals its size needs. */
export const riskText = (v: number) => fmt(v, v >= 10 ? 1 : 2);
