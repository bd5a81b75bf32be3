/**
 * The early-warning notice (issue 14): an alarm of the early-warning check turned into a product an
 * analyst reviews and publishes — the weekly series as a chart (the alarm page's ECharts option, drawn
 * into SVG) with its table, the alarm's observed count against its threshold, the method with every
 * parameter, the area, category and weeks — frozen when drafted, so later imports and checks change
 * nothing in it. The alarm links to its notice (one per alarm: drafting again opens the first).
 *
 * Composes the alerts service (the alarm as the reader may see it, its series, the link) and the
 * products store; routes call it.
 */
import type { Database } from '../db/client';
import {
	alarmFor,
	alarmSeries,
	EARLY_WARNING_METHODS,
	linkAlarmNotice,
	type AlarmRow,
	type AlarmSeries,
	type AlertReader
} from '../services/alerts';
import { createDraft, type Product, type ProductActor } from '../services/products';
import type { ProductBlock, ProductContent } from '../../contracts/products';
import { categoryInfo, isCategoryCode } from '../../taxonomy';
import { alarmSeriesChart } from './charts';

const DAY_MS = 86_400_000;

const num = (v: number | null) =>
	v === null ? null : Number.isInteger(v) ? v : Math.round(v * 100) / 100;

const dayLabel = (iso: string) =>
	new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	});

/** The category's label ("Burglary") or its code as stored. */
export function categoryLabel(code: string): string {
	return isCategoryCode(code) ? categoryInfo(code).label : code;
}

/** Sentences from the numbers: the alarm, its size against the threshold, the weeks around it. */
export function noticeSummary(alarm: AlarmRow, series: AlarmSeries): string[] {
	const m = EARLY_WARNING_METHODS[alarm.method];
	const what = categoryLabel(alarm.category).toLowerCase();
	const out = [
		`${alarm.observed} incidents of ${what} were recorded in ${alarm.areaName} in the week starting ${dayLabel(alarm.week)}, above the ${m.name} threshold of ${num(alarm.threshold)} (expected ${num(alarm.expected)}).`
	];
	if (alarm.expected > 0)
		out.push(
			`That is ${(alarm.observed / alarm.expected).toFixed(1)} times the expected level for the week.`
		);
	const others = series.weeks.filter((w) => w.alarm && w.week !== alarm.week);
	const checked = series.weeks.filter((w) => w.threshold !== null).length;
	out.push(
		others.length
			? `${others.length} other week${others.length === 1 ? '' : 's'} of the ${series.weeks.length} shown ${others.length === 1 ? 'was' : 'were'} also above ${others.length === 1 ? 'its' : 'their'} threshold: ${others.map((w) => w.week).join(', ')}.`
			: `No other week of the ${series.weeks.length} shown was above its threshold (${checked} had one).`
	);
	out.push(
		'An alarm is a signal that the count is unusually high for this area and time of year, not an explanation: the analyst’s assessment below says what is behind it.'
	);
	return out;
}

