/**
 * Product charts, drawn by Apache ECharts' server-side renderer into SVG when a product is drafted
 * (frozen with it, like its numbers). Every chart goes into the product beside a table of the same
 * numbers (`chart` blocks require one). Colours: Okabe–Ito, readable by colour-blind readers.
 */
import * as echarts from 'echarts';
import { alarmChartOption, type AlarmChartWeek } from '../../charts/alarm-series';

export const PALETTE = [
	'#0072B2',
	'#E69F00',
	'#009E73',
	'#CC79A7',
	'#56B4E9',
	'#D55E00',
	'#000000'
];

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
	const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
	try {
		chart.setOption({
			animation: false,
			color: PALETTE,
			textStyle: { fontFamily: 'system-ui, sans-serif', fontSize: 11 },
			...option
		});
		return chart.renderToSVGString();
	} finally {
		chart.dispose();
	}
}

/**
 * Bars per category for several series side by side (e.g. this period against a year before).
 * @example groupedBars({ categories: ['Burglary'], series: [{ name: '2024', values: [12] }] })
 */
export function groupedBars(q: {
	categories: string[];
	series: { name: string; values: (number | null)[] }[];
	width?: number;
	height?: number;
}): string {
	return render(
		{
			legend: { top: 0, itemGap: 32 },
			grid: { left: 190, right: 20, top: 30, bottom: 30 },
			xAxis: { type: 'value', minInterval: 1 },
			// Long category names wrap inside the margin (the PDF's font is wider than the renderer measures).
			yAxis: {
				type: 'category',
				data: q.categories,
				inverse: true,
				axisLabel: { width: 170, overflow: 'break' }
			},
			series: q.series.map((s) => ({ name: s.name, type: 'bar', data: s.values }))
		},
		q.width ?? 640,
		q.height ?? Math.max(160, 40 + q.categories.length * 34)
	);
}

/**
 * Lines over a shared x axis (e.g. months of the year, one line per year).
 */
export function lines(q: {
	x: string[];
	series: { name: string; values: (number | null)[] }[];
	yName?: string;
	width?: number;
	height?: number;
}): string {
	return render(
		{
			legend: { top: 0, itemGap: 32 },
			grid: { left: 50, right: 20, top: 34, bottom: 30 },
			xAxis: { type: 'category', data: q.x },
			yAxis: { type: 'value', name: q.yName, minInterval: 1 },
			series: q.series.map((s) => ({
				name: s.name,
				type: 'line',
				data: s.values,
				connectNulls: false,
				symbolSize: 4
			}))
		},
		q.width ?? 640,
		q.height ?? 260
	);
}

/**
 * Small multiples: one small line chart per panel on a grid, each with its own y scale (the shape of
 * each series matters, not its size) and a shared x axis of periods.
 */
export function smallMultiples(q: {
	x: string[];
	panels: { title: string; values: (number | null)[] }[];
	columns?: number;
	width?: number;
	panelHeight?: number;
}): string {
	const columns = q.columns ?? 3;
	const width = q.width ?? 660;
	const ph = q.panelHeight ?? 110;
	const rows = Math.ceil(q.panels.length / columns);
	const cw = width / columns;
	const option: echarts.EChartsCoreOption = {
		title: q.panels.map((p, i) => ({
			text: p.title,
			left: (i % columns) * cw + 8,
			top: Math.floor(i / columns) * ph,
			textStyle: { fontSize: 11, fontWeight: 'bold' }
		})),
		grid: q.panels.map((_, i) => ({
			left: (i % columns) * cw + 36,
			top: Math.floor(i / columns) * ph + 22,
			width: cw - 50,
			height: ph - 48
		})),
		xAxis: q.panels.map((_, i) => ({
			type: 'category',
			gridIndex: i,
			data: q.x,
			axisLabel: { fontSize: 9, interval: Math.max(0, Math.ceil(q.x.length / 4) - 1) }
		})),
		yAxis: q.panels.map((_, i) => ({
			type: 'value',
			gridIndex: i,
			minInterval: 1,
			splitNumber: 2,
			axisLabel: { fontSize: 9 }
		})),
		series: q.panels.map((p, i) => ({
			type: 'line',
			xAxisIndex: i,
			yAxisIndex: i,
			data: p.values,
			symbol: 'none',
			lineStyle: { width: 1.5 },
			color: PALETTE[0]
		}))
	};
	return render(option, width, Math.max(ph, rows * ph));
}

