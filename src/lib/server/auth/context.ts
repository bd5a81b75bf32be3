/** Process-wide auth settings and state, from the environment. */
import { env } from '../env';
import { signInLimits, type SignInLimits } from './accounts';
import type { SessionPolicy } from './session';

let limits: SignInLimits | null = null;

export function sessionPolicy(): SessionPolicy {
	const a = env().auth;
	return { sessionMs: a.sessionMs, idleMs: a.idleMs };
}

/** The sign-in failure limiters of this process. */
export function processSignInLimits(): SignInLimits {
	limits ??= signInLimits(env().auth);
	return limits;
}
