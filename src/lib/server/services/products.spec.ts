/** A product draft's request: the period's days are real days (the one check, `isIsoDate`). */
import { describe, expect, it } from 'vitest';
import { draftRequestSchema } from './products';

describe('draftRequestSchema', () => {
	it('refuses 30 February in the period', () => {
		const draft = {
			type: 'briefing',
			title: 'Weekly',
			area: 'borough:E09000001',
			period: { from: '2023-02-30', to: '2023-03-31' }
		};
		const r = draftRequestSchema.safeParse(draft);
		expect(r.success).toBe(false);
		expect(r.error!.issues.map((i) => i.message)).toContain('period.from: not a real date');
	});
});
