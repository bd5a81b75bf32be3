import { describe, expect, it } from 'vitest';
import { evaluationRequest, roadEvaluationQuerySchema } from './road-safety';

describe('evaluationRequest', () => {
	it('reads a circle site and the default control (everything else)', () => {
		const q = roadEvaluationQuerySchema.parse({
			lat: '51.5165',
			lon: '-0.0771',
			radius: '650',
			schemeDate: '2023-02-01',
			periodDays: '28'
		});
		expect(evaluationRequest(q)).toEqual({
			site: { lon: -0.0771, lat: 51.5165, radiusM: 650 },
			control: null,
			schemeDate: '2023-02-01',
			periodDays: 28,
			gapDays: undefined,
			confidence: undefined
		});
	});

	it('reads an area site with a control area, a gap and a confidence level', () => {
		const q = roadEvaluationQuerySchema.parse({
			site: 'borough:E09000001',
			control: 'borough:E09000033',
			schemeDate: '2023-07-01',
			periodDays: '181',
			gapDays: '14',
			confidence: '0.9'
		});
		expect(evaluationRequest(q)).toEqual({
			site: { area: 'borough:E09000001' },
			control: 'borough:E09000033',
			schemeDate: '2023-07-01',
			periodDays: 181,
			gapDays: 14,
			confidence: 0.9
		});
	});
});
