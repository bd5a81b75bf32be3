import { describe, expect, it } from 'vitest';
import { IUCR_CROSSWALK, harmWeight, offenceCode } from './harm-index';

describe('offence codes and the IUCR crosswalk', () => {
	it('reads an IUCR attribute (padded, upper-cased) before a NIBRS code in the type text', () => {
		expect(offenceCode('BATTERY', '486')).toBe('IUCR 0486');
		expect(offenceCode('WEAPONS VIOLATION', '143a')).toBe('IUCR 143A');
		expect(offenceCode('Aggravated assault (NIBRS 13A)', null)).toBe('NIBRS 13A');
		expect(offenceCode('Violence and sexual offences', null)).toBeNull();
		expect(offenceCode('THEFT', ' ')).toBeNull();
	});

	it('weighs each IUCR code by its crosswalk row; a code in no row falls back to the category', () => {
		expect(harmWeight('violence-and-sexual-offences', 'IUCR 0110')).toMatchObject({
			weight: 7797,
			approximate: false,
			coded: true
		});
		// Simple battery and aggravated battery differ about six-fold inside one broad category.
		expect(harmWeight('violence-and-sexual-offences', 'IUCR 0486').weight).toBe(60);
		expect(harmWeight('violence-and-sexual-offences', 'IUCR 041A')).toMatchObject({
			weight: 380,
			approximate: true
		});
		expect(harmWeight('violence-and-sexual-offences', 'IUCR 0560').weight).toBe(9);
		expect(harmWeight('shoplifting', 'IUCR 0860')).toMatchObject({ weight: 5, approximate: false });
		expect(harmWeight('drugs', 'IUCR 1811').weight).toBe(3);
		const unknown = harmWeight('other-crime', 'IUCR 5000');
		expect(unknown).toMatchObject({ weight: 20, approximate: true });
		expect(unknown.coded).toBeUndefined();
		expect(harmWeight('violence-and-sexual-offences').coded).toBeUndefined();
	});

	it('has rows in order that do not overlap', () => {
		for (const r of IUCR_CROSSWALK) expect(r.from <= r.to).toBe(true);
		for (let i = 1; i < IUCR_CROSSWALK.length; i++)
			expect(IUCR_CROSSWALK[i - 1].to < IUCR_CROSSWALK[i].from).toBe(true);
	});
});
