/** A CliIo that keeps what a command writes, for the commands' tests. */
import { Writable } from 'node:stream';

export function captureIo() {
	let out = '';
	let err = '';
	const sink = (append: (s: string) => void) =>
		new Writable({
			write(chunk, _enc, cb) {
				append(String(chunk));
				cb();
			}
		});
	return {
		io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), interactive: false },
		out: () => out,
		err: () => err
	};
}
