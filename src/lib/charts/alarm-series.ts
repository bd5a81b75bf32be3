/**
 * The chart of an early-warning series — weekly counts as bars (alarm weeks in red) with the method's
 * threshold as a dashed line — as ONE Apache ECharts option, drawn in the browser on an alarm's page
 * and by the server-side renderer into the SVG frozen in an early-warning notice. Shared with the
 * browser: no node imports here.
 */

export interface AlarmChartWeek {
	week: string;
	observed: number;
	threshold: number | null;
	alarm: boolean;
}

/** Colours: grey bars, red alarm weeks, blue dashed threshold (contrast ≥ 3:1 on white). */
export const ALARM_CHART_COLOURS = {
	observed: '#64748b',
	alarm: '#b91c1c',
	threshold: '#1d4ed8'
} as const;

/**
 * The ECharts option of a weekly series with its thresholds (no animation: the same picture in the
 * browser and in the PDF).
 * @example alarmChartOption([{ week: '2024-05-13', observed: 24, threshold: 9.1, alarm: true }])
 */
export function alarmChartOption(weeks: readonly AlarmChartWeek[]): Record<string, unknown> {
	const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
	return {
		animation: false,
		textStyle: { fontFamily: 'system-ui, sans-serif', fontSize: 11 },
		legend: {
			bottom: 0,
			itemGap: 28,
			data: ['Observed (alarm weeks in red)', 'Threshold'],
			textStyle: { color: '#1f2328' }
		},
		grid: { left: 60, right: 16, top: 16, bottom: 64 },
		tooltip: { trigger: 'axis' },
		xAxis: {
			type: 'category',
			name: 'Week starting (Monday)',
			nameLocation: 'middle',
			nameGap: 30,
			data: weeks.map((w) => w.week),
			axisLabel: { color: '#1f2328' }
		},
		yAxis: {
			type: 'value',
			name: 'Incidents per week',
			nameLocation: 'middle',
			nameGap: 36,
			minInterval: 1,
			axisLabel: { color: '#1f2328' }
		},
		series: [
			{
				name: 'Observed (alarm weeks in red)',
				type: 'bar',
				itemStyle: { color: ALARM_CHART_COLOURS.observed },
				data: weeks.map((w) => ({
					value: w.observed,
					itemStyle: { color: w.alarm ? ALARM_CHART_COLOURS.alarm : ALARM_CHART_COLOURS.observed }
				}))
			},
			{
				name: 'Threshold',
				type: 'line',
				data: weeks.map((w) => round(w.threshold)),
				connectNulls: false,
				symbolSize: 4,
				itemStyle: { color: ALARM_CHART_COLOURS.threshold },
				lineStyle: { color: ALARM_CHART_COLOURS.threshold, type: 'dashed', width: 2 }
			}
		]
	};
}
