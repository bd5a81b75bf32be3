/**
 * A pool of worker threads for heavy statistics, so a long analysis never holds the request thread:
 * `/api/health` and map requests are answered while it runs.
 *
 * Each task runs under budgets: a time budget (the worker is terminated when it is spent), a memory
 * budget (V8 `resourceLimits`; a worker out of memory stops with a clear error, the server does not),
 * a limit of tasks per owner (running or waiting), and a bounded queue. A task is cancelled by its
 * AbortSignal (a request's signal aborts when the client disconnects): waiting, it leaves the queue;
 * running, its worker is terminated. Progress messages from the worker reach `onProgress`.
 */
import { Worker } from 'node:worker_threads';
import { AnalysisInputError } from '../analysis/weights';
import type { Progress, TaskInput, TaskKind, TaskOutput } from './tasks';
import { workerEntry, type WorkerEntry } from './worker-entry';

export type JobErrorCode =
	| 'E_JOB_LIMIT'
	| 'E_JOB_BUSY'
	| 'E_JOB_TIME'
	| 'E_JOB_MEMORY'
	| 'E_JOB_CANCELLED'
	| 'E_JOB_CRASHED';

const STATUS: Record<JobErrorCode, number> = {
	E_JOB_LIMIT: 429,
	E_JOB_BUSY: 503,
	E_JOB_TIME: 413,
	E_JOB_MEMORY: 413,
	E_JOB_CANCELLED: 499,
	E_JOB_CRASHED: 500
};

/** A task that did not finish because of the pool (limits, budgets, cancellation, a crash). */
export class JobError extends Error {
	readonly status: number;
	constructor(
		readonly code: JobErrorCode,
		message: string
	) {
		super(message);
		this.name = 'JobError';
		this.status = STATUS[code];
	}
}

/** What a user calls each kind in messages. */
export const TASK_LABELS: Record<TaskKind, string> = {
	knox: 'near-repeat test',
	aoristic: 'time profile',
	emerging: 'emerging hot-spot analysis',
	earlyWarning: 'early-warning check'
};

export interface PoolOptions {
	workers: number;
	/** Default time budget of a task. */
	timeLimitMs: number;
	memoryMb: number;
	perOwner: number;
	maxQueued: number;
	entry?: WorkerEntry;
}

export interface RunOptions {
	/** Whose task (a user id): at most `perOwner` of theirs run or wait at once. */
	owner: string;
	signal?: AbortSignal;
	onProgress?: Progress;
	/** Called when the task starts on a worker. */
	onStart?: () => void;
	/** Time budget of this task (default the pool's). */
	timeLimitMs?: number;
	/** Appended to budget messages: what the user can do instead (e.g. run it in the background). */
	hint?: string;
	/**
	 * The budget runs from the call, waiting for a worker included (a request someone waits for);
	 * otherwise from the start on a worker (a background job).
	 */
	budgetIncludesWait?: boolean;
}

interface Task {
	id: number;
	kind: TaskKind;
	input: unknown;
	options: RunOptions;
	worker?: Worker;
	timer?: ReturnType<typeof setTimeout>;
	settled: boolean;
	resolve(value: unknown): void;
	reject(error: Error): void;
	onAbort(): void;
}

type WorkerMessage =
	| { type: 'progress'; id: number; done: number; total: number }
	| { type: 'done'; id: number; result: unknown }
	| { type: 'error'; id: number; error: { name: string; code?: string; message: string } };

export interface PoolStats {
	workers: number;
	running: number;
	queued: number;
}

export class WorkerPool {
	private readonly entry: WorkerEntry;
	private readonly live = new Set<Worker>();
	private readonly idle: Worker[] = [];
	private readonly running = new Map<Worker, Task>();
	private readonly queue: Task[] = [];
	private readonly perOwner = new Map<string, number>();
	private nextId = 1;
	private closed = false;

	constructor(private readonly options: PoolOptions) {
		this.entry = options.entry ?? workerEntry();
	}

	stats(): PoolStats {
		return { workers: this.live.size, running: this.running.size, queued: this.queue.length };
	}

	/** Tasks of an owner running or waiting. */
	activeFor(owner: string): number {
		return this.perOwner.get(owner) ?? 0;
	}

	run<K extends TaskKind>(
		kind: K,
		input: TaskInput<K>,
		options: RunOptions
	): Promise<TaskOutput<K>> {
		return new Promise<TaskOutput<K>>((resolve, reject) => {
			const label = TASK_LABELS[kind];
			if (this.closed)
				return reject(new JobError('E_JOB_BUSY', 'The server is shutting down; try again shortly'));
			if (options.signal?.aborted)
				return reject(new JobError('E_JOB_CANCELLED', `The ${label} was cancelled`));
			const mine = this.activeFor(options.owner);
			if (mine >= this.options.perOwner)
				return reject(
					new JobError(
						'E_JOB_LIMIT',
						`You already have ${mine} ${mine === 1 ? 'analysis' : 'analyses'} running or waiting, the most one user may have at once; wait for one to finish or cancel one on the Jobs page (/jobs)`
					)
				);
			const free = this.idle.length > 0 || this.live.size < this.options.workers;
			if (!free && this.queue.length >= this.options.maxQueued)
				return reject(
					new JobError(
						'E_JOB_BUSY',
						`The server has ${this.queue.length} analyses waiting already; try again in a minute`
					)
				);
			const task: Task = {
				id: this.nextId++,
				kind,
				input,
				options,
				settled: false,
				resolve: resolve as (value: unknown) => void,
				reject,
				onAbort: () =>
					this.finish(task, new JobError('E_JOB_CANCELLED', `The ${label} was cancelled`))
			};
			options.signal?.addEventListener('abort', task.onAbort, { once: true });
			if (options.budgetIncludesWait) this.startBudget(task);
			this.perOwner.set(options.owner, mine + 1);
			this.queue.push(task);
			this.pump();
		});
	}

