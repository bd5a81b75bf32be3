import { describe, expect, it } from 'vitest';
import {
	ASSESSMENT_STYLES,
	assessmentStyle,
	handlingStyle,
	letterColour
} from './observation-style';

describe('observation symbols', () => {
	it('gives each assessment its own Okabe–Ito colour and a letter that contrasts with it', () => {
		expect(ASSESSMENT_STYLES.map((s) => [s.code, s.colour])).toEqual([
			['A', '#0072b2'],
			['B', '#009e73'],
			['C', '#e69f00'],
			['D', '#cc79a7'],
			['E', '#d55e00']
		]);
		// Blue takes white letters (contrast 5.2 against 4.0 for black), orange black ones.
		expect(letterColour('#0072b2')).toEqual([255, 255, 255, 255]);
		expect(letterColour('#e69f00')).toEqual([17, 24, 39, 255]);
		expect(assessmentStyle('B').label).toBe('known indirectly but corroborated');
	});

	it('marks handling code C by a thick black ring, anything unknown as restricted', () => {
		expect(handlingStyle('P')).toMatchObject({ width: 1.5, line: [255, 255, 255, 255] });
		expect(handlingStyle('C')).toMatchObject({ width: 3, line: [17, 24, 39, 255] });
		expect(handlingStyle('X').code).toBe('C');
	});
});
