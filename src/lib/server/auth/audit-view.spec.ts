import { describe, expect, it } from 'vitest';
import { describeAudit } from './audit-view';
import { analysisRunDetail } from './analysis-audit';
import type { AuditRow } from '../db/queries/audit';

const row = (action: string, object: string | null, detail: Record<string, unknown>): AuditRow => ({
	id: 1,
	at: new Date('2026-01-05T09:30:00Z'),
	userId: 3,
	username: 'demo-analyst',
	action,
	object,
	detail,
	ip: '127.0.0.1',
	userAgent: 'test'
});

describe('analysisRunDetail', () => {
	it('keeps the areas and period the answer used, else what was asked', () => {
		expect(
			analysisRunDetail({
				statistic: 'hotspots',
				query: { area: ['borough:E09000001'], res: 9, categories: [] },
				parameters: {
					areas: [{ id: 4, kind: 'borough', code: 'E09000001', name: 'City of London' }],
					bbox: null,
					res: 9,
					from: '2020-01-01',
					to: '2020-12-31'
				},
				outcome: 'ok'
			})
		).toEqual({
			statistic: 'hotspots',
			areas: [{ kind: 'borough', code: 'E09000001', name: 'City of London' }],
			area: ['borough:E09000001'],
			bbox: null,
			kind: null,
			from: '2020-01-01',
			to: '2020-12-31',
			date: null,
			categories: [],
			res: 9,
			outcome: 'ok'
		});
		const refused = analysisRunDetail({
			statistic: 'change',
			query: { by: 'area', kind: 'lsoa', from: '2020-01-01', to: '2020-06-30' },
			outcome: { refused: 'kind: no areas of kind "lsoa"' }
		});
		expect(refused).toMatchObject({
			areas: null,
			kind: 'lsoa',
			from: '2020-01-01',
			to: '2020-06-30',
			outcome: 'refused',
			message: 'kind: no areas of kind "lsoa"'
		});
	});
});

describe('describeAudit', () => {
	it('reads an analysis run as who ran what, where and over which period', () => {
		const line = describeAudit(
			row(
				'analysis.run',
				'hotspots',
				analysisRunDetail({
					statistic: 'hotspots',
					query: {},
					parameters: { areas: [{ name: 'City of London' }], from: '2020-01-01', to: '2020-12-31' },
					outcome: 'ok'
				})
			)
		);
		expect(line).toMatchObject({
			who: 'demo-analyst',
			what: 'Ran hot spots (Gi*)',
			area: 'City of London',
			period: '2020-01-01 – 2020-12-31',
			at: '2026-01-05T09:30:00.000Z'
		});
		expect(JSON.parse(line.detail).statistic).toBe('hotspots');
	});

	it('says a refused run was refused, and a change map by kind covers every area of it', () => {
		const line = describeAudit(
			row('analysis.run', 'change', {
				statistic: 'change',
				kind: 'lsoa',
				outcome: 'refused',
				message: 'no data'
			})
		);
		expect(line.what).toBe('Ran change map — refused: no data');
		expect(line.area).toBe('every lsoa');
		expect(line.period).toBe('');
	});

	it('reads record views, exports, sign-ins and account changes', () => {
		expect(
			describeAudit(row('incidents.view', 'cell:89194ad3047ffff', { returned: 12, res: 9 }))
		).toMatchObject({ what: 'Viewed 12 incident records', area: 'cell 89194ad3047ffff' });
		expect(
			describeAudit(
				row('observations.view', 'area:4', {
					view: 'neighbourhood',
					area: { name: 'City of London' },
					returned: 1
				})
			)
		).toMatchObject({ what: 'Viewed 1 observation (neighbourhood page)', area: 'City of London' });
		expect(
			describeAudit(
				row('export', 'cells:area', {
					kind: 'cells',
					rows: 1500,
					bbox: [-0.1, 51.5, -0.08, 51.52],
					from: '2020-01-01',
					to: '2020-01-01'
				})
			)
		).toMatchObject({
			what: 'Exported 1,500 rows of cells',
			area: 'box -0.1000, 51.5000, -0.0800, 51.5200',
			period: '2020-01-01'
		});
		expect(describeAudit(row('login.failure', null, { reason: 'wrong-password' })).what).toBe(
			'Sign-in failed (wrong password)'
		);
		expect(describeAudit(row('user.create', 'user:bob', { role: 'planner' })).what).toBe(
			'Created account bob (planner)'
		);
		expect(describeAudit(row('something.new', 'x:1', {})).what).toBe('something.new x:1');
	});
});
