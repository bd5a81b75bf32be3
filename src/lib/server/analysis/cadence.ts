/**
 * Cadence presets for hot-spot patrol dosage, each with its sources. A supervisor picks one and may
 * change any number; the tasking stores what was used.
 */
export interface CadencePreset {
	id: 'us-koper' | 'uk-cambridge';
	label: string;
	visitMinutes: number;
	/** Visits per spot in an 8-hour shift. */
	targetVisits: number;
	/** At most this many visits per spot in a day. */
	maxVisits: number;
	/** Spots per unit. */
	spotsPerUnit: number;
	summary: string;
	citations: string[];
}

export const CADENCE_PRESETS: readonly CadencePreset[] = [
	{
		id: 'us-koper',
		label: 'US pattern (Koper curve, Sacramento)',
		visitMinutes: 15,
		targetVisits: 4,
		maxVisits: 6,
		spotsPerUnit: 4,
		summary:
			'Visits of 10–16 minutes (15 here), in random order, each spot revisited about every two hours; 1–6 spots per officer.',
		citations: [
			'Koper, C. S. (1995). Just enough police presence: reducing crime and disorderly behavior by optimizing patrol time in crime hot spots. Justice Quarterly 12(4), 649–672.',
			'Telep, C. W., Mitchell, R. J. & Weisburd, D. (2014). How much time should the police spend at crime hot spots? Answers from a police agency directed randomized field trial in Sacramento, California. Justice Quarterly 31(5), 905–933.'
		]
	},
	{
		id: 'uk-cambridge',
		label: 'UK pattern (Cambridge-led trials)',
		visitMinutes: 15,
		targetVisits: 1,
		maxVisits: 2,
		spotsPerUnit: 6,
		summary:
			'One patrol of 15–20 minutes (15 here) a day per spot, as in the Cambridge-led hot-spot trials with PCSOs.',
		citations: [
			'Ariel, B., Weinborn, C. & Sherman, L. W. (2016). "Soft" policing at hot spots—do police community support officers work? A randomized controlled trial. Journal of Experimental Criminology 12(3), 277–317.',
			'Sherman, L. W., Williams, S., Ariel, B., Strang, L. R., Wain, N., Slothower, M. & Norton, A. (2014). An integrated theory of hot spots patrol strategy: implementing prevention by scaling up and feeding back. Journal of Contemporary Criminal Justice 30(2), 95–122.'
		]
	}
];

export function cadencePreset(id: string): CadencePreset | undefined {
	return CADENCE_PRESETS.find((p) => p.id === id);
}
