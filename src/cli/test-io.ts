/** For CLI specs: an io whose stdout and stderr are captured as text. */
import { Writable } from 'node:stream';
import type { CliIo } from './main';

export function captureIo(): { io: CliIo; out: () => string; err: () => string } {
	let out = '';
	let err = '';
	const sink = (add: (s: string) => void) =>
		new Writable({
			write(chunk, _enc, cb) {
				add(String(chunk));
				cb();
			}
		});
	return {
		io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), interactive: false },
		out: () => out,
		err: () => err
	};
}
