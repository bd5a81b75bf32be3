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
	'NIBRS 13B': {
		weight: 9,
		range: null,
		approximate: true,
		note: 'simple assault ≈ assault without injury'
	},
	'AGGRAVATED ASSAULT': {
		weight: 380,
		range: null,
		approximate: false,
		note: 'assault with intent to cause serious harm'
	}
};

/**
 * Chicago's Illinois Uniform Crime Reporting (IUCR) codes → the nearest England and Wales offence of
 * the index: a documented crosswalk (docs/tasking.md, "Harm per offence code"). Each row covers the
 * IUCR codes from `from` to `to` (inclusive, compared as upper-case text, so `041A` sorts inside
 * `0410`–`0499`); the first row that holds a code gives its weight. Legal definitions differ between
 * Illinois and England and Wales (Illinois "battery" is an English assault; "aggravated" turns on the
 * weapon or the victim, not only the injury), so a row is `approximate` unless the offences match
 * closely (homicide, robbery, possession of cannabis, shoplifting). The weights are the same rounded
 * estimates in the scale of the index as the category table: check them against the current release.
 * An IUCR code in no row falls back to its category's weight (approximate).
 */
export const IUCR_CROSSWALK: readonly {
	from: string;
	to: string;
	iucr: string;
	eAndW: string;
	weight: number;
	approximate: boolean;
}[] = [
	{
		from: '0110',
		to: '0130',
		iucr: 'homicide: murder',
		eAndW: 'homicide',
		weight: 7797,
		approximate: false
	},
	{
		from: '0141',
		to: '0142',
		iucr: 'involuntary manslaughter, reckless homicide',
		eAndW: 'manslaughter, causing death by dangerous driving',
		weight: 1800,
		approximate: true
	},
	{
		from: '0261',
		to: '0291',
		iucr: 'criminal sexual assault',
		eAndW: 'rape',
		weight: 2000,
		approximate: true
	},
	{
		from: '0312',
		to: '0326',
		iucr: 'armed and aggravated robbery',
		eAndW: 'robbery of personal property (with a weapon)',
		weight: 800,
		approximate: true
	},
	{
		from: '0330',
		to: '0340',
		iucr: 'strong-arm and attempted robbery',
		eAndW: 'robbery of personal property',
		weight: 600,
		approximate: false
	},
	{
		from: '0410',
		to: '0440',
		iucr: 'aggravated battery',
		eAndW: 'wounding with intent to cause serious harm',
		weight: 380,
		approximate: true
	},
	{
		from: '0450',
		to: '0499',
		iucr: 'battery (simple, domestic)',
		eAndW: 'assault with injury',
		weight: 60,
		approximate: true
	},
	{
		from: '0510',
		to: '0555',
		iucr: 'aggravated assault',
		eAndW: 'assault with intent to cause serious harm',
		weight: 380,
		approximate: true
	},
	{
		from: '0560',
		to: '0580',
		iucr: 'simple assault',
		eAndW: 'assault without injury',
		weight: 9,
		approximate: true
	},
	{
		from: '0610',
		to: '0620',
		iucr: 'burglary: forcible or unlawful entry',
		eAndW: 'burglary (residential and business)',
		weight: 300,
		approximate: true
	},
	{
		from: '0630',
		to: '0640',
		iucr: 'attempted burglary',
		eAndW: 'attempted burglary',
		weight: 150,
		approximate: true
	},
	{
		from: '0650',
		to: '0650',
		iucr: 'home invasion',
		eAndW: 'aggravated burglary in a dwelling',
		weight: 700,
		approximate: true
	},
	{
		from: '0810',
		to: '0810',
		iucr: 'theft over $500',
		eAndW: 'other theft',
		weight: 30,
		approximate: true
	},
	{
		from: '0820',
		to: '0850',
		iucr: 'theft $500 and under',
		eAndW: 'other theft',
		weight: 15,
		approximate: true
	},
	{
		from: '0860',
		to: '0860',
		iucr: 'retail theft',
		eAndW: 'shoplifting',
		weight: 5,
		approximate: false
	},
	{
		from: '0865',
		to: '0880',
		iucr: 'pocket-picking, purse-snatching',
		eAndW: 'theft from the person',
		weight: 60,
		approximate: true
	},
	{
		from: '0890',
		to: '0899',
		iucr: 'theft from building, coin-operated machine',
		eAndW: 'other theft',
		weight: 15,
		approximate: true
	},
	{
		from: '0910',
		to: '0935',
		iucr: 'motor vehicle theft',
		eAndW: 'theft or taking of a motor vehicle',
		weight: 80,
		approximate: true
	},
	{
		from: '1010',
		to: '1090',
		iucr: 'arson',
		eAndW: 'arson not endangering life',
		weight: 200,
		approximate: true
	},
	{
		from: '1110',
		to: '1299',
		iucr: 'deceptive practice',
		eAndW: 'fraud and forgery',
		weight: 30,
		approximate: true
	},
	{
		from: '1305',
		to: '1375',
		iucr: 'criminal damage, criminal trespass',
		eAndW: 'criminal damage',
		weight: 15,
		approximate: true
	},
	{
		from: '141A',
		to: '1479',
		iucr: 'weapons violation',
		eAndW: 'possession of weapons',
		weight: 150,
		approximate: true
	},
	{
		from: '1811',
		to: '1812',
		iucr: 'possession of cannabis',
		eAndW: 'possession of cannabis',
		weight: 3,
		approximate: false
	},
	{
		from: '1821',
		to: '1822',
		iucr: 'manufacture or delivery of cannabis',
		eAndW: 'supply of drugs',
		weight: 100,
		approximate: true
	},
	{
		from: '2010',
		to: '2170',
		iucr: 'narcotics (possession to delivery)',
		eAndW: 'drug offences',
		weight: 100,
		approximate: true
	}
];

