/**
 * Harm weights for a harm-weighted tasking, from the Office for National Statistics' Crime Severity
 * Score (CSS): each offence's weight is the average days of imprisonment its convictions attract, with
 * community orders and fines converted to prison-day equivalents (ONS, "Research outputs: developing a
 * Crime Severity Score for England and Wales using data on crimes recorded by the police", 29 November
 * 2016; weights: ONS dataset "Crime Severity Score (experimental statistics)").
 *
 * Beatwise's categories are police.uk's broad groups, which span offences of very different weights:
 * "violence and sexual offences" runs from assault without injury (about 9) to homicide (7,797 in the
 * 2016 release). A category weight here is therefore **approximate**: a typical weight for the group's
 * commonest offences, with the range of the offences it holds, and the UI says so (`approximate: true`).
 * Where a record carries an offence code this table knows (`OFFENCE_WEIGHTS`), that weight is used and is
 * not approximate. The numbers are rounded; check them against the dataset's current release before an
 * operational decision rests on them (docs/tasking.md, Harm weights).
 */
export interface HarmWeight {
	weight: number;
	/** The range of ONS CSS weights of the offences the category holds, where known. */
	range: [number, number] | null;
	approximate: boolean;
	note: string;
}

export const HARM_INDEX = {
	id: 'ons-css-2016',
	name: 'ONS Crime Severity Score (experimental statistics, 2016 release)',
	source:
		'Office for National Statistics (2016). Research outputs: developing a Crime Severity Score for England and Wales using data on crimes recorded by the police. https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/articles/researchoutputsdevelopingacrimeseverityscoreforenglandandwalesusingdataoncrimesrecordedbythepolice/2016-11-29'
} as const;

/** Per Beatwise category (police.uk groups): approximate, see the module note. */
export const CATEGORY_WEIGHTS: Record<string, HarmWeight> = {
	'anti-social-behaviour': {
		weight: 1,
		range: null,
		approximate: true,
		note: 'not a notifiable crime: no CSS weight; counted at 1'
	},
	'bicycle-theft': { weight: 20, range: null, approximate: true, note: 'theft of a pedal cycle' },
	burglary: {
		weight: 300,
		range: [100, 450],
		approximate: true,
		note: 'residential and business burglary differ several-fold'
	},
	'criminal-damage-arson': {
		weight: 15,
		range: [5, 600],
		approximate: true,
		note: 'criminal damage is low; arson endangering life is high'
	},
	drugs: {
		weight: 3,
		range: [3, 900],
		approximate: true,
		note: 'possession of cannabis (3) to trafficking; mostly found by proactive policing'
	},
	'other-theft': {
		weight: 15,
		range: [5, 60],
		approximate: true,
		note: 'thefts not listed elsewhere'
	},
	'possession-of-weapons': {
		weight: 150,
		range: [50, 700],
		approximate: true,
		note: 'knives to firearms; mostly found by proactive policing'
	},
	'public-order': { weight: 20, range: [5, 200], approximate: true, note: 'public order offences' },
	robbery: {
		weight: 700,
		range: [400, 1000],
		approximate: true,
		note: 'robbery of personal and of business property'
	},
	shoplifting: { weight: 5, range: null, approximate: true, note: 'theft from a shop' },
	'theft-from-the-person': {
		weight: 60,
		range: null,
		approximate: true,
		note: 'e.g. pickpocketing'
	},
	'vehicle-crime': {
		weight: 25,
		range: [10, 80],
		approximate: true,
		note: 'theft from and of vehicles, interference'
	},
	'violence-and-sexual-offences': {
		weight: 60,
		range: [9, 7797],
		approximate: true,
		note: 'assault without injury (about 9) to homicide (7,797): the widest category'
	},
	'sexual-offences': {
		weight: 900,
		range: [20, 2600],
		approximate: true,
		note: 'from exposure to rape'
	},
	'other-crime': { weight: 20, range: null, approximate: true, note: 'other notifiable crime' },
	other: {
		weight: 1,
		range: null,
		approximate: true,
		note: 'not a crime or not mapped: counted at 1'
	}
};

/**
 * Per offence, where a source records it (original type, upper-cased, e.g. Chicago's primary type
 * and description, or NIBRS codes). Weights of the nearest England and Wales offence.
 */
export const OFFENCE_WEIGHTS: Record<string, HarmWeight> = {
	HOMICIDE: { weight: 7797, range: null, approximate: false, note: 'murder and other homicide' },
	'NIBRS 13A': {
		weight: 380,
		range: null,
		approximate: false,
		note: 'aggravated assault ≈ assault with intent to cause serious harm'
	},
	'AGGRAVATED ASSAULT': {
		weight: 380,
		range: null,
		approximate: false,
		note: 'assault with intent to cause serious harm'
	}
};

/**
 * The weight of one record: its offence's when the table knows the offence, else its category's
 * (approximate), else 1.
 *
 * @example
 * harmWeight('violence-and-sexual-offences', 'NIBRS 13A'); // { weight: 380, approximate: false, … }
 */
export function harmWeight(category: string, offence?: string | null): HarmWeight {
	const o = offence ? OFFENCE_WEIGHTS[offence.trim().toUpperCase()] : undefined;
	if (o) return o;
	return (
		CATEGORY_WEIGHTS[category] ?? {
			weight: 1,
			range: null,
			approximate: true,
			note: 'category not in the table: counted at 1'
		}
	);
}
