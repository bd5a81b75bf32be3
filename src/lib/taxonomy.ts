/**
 * Beatwise's normalised crime taxonomy (documented in docs/taxonomy.md).
 *
 * The top level is data.police.uk's 14 street-crime groups — the common denominator of the sources we
 * import — plus `other` for anything that cannot be mapped (or is not a crime, e.g. Chicago NON-CRIMINAL).
 * One sub-category, `sexual-offences`, sits under `violence-and-sexual-offences` so that sources which
 * do separate sexual offences (Chicago) can mark them sensitive and keep them apart; `topLevelCategory`
 * folds it back into its parent when comparing with police.uk.
 *
 * Shared with the browser: no node imports here.
 */

export const CATEGORY_CODES = [
	'anti-social-behaviour',
	'bicycle-theft',
	'burglary',
	'criminal-damage-arson',
	'drugs',
	'other-theft',
	'possession-of-weapons',
	'public-order',
	'robbery',
	'shoplifting',
	'theft-from-the-person',
	'vehicle-crime',
	'violence-and-sexual-offences',
	'sexual-offences',
	'other-crime',
	'other'
] as const;

export type CategoryCode = (typeof CATEGORY_CODES)[number];

export interface Category {
	code: CategoryCode;
	label: string;
	description: string;
	/** Set for sub-categories: the top-level group the category rolls up to. */
	parent: CategoryCode | null;
	/**
	 * Mostly found by proactive policing (stop and search, patrols) rather than reported by victims, so
	 * counts measure police activity as much as crime; the forecasting bias guard can exclude them.
	 */
	proactive: boolean;
	/** Never shown at fine resolution in community outputs (DESIGN §5). */
	sensitiveByDefault: boolean;
}

function category(
	code: CategoryCode,
	label: string,
	description: string,
	flags: { parent?: CategoryCode; proactive?: boolean; sensitive?: boolean } = {}
): Category {
	return {
		code,
		label,
		description,
		parent: flags.parent ?? null,
		proactive: flags.proactive ?? false,
		sensitiveByDefault: flags.sensitive ?? false
	};
}

export const CATEGORIES: readonly Category[] = [
	category(
		'anti-social-behaviour',
		'Anti-social behaviour',
		'Personal, environmental and nuisance anti-social behaviour (police.uk; not a notifiable crime).'
	),
	category('bicycle-theft', 'Bicycle theft', 'Taking a bicycle without consent.'),
	category(
		'burglary',
		'Burglary',
		'Entering a building (home or business) as a trespasser to steal, damage or harm.'
	),
	category(
		'criminal-damage-arson',
		'Criminal damage and arson',
		'Damage to buildings, vehicles or other property, including by fire.'
	),
	category('drugs', 'Drugs', 'Possession, supply and production of controlled drugs.', {
		proactive: true
	}),
	category(
		'other-theft',
		'Other theft',
		'Theft not covered by bicycle, shoplifting, person or vehicle theft (e.g. from buildings).'
	),
	category(
		'possession-of-weapons',
		'Possession of weapons',
		'Possessing a firearm, knife or other offensive weapon (including licensing offences).',
		{ proactive: true }
	),
	category(
		'public-order',
		'Public order',
		'Offences causing fear, alarm or distress; disorder; public peace violations.'
	),
	category('robbery', 'Robbery', 'Theft with the use or threat of force against a person.'),
	category('shoplifting', 'Shoplifting', 'Theft from shops and other retail premises.'),
	category(
		'theft-from-the-person',
		'Theft from the person',
		'Theft directly from a person without force (pickpocketing, snatch theft).'
	),
	category(
		'vehicle-crime',
		'Vehicle crime',
		'Theft of or from a vehicle, and interfering with a vehicle.'
	),
	category(
		'violence-and-sexual-offences',
		'Violence and sexual offences',
		'Offences against the person: homicide, assault with or without injury, harassment, kidnapping, and (police.uk) sexual offences.'
	),
	category(
		'sexual-offences',
		'Sexual offences',
		'Rape, sexual assault and other sexual offences, where the source distinguishes them.',
		{ parent: 'violence-and-sexual-offences', sensitive: true }
	),
	category(
		'other-crime',
		'Other crime',
		'Crimes not in another group: fraud and deception, trespass, gambling, prostitution, other offences.'
	),
	category(
		'other',
		'Other / unmapped',
		'Records whose type could not be mapped to the taxonomy, or that are not crimes (non-criminal reports). The original type is always kept.'
	)
];

const BY_CODE = new Map<CategoryCode, Category>(CATEGORIES.map((c) => [c.code, c]));

export function isCategoryCode(value: string): value is CategoryCode {
	return BY_CODE.has(value as CategoryCode);
}

export function categoryInfo(code: CategoryCode): Category {
	return BY_CODE.get(code)!;
}

/** The police.uk-level group a code rolls up to (itself for top-level codes). */
export function topLevelCategory(code: CategoryCode): CategoryCode {
	return BY_CODE.get(code)?.parent ?? code;
}

