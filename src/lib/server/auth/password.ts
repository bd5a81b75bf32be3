/**
 * Password hashing with Argon2id (@node-rs/argon2). Parameters follow the OWASP Password Storage Cheat
 * Sheet's first Argon2id configuration: m = 19 MiB, t = 2, p = 1 (about 30 ms per hash here).
 */
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// `Algorithm` is a const enum in the package's types, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS: Options = {
	algorithm: ARGON2ID,
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1,
	outputLen: 32
};

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches the PHC string `stored`; false for a malformed hash too. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
	if (password.length > MAX_PASSWORD_LENGTH) return false;
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

let dummy: Promise<string> | null = null;

/**
 * Spend the time of a real verification when the username does not exist, so response times do not
 * tell which usernames exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummy ??= hashPassword(randomBytes(16).toString('hex'));
	await verifyPassword(await dummy, password.slice(0, MAX_PASSWORD_LENGTH));
	return false;
}

/** What is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
	if (password.length < MIN_PASSWORD_LENGTH)
		return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
	if (password.length > MAX_PASSWORD_LENGTH)
		return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
	if (username && password.toLowerCase().includes(username.toLowerCase()))
		return 'The password must not contain the username.';
	if (new Set(password).size < 4) return 'Use more than three different characters.';
	return null;
}

/** A random password of 20 URL-safe characters (120 bits), for new accounts and resets. */
export function generatePassword(): string {
	return randomBytes(15).toString('base64url');
}
