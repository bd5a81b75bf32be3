import { describe, expect, it } from 'vitest';
import { observationAccess } from './disclosure';
import { ROLES } from './permissions';

describe('observation access by role', () => {
	it('gives handling code C and the recorded text only to internal roles allowed restricted records', () => {
		const access = Object.fromEntries(ROLES.map((role) => [role, observationAccess({ role })]));
		const full = { includeRestricted: true, recordedText: true };
		const plain = { includeRestricted: false, recordedText: false };
		expect(access).toEqual({
			admin: full,
			analyst: full,
			supervisor: full,
			officer: plain,
			community: plain,
			planner: plain,
			viewer: plain
		});
	});

	it('never opens restricted observations to a public audience or to no user at all', () => {
		expect(observationAccess({ role: 'admin' }, 'public')).toEqual({
			includeRestricted: false,
			recordedText: false
		});
		expect(observationAccess(null)).toEqual({ includeRestricted: false, recordedText: false });
	});
});