/** A code and its sub-categories: what a filter on that code must include. */
export function categoryWithChildren(code: CategoryCode): CategoryCode[] {
	return [code, ...CATEGORIES.filter((c) => c.parent === code).map((c) => c.code)];
}

/** Text key used for every lookup: lower case, any run of non-alphanumerics collapsed to one space. */
function key(text: string): string {
	return text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

/**
 * data.police.uk "Crime type" values: the 14 current names, plus the names used before May 2013
 * ("Violent crime", "Public disorder and weapons") and before 2011 ("Other crime" was already there).
 * "Public disorder and weapons" cannot be split, so it goes to public order (the larger share).
 */
const POLICE_UK: Record<string, CategoryCode> = {
	'Anti-social behaviour': 'anti-social-behaviour',
	'Bicycle theft': 'bicycle-theft',
	Burglary: 'burglary',
	'Criminal damage and arson': 'criminal-damage-arson',
	Drugs: 'drugs',
	'Other theft': 'other-theft',
	'Possession of weapons': 'possession-of-weapons',
	'Public order': 'public-order',
	Robbery: 'robbery',
	Shoplifting: 'shoplifting',
	'Theft from the person': 'theft-from-the-person',
	'Vehicle crime': 'vehicle-crime',
	'Violence and sexual offences': 'violence-and-sexual-offences',
	'Other crime': 'other-crime',
	// Before May 2013.
	'Violent crime': 'violence-and-sexual-offences',
	'Public disorder and weapons': 'public-order'
};
const POLICE_UK_BY_KEY = new Map(Object.entries(POLICE_UK).map(([k, v]) => [key(k), v]));

/** Result of classifying a source type: the category and whether this type is sensitive in itself. */
export interface Classification {
	category: CategoryCode;
	sensitive: boolean;
}

/**
 * Chicago data-portal "Primary Type" values (all used since 2001, with their spelling variants).
 * `sensitive` marks types that are sensitive although their category is not (child victims, stalking,
 * domestic violence, trafficking).
 */
const CHICAGO: Record<string, CategoryCode | [CategoryCode, 'sensitive']> = {
	ARSON: 'criminal-damage-arson',
	ASSAULT: 'violence-and-sexual-offences',
	BATTERY: 'violence-and-sexual-offences',
	BURGLARY: 'burglary',
	'CONCEALED CARRY LICENSE VIOLATION': 'possession-of-weapons',
	'CRIM SEXUAL ASSAULT': 'sexual-offences',
	'CRIMINAL SEXUAL ASSAULT': 'sexual-offences',
	'CRIMINAL DAMAGE': 'criminal-damage-arson',
	'CRIMINAL TRESPASS': 'other-crime',
	'DECEPTIVE PRACTICE': 'other-crime',
	'DOMESTIC VIOLENCE': ['violence-and-sexual-offences', 'sensitive'],
	GAMBLING: 'other-crime',
	HOMICIDE: 'violence-and-sexual-offences',
	'HUMAN TRAFFICKING': ['violence-and-sexual-offences', 'sensitive'],
	'INTERFERENCE WITH PUBLIC OFFICER': 'other-crime',
	INTIMIDATION: 'violence-and-sexual-offences',
	KIDNAPPING: 'violence-and-sexual-offences',
	'LIQUOR LAW VIOLATION': 'public-order',
	'MOTOR VEHICLE THEFT': 'vehicle-crime',
	NARCOTICS: 'drugs',
	'OTHER NARCOTIC VIOLATION': 'drugs',
	'NON-CRIMINAL': 'other',
	'NON - CRIMINAL': 'other',
	'NON-CRIMINAL (SUBJECT SPECIFIED)': 'other',
	OBSCENITY: 'other-crime',
	'OFFENSE INVOLVING CHILDREN': ['violence-and-sexual-offences', 'sensitive'],
	'OTHER OFFENSE': 'other-crime',
	PROSTITUTION: 'other-crime',
	'PUBLIC INDECENCY': 'sexual-offences',
	'PUBLIC PEACE VIOLATION': 'public-order',
	RITUALISM: 'other-crime',
	ROBBERY: 'robbery',
	'SEX OFFENSE': 'sexual-offences',
	STALKING: ['violence-and-sexual-offences', 'sensitive'],
	THEFT: 'other-theft',
	'WEAPONS VIOLATION': 'possession-of-weapons'
};
const CHICAGO_BY_KEY = new Map(Object.entries(CHICAGO).map(([k, v]) => [key(k), v]));

/**
 * Chicago THEFT descriptions that police.uk would count in a more specific group. Matched on the
 * Description column when the adapter passes it.
 */
const CHICAGO_THEFT_DESCRIPTIONS: [RegExp, CategoryCode][] = [
	[/^retail theft/i, 'shoplifting'],
	[/pocket.?picking|purse.?snatching/i, 'theft-from-the-person'],
	[/from motor vehicle/i, 'vehicle-crime']
];

/** Other names accepted by `categoryFromText`: police.uk API slugs, NIBRS offences, common words. */
const ALIASES: Record<string, CategoryCode> = {
	'violent-crime': 'violence-and-sexual-offences',
	'criminal-damage-arson': 'criminal-damage-arson',
	'aggravated assault': 'violence-and-sexual-offences',
	'13a': 'violence-and-sexual-offences',
	'simple assault': 'violence-and-sexual-offences',
	'13b': 'violence-and-sexual-offences',
	assault: 'violence-and-sexual-offences',
	violence: 'violence-and-sexual-offences',
	homicide: 'violence-and-sexual-offences',
	murder: 'violence-and-sexual-offences',
	rape: 'sexual-offences',
	'sexual offence': 'sexual-offences',
	'sexual offense': 'sexual-offences',
	asb: 'anti-social-behaviour',
	'antisocial behaviour': 'anti-social-behaviour',
	'antisocial behavior': 'anti-social-behaviour',
	'anti social behavior': 'anti-social-behaviour',
	arson: 'criminal-damage-arson',
	'criminal damage': 'criminal-damage-arson',
	vandalism: 'criminal-damage-arson',
	narcotics: 'drugs',
	'drug offences': 'drugs',
	weapons: 'possession-of-weapons',
	'weapons violation': 'possession-of-weapons',
	theft: 'other-theft',
	'motor vehicle theft': 'vehicle-crime',
	'theft from motor vehicle': 'vehicle-crime',
	'retail theft': 'shoplifting',
	pickpocketing: 'theft-from-the-person',
	fraud: 'other-crime'
};

const TEXT_BY_KEY = new Map<string, CategoryCode>();
for (const c of CATEGORIES) {
	TEXT_BY_KEY.set(key(c.code), c.code);
	TEXT_BY_KEY.set(key(c.label), c.code);
}
for (const [k, v] of POLICE_UK_BY_KEY) TEXT_BY_KEY.set(k, v);
for (const [k, v] of CHICAGO_BY_KEY) TEXT_BY_KEY.set(k, typeof v === 'string' ? v : v[0]);
for (const [k, v] of Object.entries(ALIASES)) TEXT_BY_KEY.set(key(k), v);

/**
 * Category of a data.police.uk "Crime type"; `other` when the type is unknown (the adapter keeps the
 * original text, so nothing is lost).
 * @example categoryFromPoliceUk('Violence and sexual offences') // 'violence-and-sexual-offences'
 */
export function categoryFromPoliceUk(crimeType: string): CategoryCode {
	return POLICE_UK_BY_KEY.get(key(crimeType)) ?? 'other';
}

/**
 * Category and type-level sensitivity of a Chicago "Primary Type", optionally refined by the
 * "Description" column (RETAIL THEFT → shoplifting, POCKET-PICKING → theft from the person, ...).
 */
export function classifyChicago(primaryType: string, description = ''): Classification {
	const entry = CHICAGO_BY_KEY.get(key(primaryType));
	if (entry === undefined) return { category: 'other', sensitive: false };
	let category = typeof entry === 'string' ? entry : entry[0];
	const typeSensitive = typeof entry !== 'string';
	if (category === 'other-theft' && description) {
		const refined = CHICAGO_THEFT_DESCRIPTIONS.find(([re]) => re.test(description.trim()));
		if (refined) category = refined[1];
	}
	return { category, sensitive: typeSensitive || categoryInfo(category).sensitiveByDefault };
}

/**
 * Category of a Chicago "Primary Type" (optionally refined by "Description"); `other` when unknown.
 * @example categoryFromChicago('CRIM SEXUAL ASSAULT') // 'sexual-offences'
 */
export function categoryFromChicago(primaryType: string, description = ''): CategoryCode {
	return classifyChicago(primaryType, description).category;
}

/**
 * Lookup for free text from mapped files: a category code or label, a police.uk type, a Chicago
 * primary type, a police.uk API slug, a NIBRS offence name/code, or a common alias — matched ignoring
 * case, spacing and punctuation. Returns null when nothing matches.
 */
export function lookupCategory(text: string): CategoryCode | null {
	return TEXT_BY_KEY.get(key(text)) ?? null;
}

/**
 * Like `lookupCategory` but never fails: unmatched text becomes `other`.
 * @example categoryFromText('Aggravated Assault') // 'violence-and-sexual-offences'
 */
export function categoryFromText(text: string): CategoryCode {
	return lookupCategory(text) ?? 'other';
}

/** The police.uk names and Chicago primary types the taxonomy maps, for documentation and tests. */
export const SOURCE_TYPE_TABLES = {
	policeUk: POLICE_UK,
	chicago: Object.fromEntries(
		Object.entries(CHICAGO).map(([k, v]) => [k, typeof v === 'string' ? v : v[0]])
	) as Record<string, CategoryCode>
};
