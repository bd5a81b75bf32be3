/** A one-line progress bar on a terminal; silent when stderr is not a terminal. */
export function progressBar(stream: NodeJS.WritableStream, enabled: boolean) {
	let last = 0;
	return {
		update(fraction: number, label: string) {
			if (!enabled) return;
			const now = Date.now();
			if (now - last < 100 && fraction < 1) return;
			last = now;
			const width = 30;
			const f = Math.max(0, Math.min(1, fraction));
			const full = Math.round(f * width);
			stream.write(
				`\r[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}% ${label}\x1b[K`
			);
		},
		done() {
			if (enabled) stream.write('\r\x1b[K');
		}
	};
}
