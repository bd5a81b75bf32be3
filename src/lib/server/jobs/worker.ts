/**
 * Entry of an analysis worker thread: runs one task at a time from the pool (tasks.ts) and answers
 * with its result, its progress (at most every 200 ms) or its error (name, code and message only).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TASKS, isTaskKind, type TaskContext } from './tasks';

interface TaskMessage {
	id: number;
	kind: string;
	input: unknown;
}

const port = parentPort;
if (!port) throw new Error('jobs/worker.ts runs as a worker thread of the analysis pool');
const memoryMb = Number((workerData as { memoryMb?: number } | null)?.memoryMb ?? 512);

port.on('message', ({ id, kind, input }: TaskMessage) => {
	let last = 0;
	const progress: TaskContext['progress'] = (done, total) => {
		const now = Date.now();
		if (done < total && now - last < 200) return;
		last = now;
		port.postMessage({ type: 'progress', id, done, total });
	};
	try {
		if (!isTaskKind(kind)) throw new Error(`unknown analysis task "${kind}"`);
		const run = TASKS[kind] as (input: unknown, ctx: TaskContext) => unknown;
		port.postMessage({ type: 'done', id, result: run(input, { progress, memoryMb }) });
	} catch (e) {
		const err = e as { name?: string; code?: unknown; message?: string };
		port.postMessage({
			type: 'error',
			id,
			error: {
				name: String(err?.name ?? 'Error'),
				code: typeof err?.code === 'string' ? err.code : undefined,
				message: String(err?.message ?? e)
			}
		});
	}
});
