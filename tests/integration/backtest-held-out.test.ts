/**
 * The default forecast model against the baseline recent:28 on data it was not tuned on (its settings were
 * chosen on Chicago 2011–2014 only, bench/backtest/run.ts --tune): other years, resolutions, coverages,
 * horizons and shifts in Chicago, police.uk months in the City of London, DfT road collisions. The full
 * table, with every held-out run, is in bench/RESULTS.md ("Forecast accuracy").
 */
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/lib/server/analysis/backtest';
import { forecastModel } from '../../src/lib/server/analysis/forecast-models';
import { VALIDATION_RUNS, loadEvents, type Run } from '../../bench/backtest/datasets';
import { hasShared, withoutShared } from '../helpers/db';

const picked = [
	'2017–19 r9 7d 5%',
	'2017–19 r8 28d 10%',
	'2018–19 r9 7d 3% night shift',
	'2016–17 months r10 5%',
	'2023 r10 28d 10%'
];

function mean(run: Run, model: string) {
	const r = backtest(loadEvents(run.source, run.res), {
		from: run.from,
		to: run.to,
		stepDays: run.stepDays,
		horizonDays: run.horizonDays,
		coverage: run.coverage,
		model: forecastModel(model),
		hours: run.hours ?? null
	});
	expect(r.origins.length).toBeGreaterThan(5);
	return r.mean!;
}

describe.skipIf(withoutShared())('default forecast model on held-out data', () => {
	const runs = hasShared ? VALIDATION_RUNS.filter((r) => picked.includes(r.label)) : [];
	it('covers the picked runs', () => {
		expect(runs.map((r) => r.label).sort()).toEqual([...picked].sort());
	});
	for (const run of runs)
		it(`${run.source.id}, ${run.label}: beats recent:28 on mean PAI and mean PEI`, () => {
			const m = mean(run, 'prospective');
			const b = mean(run, 'recent:28');
			expect(m.pai).toBeGreaterThan(b.pai);
			expect(m.pei).toBeGreaterThan(b.pei);
			if (run.source.date === 'Month') {
				// Monthly data: recent:28 often sees no month at all; "last month" is the fair baseline.
				const lastMonth = mean(run, 'recent:31');
				expect(m.pai).toBeGreaterThan(lastMonth.pai);
				expect(m.pei).toBeGreaterThan(lastMonth.pei);
			}
		});
});
