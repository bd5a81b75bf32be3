import { describe, expect, it } from 'vitest';
import { controlCharacterProblem, escapeControlCharacters } from './control-characters';

describe('control characters in input', () => {
	it('names the first control character and where it is', () => {
		expect(controlCharacterProblem('ab\u0000c')).toBe(
			'has a control character (U+0000) at character 3'
		);
		expect(controlCharacterProblem('\u007f')).toBe(
			'has a control character (U+007F) at character 1'
		);
		expect(controlCharacterProblem('x\u0085')).toBe(
			'has a control character (U+0085) at character 2'
		);
		expect(controlCharacterProblem('Ünïcødé name-1.2')).toBeNull();
	});

	it('escapes every control character and leaves the rest', () => {
		expect(escapeControlCharacters('a\u0000b\nc\u009f')).toBe('a\\u{0}b\\u{a}c\\u{9f}');
		expect(escapeControlCharacters('plain')).toBe('plain');
	});
});
