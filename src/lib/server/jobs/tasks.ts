/**
 * The heavy statistics a worker may run, by kind: plain data in (structured-cloneable, typed arrays
 * where large), plain data out. Services gather inputs from the database on the request thread and
 * hand the arithmetic to a `Compute`: the worker pool's in the server, `computeInline` in the CLI and
 * unit tests (same functions, same results).
 */
import { aoristicProfile, type AoristicOptions, type AoristicResult } from '../analysis/aoristic';
import {
	emergingHotSpots,
	type EmergingOptions,
	type EmergingResult
} from '../analysis/emerging-hotspots';
import { checkSeries, type CheckPlan } from '../analysis/early-warning-plan';
import { knoxTest, type KnoxEvent, type KnoxOptions, type KnoxResult } from '../analysis/knox';
import type { SpatialWeights } from '../analysis/weights';

/** Called with the work done and the work in total (same unit, e.g. permutations). */
export type Progress = (done: number, total: number) => void;

/** What a task may use: progress reporting and the memory it may size buffers by. */
export interface TaskContext {
	progress: Progress;
	memoryMb: number;
}

export interface KnoxTaskInput {
	events: KnoxEvent[];
	options: Omit<KnoxOptions, 'onProgress' | 'maxPairs'>;
}

export interface AoristicTaskInput {
	/** Window start and end of each incident, epoch milliseconds. */
	from: Float64Array;
	to: Float64Array;
	options: AoristicOptions;
}

export interface EmergingTaskInput {
	weights: SpatialWeights;
	steps: number;
	counts: Float64Array;
	options: EmergingOptions;
}

export interface EarlyWarningTaskInput {
	plan: Pick<CheckPlan, 'method' | 'weekDays' | 'checkIndexes'>;
	/** Weekly counts of every series, series after series (`plan.weekDays.length` each). */
	counts: Int32Array;
}

/** An alarm of one series of an early-warning task: its index in the input and its week. */
export interface EarlyWarningTaskAlarm {
	series: number;
	index: number;
	observed: number;
	threshold: number;
	expected: number;
}

/** Share of a worker's memory budget the Knox distance list may take (the rest is for everything else). */
const KNOX_MEMORY_SHARE = 0.5;

export const TASKS = {
	/** Knox near-repeat test (permutations report progress). */
	knox: (input: KnoxTaskInput, ctx: TaskContext): KnoxResult =>
		knoxTest(input.events, {
			...input.options,
			maxPairs: Math.floor((ctx.memoryMb * 1_048_576 * KNOX_MEMORY_SHARE) / 9),
			onProgress: ctx.progress
		}),
	/** Aoristic hour × weekday profile. */
	aoristic: (input: AoristicTaskInput, ctx: TaskContext): AoristicResult => {
		const n = input.from.length;
		const result = aoristicProfile(
			(function* () {
				for (let i = 0; i < n; i++) {
					if (i % 10_000 === 0) ctx.progress(i, n);
					yield { from: input.from[i], to: input.to[i] };
				}
			})(),
			input.options
		);
		ctx.progress(n, n);
		return result;
	},
	/** Emerging hot spots over a space-time cube. */
	emerging: (input: EmergingTaskInput, ctx: TaskContext): EmergingResult => {
		ctx.progress(0, 1);
		const result = emergingHotSpots(
			{ weights: input.weights, steps: input.steps, counts: input.counts },
			input.options
		);
		ctx.progress(1, 1);
		return result;
	},
	/** Early-warning alarms over many weekly series (one plan). */
	earlyWarning: (input: EarlyWarningTaskInput, ctx: TaskContext): EarlyWarningTaskAlarm[] => {
		const n = input.plan.weekDays.length;
		const total = input.counts.length / n;
		const alarms: EarlyWarningTaskAlarm[] = [];
		for (let s = 0; s < total; s++) {
			if (s % 50 === 0) ctx.progress(s, total);
			const counts = Array.from(input.counts.subarray(s * n, (s + 1) * n));
			for (const c of checkSeries(counts, input.plan, true))
				if (c.alarm)
					alarms.push({
						series: s,
						index: c.index,
						observed: c.observed,
						threshold: c.threshold!,
						expected: c.expected!
					});
		}
		ctx.progress(total, total);
		return alarms;
	}
} as const;

export type TaskKind = keyof typeof TASKS;
export type TaskInput<K extends TaskKind> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskKind> = ReturnType<(typeof TASKS)[K]>;

export function isTaskKind(value: unknown): value is TaskKind {
	return typeof value === 'string' && Object.hasOwn(TASKS, value);
}

/** Runs a heavy statistic somewhere (a worker, or this thread) and resolves with its result. */
export type Compute = <K extends TaskKind>(kind: K, input: TaskInput<K>) => Promise<TaskOutput<K>>;

/** Run on this thread: the CLI, scripts and unit tests, where nothing else is waiting. */
export const computeInline: Compute = async (kind, input) =>
	(TASKS[kind] as (i: typeof input, c: TaskContext) => TaskOutput<typeof kind>)(input, {
		progress: () => {},
		memoryMb: 1024
	});
