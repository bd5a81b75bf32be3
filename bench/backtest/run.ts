/**
 * Forecast accuracy of the default model against the baseline recent:28 (and recent:N where monthly
 * data needs it), on the tuning data and on held-out data. `npx tsx bench/backtest/run.ts` prints the
 * table and writes the "Forecast accuracy" section of bench/RESULTS.md; `--sweep` runs a grid of settings
 * on held-out data (section "Forecast accuracy: settings sweep"); `--tune` searches the default model's
 * settings on the tuning runs only and prints the best ones (nothing is written).
 */
import { backtest, type BacktestResult } from '../../src/lib/server/analysis/backtest';
import {
	PROSPECTIVE_DEFAULTS,
	forecastModel,
	prospectiveModel,
	type ProspectiveOptions
} from '../../src/lib/server/analysis/forecast-models';
import { writeResultsSection } from '../results';
import {
	CHICAGO,
	CITY_OF_LONDON,
	DFT_CITY,
	TUNING_RUNS,
	VALIDATION_RUNS,
	loadEvents,
	type Run
} from './datasets';

function runModel(run: Run, model: ReturnType<typeof forecastModel>): BacktestResult {
	return backtest(loadEvents(run.source, run.res), {
		from: run.from,
		to: run.to,
		stepDays: run.stepDays,
		horizonDays: run.horizonDays,
		coverage: run.coverage,
		model,
		hours: run.hours ?? null
	});
}

/** Worst ratio model/baseline over both metrics and all runs (> 1: beats the baseline everywhere). */
function worstRatio(runs: Run[], opts: ProspectiveOptions, baselines: BacktestResult[]): number {
	let worst = Infinity;
	runs.forEach((run, i) => {
		const m = runModel(run, prospectiveModel(opts)).mean!;
		const b = baselines[i].mean!;
		worst = Math.min(worst, m.pai / b.pai, m.pei / b.pei);
	});
	return worst;
}

async function tune(): Promise<void> {
	const baselines = TUNING_RUNS.map((r) => runModel(r, forecastModel('recent:28')));
	const grid: ProspectiveOptions[] = [];
	for (const longTermWeight of [0.3, 0.6, 1])
		for (const ring1Weight of [0.5, 1])
			for (const ring2Weight of [0.15, 0.3])
				for (const timeScaleWeights of [
					[0, 0.3, 0.4],
					[0.15, 0.25, 0.3]
				])
					for (const offShiftWeight of [0.2, 0.4, 0.7])
						grid.push({
							longTermWeight,
							ring1Weight,
							ring2Weight,
							timeScaleWeights,
							offShiftWeight
						});
	const scored = grid.map((opts) => ({ opts, worst: worstRatio(TUNING_RUNS, opts, baselines) }));
	scored.sort((a, b) => b.worst - a.worst);
	for (const s of scored.slice(0, 10)) console.log(s.worst.toFixed(3), JSON.stringify(s.opts));
}

const f = (v: number, d = 2) => v.toFixed(d);