/** A record's offence code for the tables above: Chicago's IUCR attribute, or a NIBRS code in its type. */
export function offenceCode(originalType: string, iucr?: string | null): string | null {
	const i = iucr?.trim().toUpperCase();
	if (i && /^[0-9A-Z]{3,4}$/.test(i)) return `IUCR ${i.padStart(4, '0')}`;
	const n = /\bNIBRS\s+(\w{2,3})\b/i.exec(originalType);
	return n ? `NIBRS ${n[1].toUpperCase()}` : null;
}

function iucrWeight(code: string): HarmWeight | undefined {
	const row = IUCR_CROSSWALK.find((r) => code >= r.from && code <= r.to);
	return row
		? {
				weight: row.weight,
				range: null,
				approximate: row.approximate,
				note: `IUCR ${code} (${row.iucr}) ≈ ${row.eAndW}`
			}
		: undefined;
}

/**
 * The weight of one record: its offence's when the table or the IUCR crosswalk knows the offence code,
 * else its category's (approximate), else 1. `coded` says whether an offence code gave the weight.
 *
 * @example
 * harmWeight('violence-and-sexual-offences', 'NIBRS 13A'); // { weight: 380, approximate: false, … }
 * harmWeight('robbery', 'IUCR 0330'); // { weight: 600, approximate: false, note: 'IUCR 0330 (strong-arm …) ≈ robbery …' }
 */
export function harmWeight(
	category: string,
	offence?: string | null
): HarmWeight & { coded?: boolean } {
	const code = offence?.trim().toUpperCase();
	const o = code
		? (OFFENCE_WEIGHTS[code] ?? (code.startsWith('IUCR ') ? iucrWeight(code.slice(5)) : undefined))
		: undefined;
	if (o) return { ...o, coded: true };
	return (
		CATEGORY_WEIGHTS[category] ?? {
			weight: 1,
			range: null,
			approximate: true,
			note: 'category not in the table: counted at 1'
		}
	);
}
