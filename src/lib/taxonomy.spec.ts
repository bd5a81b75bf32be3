import { describe, expect, it } from 'vitest';
import {
	CATEGORIES,
	CATEGORY_CODES,
	categoryFromChicago,
	categoryFromPoliceUk,
	categoryFromText,
	categoryWithChildren,
	classifyChicago,
	lookupCategory,
	SOURCE_TYPE_TABLES,
	topLevelCategory
} from './taxonomy';

describe('taxonomy', () => {
	it('has police.uk’s 14 groups, one sub-category and other, with unique kebab-case codes', () => {
		expect(CATEGORIES.map((c) => c.code)).toEqual([...CATEGORY_CODES]);
		expect(CATEGORIES.filter((c) => c.parent === null && c.code !== 'other')).toHaveLength(14);
		for (const c of CATEGORIES) expect(c.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
		expect(CATEGORIES.filter((c) => c.proactive).map((c) => c.code)).toEqual([
			'drugs',
			'possession-of-weapons'
		]);
		expect(CATEGORIES.filter((c) => c.sensitiveByDefault).map((c) => c.code)).toEqual([
			'sexual-offences'
		]);
	});

	it('maps every police.uk type seen in the real files, and the pre-2013 names', () => {
		const seen = [
			'Violence and sexual offences',
			'Anti-social behaviour',
			'Public order',
			'Criminal damage and arson',
			'Other theft',
			'Shoplifting',
			'Vehicle crime',
			'Burglary',
			'Drugs',
			'Other crime',
			'Bicycle theft',
			'Theft from the person',
			'Possession of weapons',
			'Robbery'
		];
		for (const t of seen) expect(categoryFromPoliceUk(t)).not.toBe('other');
		expect(categoryFromPoliceUk('Violent crime')).toBe('violence-and-sexual-offences');
		expect(categoryFromPoliceUk('Public disorder and weapons')).toBe('public-order');
		expect(categoryFromPoliceUk('Something new')).toBe('other');
	});

	it('maps every Chicago primary type, with description refinements and sensitivity', () => {
		for (const [t, code] of Object.entries(SOURCE_TYPE_TABLES.chicago))
			expect(categoryFromChicago(t)).toBe(code);
		expect(Object.keys(SOURCE_TYPE_TABLES.chicago).length).toBeGreaterThanOrEqual(35);
		expect(categoryFromChicago('CRIMINAL SEXUAL ASSAULT')).toBe('sexual-offences');
		expect(categoryFromChicago('NON - CRIMINAL')).toBe('other');
		expect(categoryFromChicago('THEFT', 'RETAIL THEFT')).toBe('shoplifting');
		expect(categoryFromChicago('THEFT', 'POCKET-PICKING')).toBe('theft-from-the-person');
		expect(categoryFromChicago('THEFT', '$500 AND UNDER')).toBe('other-theft');
		expect(classifyChicago('OFFENSE INVOLVING CHILDREN')).toEqual({
			category: 'violence-and-sexual-offences',
			sensitive: true
		});
		expect(classifyChicago('BATTERY').sensitive).toBe(false);
	});

	it('looks up codes, labels, aliases and NIBRS names for mapped files', () => {
		expect(lookupCategory('criminal-damage-arson')).toBe('criminal-damage-arson');
		expect(lookupCategory('Criminal damage and arson')).toBe('criminal-damage-arson');
		expect(lookupCategory('violent-crime')).toBe('violence-and-sexual-offences');
		expect(categoryFromText('Aggravated Assault')).toBe('violence-and-sexual-offences');
		expect(categoryFromText('WEAPONS VIOLATION')).toBe('possession-of-weapons');
		expect(lookupCategory('cyber')).toBeNull();
		expect(categoryFromText('cyber')).toBe('other');
	});

	it('rolls sexual offences up into violence and sexual offences', () => {
		expect(topLevelCategory('sexual-offences')).toBe('violence-and-sexual-offences');
		expect(topLevelCategory('burglary')).toBe('burglary');
		expect(categoryWithChildren('violence-and-sexual-offences')).toEqual([
			'violence-and-sexual-offences',
			'sexual-offences'
		]);
	});
});