async function report(): Promise<void> {
	const rows: string[] = [
		'| data | run | rows | study cells | origins | model | hit rate | PAI | PEI | baseline | hit rate | PAI | PEI |',
		'| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |'
	];
	const section = (title: string, runs: Run[]) => {
		rows.push(`| **${title}** | | | | | | | | | | | | |`);
		for (const run of runs) {
			const monthly = run.source.date === 'Month';
			const baselines = monthly ? ['recent:28', 'recent:31'] : ['recent:28'];
			const m = runModel(run, forecastModel('prospective'));
			for (const name of baselines) {
				const b = runModel(run, forecastModel(name));
				const ok = m.mean!.pai > b.mean!.pai && m.mean!.pei > b.mean!.pei ? '' : ' ✗';
				rows.push(
					`| ${run.source.id} | ${run.label} | ${loadEvents(run.source, run.res).length} | ${m.studyCells} | ${m.origins.length} | ${m.model}${ok} | ${f(m.mean!.hitRate * 100, 1)} % | ${f(m.mean!.pai)} | ${f(m.mean!.pei, 3)} | ${b.model} | ${f(b.mean!.hitRate * 100, 1)} % | ${f(b.mean!.pai)} | ${f(b.mean!.pei, 3)} |`
				);
				console.log(rows[rows.length - 1]);
			}
		}
	};
	section('tuning', TUNING_RUNS);
	section('held out', VALIDATION_RUNS);
	const body = `\`npx tsx bench/backtest/run.ts\` (${new Date().toISOString().slice(0, 10)}). Rolling-origin backtests
(docs/analysis.md, "Forecast accuracy") of the default model \`prospective\` against the baseline \`recent:28\`;
monthly police.uk data (all rows dated the 1st) also against \`recent:31\` ("last month"), since a 28-day window
misses the previous month's 1st in 31-day months. Origins: from, from + step, … (the run's label gives resolution,
horizon and coverage); monthly data uses daily origins with a 1-day horizon, so each month's 1st is one origin
and the other days are skipped. The model's settings (${JSON.stringify(PROSPECTIVE_DEFAULTS)}) were chosen on the
tuning rows only (\`--tune\`); every other row is held out. ✗ marks a row where the model does not beat the
baseline on both mean PAI and mean PEI.

${rows.join('\n')}`;
	await writeResultsSection('Forecast accuracy', body);
}

/** Held-out settings grid: every resolution, coverage and horizon, where the model may lose. */
async function sweep(): Promise<void> {
	const runs: Run[] = [];
	for (const res of [7, 8, 9, 10])
		for (const coverage of [0.01, 0.05, 0.2])
			for (const [stepDays, horizonDays] of [
				[7, 7],
				[14, 28],
				[3, 1]
			])
				runs.push({
					source: CHICAGO,
					label: '2019',
					res,
					from: '2019-01-01',
					to: '2019-12-20',
					stepDays,
					horizonDays,
					coverage
				});
	for (const res of [8, 9, 10])
		for (const coverage of [0.02, 0.1, 0.3])
			runs.push({
				source: CITY_OF_LONDON,
				label: '2016–17 months',
				res,
				from: '2016-02-01',
				to: '2017-06-01',
				stepDays: 1,
				horizonDays: 1,
				coverage
			});
	for (const res of [8, 9])
		for (const coverage of [0.05, 0.2])
			runs.push({
				source: DFT_CITY,
				label: '2023',
				res,
				from: '2023-02-01',
				to: '2023-12-01',
				stepDays: 7,
				horizonDays: 14,
				coverage
			});
	const rows = [
		'| data | res | step / horizon (days) | coverage | PAI model | PAI recent:28 | PEI model | PEI recent:28 | beats |',
		'| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |'
	];
	let wins = 0;
	const losses: string[] = [];
	for (const run of runs) {
		const m = runModel(run, forecastModel('prospective')).mean!;
		const b = runModel(run, forecastModel('recent:28')).mean!;
		const ok = m.pai > b.pai && m.pei > b.pei;
		if (ok) wins++;
		else
			losses.push(
				`${run.source.id} ${run.label} res ${run.res}, coverage ${run.coverage}`.replace(/ +/g, ' ')
			);
		rows.push(
			`| ${run.source.id} ${run.label} | ${run.res} | ${run.stepDays} / ${run.horizonDays} | ${run.coverage} | ${f(m.pai)} | ${f(b.pai)} | ${f(m.pei, 3)} | ${f(b.pei, 3)} | ${ok ? 'yes' : '**no**'} |`
		);
		console.log(rows[rows.length - 1]);
	}
	await writeResultsSection(
		'Forecast accuracy: settings sweep',
		`\`npx tsx bench/backtest/run.ts --sweep\` (${new Date().toISOString().slice(0, 10)}): the default model against
\`recent:28\` over a grid of resolutions, coverages and horizons on held-out data. It beats the baseline on both
mean PAI and mean PEI in ${wins} of ${runs.length} settings.${losses.length ? ` It does not in: ${losses.join('; ')}.` : ''}

${rows.join('\n')}`
	);
}

if (process.argv.includes('--tune')) await tune();
else if (process.argv.includes('--sweep')) await sweep();
else await report();
