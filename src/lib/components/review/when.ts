/** A date and time as the review pages show it ("7 Dec 2026, 21:40"). */
export const when = (iso: string) =>
	new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