/** The notice's frozen content (no product stored). */
export function noticeContent(alarm: AlarmRow, series: AlarmSeries): ProductContent {
	const m = EARLY_WARNING_METHODS[alarm.method];
	const label = categoryLabel(alarm.category);
	const weekEnd = new Date(Date.parse(`${alarm.week}T00:00:00Z`) + 6 * DAY_MS)
		.toISOString()
		.slice(0, 10);
	const seriesTable = {
		caption: `Weekly counts of ${label.toLowerCase()} in ${alarm.areaName} with the ${m.name} threshold`,
		columns: ['week starting', 'observed', 'expected', 'threshold', 'alarm'],
		rows: series.weeks.map((w) => [
			w.week,
			w.observed,
			num(w.expected),
			num(w.threshold),
			w.alarm ? (w.week === alarm.week ? 'alarm (this notice)' : 'alarm') : ''
		]),
		notes: series.note ? [`Weeks without a threshold: ${series.note}.`] : undefined
	};
	const blocks: ProductBlock[] = [
		{
			kind: 'table',
			heading: 'The alarm',
			table: {
				caption: `Alarm ${alarm.id}: ${label} in ${alarm.areaName}, week of ${alarm.week}`,
				columns: ['item', 'value'],
				rows: [
					['area', `${alarm.areaName} (${alarm.areaKind} ${alarm.areaCode})`],
					['category', label],
					['week', `Monday ${alarm.week} to Sunday ${weekEnd}`],
					['observed', alarm.observed],
					['expected', num(alarm.expected)],
					['threshold', num(alarm.threshold)],
					['method', m.name]
				]
			}
		},
		{
			kind: 'chart',
			heading: 'Weekly counts and threshold',
			caption: `Weekly ${label.toLowerCase()} in ${alarm.areaName}, ${series.weeks[0]?.week ?? alarm.week} to ${series.weeks.at(-1)?.week ?? alarm.week}: counts as bars (alarm weeks in red), the threshold as a dashed line`,
			svg: alarmSeriesChart(series.weeks),
			table: seriesTable
		},
		{
			kind: 'table',
			heading: 'Method and parameters',
			table: {
				caption: `${m.name[0].toUpperCase()}${m.name.slice(1)}: parameters`,
				columns: ['parameter', 'value'],
				rows: Object.entries(m.parameters).map(([k, v]) => [k, String(v)]),
				notes: [
					m.reference,
					'Weekly counts are whole Monday–Sunday weeks of incidents dated to the day, in the area, from the exact rollups as imported when the notice was drafted.',
					alarm.method === 'farrington'
						? 'The threshold is the 95 % quantile of a negative binomial around the expected count fitted to the same weeks of the previous five years (past outbreaks down-weighted); a week above it happens by chance about once in twenty weeks.'
						: 'The threshold is the mean of the 7 weeks before a 2-week gap plus 3.09 standard deviations (α = 0.001); it has no seasonal adjustment, being used where there are not five years of history.'
				]
			}
		},
		{
			kind: 'fields',
			heading: 'Analyst’s assessment',
			items: [
				{ label: 'Assessment (what is behind the rise)', value: '' },
				{ label: 'Recommended action', value: '' },
				{ label: 'Analyst contact', value: '' }
			]
		}
	];
	return {
		summary: noticeSummary(alarm, series),
		blocks,
		parameters: {
			alarmId: alarm.id,
			runId: alarm.runId,
			area: { id: alarm.areaId, kind: alarm.areaKind, code: alarm.areaCode },
			category: alarm.category,
			week: alarm.week,
			method: alarm.method,
			methodParameters: m.parameters,
			observed: alarm.observed,
			expected: alarm.expected,
			threshold: alarm.threshold,
			weeksShown: { from: series.weeks[0]?.week ?? null, to: series.weeks.at(-1)?.week ?? null }
		}
	};
}

/**
 * Draft the notice of an alarm the reader may see and link the alarm to it; an alarm that already has
 * its notice returns that product's id (no second draft).
 */
export async function draftAlarmNotice(
	db: Database,
	reader: AlertReader,
	alarmId: number,
	actor: ProductActor
): Promise<{ id: number; created: boolean }> {
	const alarm = await alarmFor(db, reader, alarmId);
	if (alarm.noticeProductId !== null) return { id: alarm.noticeProductId, created: false };
	const series = await alarmSeries(db, alarm);
	const weekEnd = new Date(Date.parse(`${alarm.week}T00:00:00Z`) + 6 * DAY_MS)
		.toISOString()
		.slice(0, 10);
	const p: Product = await createDraft(
		db,
		{
			type: 'early-warning-notice',
			title: `${categoryLabel(alarm.category)} in ${alarm.areaName}: early-warning notice, week of ${dayLabel(alarm.week)}`,
			area: alarm.areaId,
			period: { from: alarm.week, to: weekEnd, label: `week of ${dayLabel(alarm.week)}` },
			audience: 'internal',
			handlingCode: 'P',
			content: noticeContent(alarm, series)
		},
		actor
	);
	await linkAlarmNotice(db, reader, alarm.id, p.id);
	return { id: p.id, created: true };
}
