/**
 * Control characters in user input (C0 controls, DEL and C1 controls; NUL included). No field of the
 * product holds them, and PostgreSQL refuses NUL in text outright, so input with one is answered with a
 * 400 that says where it is, before it reaches the database.
 *
 * Shared with the browser: no node imports here.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Where the first control character of `value` is, as a phrase for an error message, or null when it
 * has none.
 * @example controlCharacterProblem('ab\u0000c') // "has a control character (U+0000) at character 3"
 * @example controlCharacterProblem('alice') // null
 */
export function controlCharacterProblem(value: string): string | null {
	const m = CONTROL.exec(value);
	if (!m) return null;
	const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
	return `has a control character (U+${code}) at character ${m.index + 1}`;
}

/**
 * `value` with control characters written as `\u{…}` escapes: safe to store and show (the audit trail
 * records what was tried without refusing to store it).
 * @example escapeControlCharacters('ab\u0000') // "ab\\u{0}"
 */
export function escapeControlCharacters(value: string): string {
	return value.replace(
		new RegExp(CONTROL.source, 'g'),
		(c) => `\\u{${c.charCodeAt(0).toString(16)}}`
	);
}
