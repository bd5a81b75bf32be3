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
			legend: { top: 0 },
			grid: { left: 150, right: 20, top: 30, bottom: 30 },
			xAxis: { type: 'value', minInterval: 1 },
			yAxis: { type: 'category', data: q.categories, inverse: true },
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
			legend: { top: 0 },
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