/**
 * An early-warning series: weekly counts (alarm weeks in red) and the threshold, the same option the
 * alarm's page draws in the browser (`$lib/charts/alarm-series`).
 */
export function alarmSeriesChart(
	weeks: readonly AlarmChartWeek[],
	width = 660,
	height = 300
): string {
	const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
	try {
		chart.setOption({ ...alarmChartOption(weeks), tooltip: undefined });
		return chart.renderToSVGString();
	} finally {
		chart.dispose();
	}
}

export interface IntervalRow {
	/** Short: the chart's left margin holds about 32 characters. */
	label: string;
	/** Point estimate; null when undefined (a zero count). */
	estimate: number | null;
	lower: number;
	/** Null: unbounded. */
	upper: number | null;
}

/**
 * Ratios with their confidence intervals on a log scale, one row each, with a line at 1 (no change).
 * Zero lower bounds and unbounded upper ones are drawn to the edge of the axis (the table beside the
 * chart gives the exact values).
 */
export function intervals(q: { rows: IntervalRow[]; xName: string; width?: number }): string {
	const finite = q.rows.flatMap((r) =>
		[r.lower, r.estimate, r.upper].filter(
			(v): v is number => v !== null && v > 0 && Number.isFinite(v)
		)
	);
	const min = Math.max(0.01, Math.min(0.5, ...finite) / 1.5);
	const max = Math.min(100, Math.max(2, ...finite) * 1.5);
	const clamp = (v: number | null, fallback: number) =>
		v === null || !Number.isFinite(v) ? fallback : Math.min(max, Math.max(min, v));
	const labels = q.rows.map((r) => r.label);
	return render(
		{
			grid: { left: 130, right: 30, top: 20, bottom: 44 },
			xAxis: {
				type: 'log',
				min,
				max,
				name: q.xName,
				nameLocation: 'middle',
				nameGap: 26,
				axisLabel: { formatter: (v: number) => String(Number(v.toPrecision(2))) }
			},
			yAxis: { type: 'category', data: labels, inverse: true },
			series: [
				{
					type: 'custom',
					name: 'interval',
					renderItem: (
						_: unknown,
						api: { value(i: number): number; coord(v: number[]): number[] }
					) => {
						const lo = api.coord([api.value(0), api.value(2)]);
						const hi = api.coord([api.value(1), api.value(2)]);
						const cap = 6;
						const stroke = { stroke: PALETTE[0], lineWidth: 2 };
						return {
							type: 'group',
							children: [
								{
									type: 'line',
									shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] },
									style: stroke
								},
								{
									type: 'line',
									shape: { x1: lo[0], y1: lo[1] - cap, x2: lo[0], y2: lo[1] + cap },
									style: stroke
								},
								{
									type: 'line',
									shape: { x1: hi[0], y1: hi[1] - cap, x2: hi[0], y2: hi[1] + cap },
									style: stroke
								}
							]
						};
					},
					encode: { x: [0, 1], y: 2 },
					data: q.rows.map((r, i) => [clamp(r.lower, min), clamp(r.upper, max), i])
				},
				{
					type: 'scatter',
					name: 'estimate',
					symbolSize: 10,
					color: PALETTE[5],
					// A zero estimate has no place on a log scale: the table gives it.
					data: q.rows.flatMap((r, i) =>
						r.estimate === null || r.estimate <= 0 ? [] : [[clamp(r.estimate, min), i]]
					),
					markLine: {
						silent: true,
						symbol: 'none',
						label: { formatter: 'no change', position: 'start' },
						lineStyle: { color: '#57606a', type: 'dashed' },
						data: [{ xAxis: 1 }]
					}
				}
			]
		},
		q.width ?? 660,
		Math.max(140, 64 + q.rows.length * 34)
	);
}