	/** Stop every worker; waiting and running tasks fail as cancelled. */
	async close(): Promise<void> {
		this.closed = true;
		for (const t of [...this.queue, ...this.running.values()])
			this.finish(t, new JobError('E_JOB_CANCELLED', 'The server is shutting down'));
		await Promise.all([...this.live].map((w) => w.terminate()));
		this.live.clear();
		this.idle.length = 0;
	}

	private pump(): void {
		while (this.queue.length > 0) {
			let worker = this.idle.pop();
			if (!worker) {
				if (this.live.size >= this.options.workers) return;
				worker = this.spawn();
			}
			this.start(this.queue.shift()!, worker);
		}
	}

	private spawn(): Worker {
		const { memoryMb } = this.options;
		const worker = new Worker(this.entry.url, {
			execArgv: this.entry.execArgv,
			workerData: { memoryMb },
			resourceLimits: {
				maxOldGenerationSizeMb: memoryMb,
				maxYoungGenerationSizeMb: Math.min(64, Math.max(4, Math.floor(memoryMb / 8)))
			}
		});
		this.live.add(worker);
		worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
		worker.on('error', (err: Error & { code?: string }) => {
			const task = this.running.get(worker);
			this.retire(worker);
			if (!task) return;
			const label = TASK_LABELS[task.kind];
			if (err.code === 'ERR_WORKER_OUT_OF_MEMORY')
				this.finish(
					task,
					new JobError(
						'E_JOB_MEMORY',
						`The ${label} needed more than its memory budget of ${memoryMb} MB and was stopped; choose a smaller area, a shorter period or fewer bands${task.options.hint ? `, or ${task.options.hint}` : ''}`
					)
				);
			else
				this.finish(
					task,
					new JobError('E_JOB_CRASHED', `The ${label} stopped unexpectedly: ${err.message}`)
				);
		});
		worker.on('exit', () => {
			const task = this.running.get(worker);
			this.retire(worker);
			if (task)
				this.finish(
					task,
					new JobError('E_JOB_CRASHED', `The ${TASK_LABELS[task.kind]} stopped unexpectedly`)
				);
		});
		return worker;
	}

	private start(task: Task, worker: Worker): void {
		task.worker = worker;
		this.running.set(worker, task);
		worker.ref();
		if (!task.options.budgetIncludesWait) this.startBudget(task);
		task.options.onStart?.();
		worker.postMessage({ id: task.id, kind: task.kind, input: task.input });
	}

	/** Arm the task's time budget: when spent, the task fails (and its worker, if any, is terminated). */
	private startBudget(task: Task): void {
		const limit = task.options.timeLimitMs ?? this.options.timeLimitMs;
		task.timer = setTimeout(() => {
			const seconds = Math.round(limit / 100) / 10;
			const label = TASK_LABELS[task.kind];
			const instead = task.options.hint ? `, or ${task.options.hint}` : '';
			this.finish(
				task,
				new JobError(
					'E_JOB_TIME',
					task.worker
						? `The ${label} took longer than its time budget of ${seconds} s and was stopped; choose a smaller area, a shorter period, fewer bands or fewer permutations${instead}`
						: `The ${label} waited longer than its time budget of ${seconds} s for a free worker (the server is busy with other analyses); try again shortly${instead}`
				)
			);
		}, limit);
	}

	private onMessage(worker: Worker, m: WorkerMessage): void {
		const task = this.running.get(worker);
		if (!task || task.id !== m.id) return;
		if (m.type === 'progress') task.options.onProgress?.(m.done, m.total);
		else if (m.type === 'done') this.finish(task, null, m.result);
		else {
			const { code, message } = m.error;
			// Input errors keep their type and code, so routes answer them as 400 with the message.
			this.finish(task, code ? new AnalysisInputError(code, message) : new Error(message));
		}
	}

	/** Settle a task once; a worker that was cut off (budget, cancellation) is terminated. */
	private finish(task: Task, error: Error | null, result?: unknown): void {
		if (task.settled) return;
		task.settled = true;
		clearTimeout(task.timer);
		task.options.signal?.removeEventListener('abort', task.onAbort);
		const owner = task.options.owner;
		const left = (this.perOwner.get(owner) ?? 1) - 1;
		if (left > 0) this.perOwner.set(owner, left);
		else this.perOwner.delete(owner);
		const queued = this.queue.indexOf(task);
		if (queued >= 0) this.queue.splice(queued, 1);
		const worker = task.worker;
		if (worker && this.running.get(worker) === task) {
			this.running.delete(worker);
			if (error && error instanceof JobError) {
				this.retire(worker);
				void worker.terminate();
			} else if (this.live.has(worker)) {
				worker.unref();
				this.idle.push(worker);
			}
		}
		if (error) task.reject(error);
		else task.resolve(result);
		this.pump();
	}

	private retire(worker: Worker): void {
		this.live.delete(worker);
		const i = this.idle.indexOf(worker);
		if (i >= 0) this.idle.splice(i, 1);
	}
}
