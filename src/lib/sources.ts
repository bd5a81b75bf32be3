/**
 * The source register's vocabulary (DESIGN §1, issue 13): kinds and ILP source categories. Shared with
 * the browser: no node imports here.
 */

export const SOURCE_KINDS = ['internal', 'open'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * ILP source categories by kind: internal (police and government holdings) and open (everyone else).
 * `recorded-crime` is the police's own crime records (incident imports).
 */
export const SOURCE_CATEGORIES: Record<SourceKind, readonly string[]> = {
	internal: [
		'recorded-crime',
		'officer',
		'investigation',
		'surveillance',
		'border',
		'transactions',
		'taxation'
	],
	open: ['community', 'social-media', 'newspapers', 'transport', 'commercial', 'civil-society']
};

export const CATEGORY_LABELS: Record<string, string> = {
	'recorded-crime': 'Recorded crime',
	officer: 'Officers’ observations',
	investigation: 'Investigations',
	surveillance: 'Surveillance',
	border: 'Border',
	transactions: 'Financial transactions',
	taxation: 'Taxation',
	community: 'Community',
	'social-media': 'Social media',
	newspapers: 'Newspapers',
	transport: 'Transport',
	commercial: 'Commercial',
	'civil-society': 'Civil society'
};

/** The kind a category belongs to, or null for a category outside the list. */
export function kindOfCategory(category: string): SourceKind | null {
	for (const kind of SOURCE_KINDS) if (SOURCE_CATEGORIES[kind].includes(category)) return kind;
	return null;
}
