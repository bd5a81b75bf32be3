/** Replace one `## Section` of bench/RESULTS.md, keeping the others. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function writeResultsSection(title: string, body: string): void {
	const file = resolve('bench/RESULTS.md');
	const text = existsSync(file)
		? readFileSync(file, 'utf8')
		: '# Benchmark results\n\nEach section is written by its benchmark script (see bench/*/README or the script header).\n';
	const heading = `## ${title}`;
	const start = text.indexOf(`${heading}\n`);
	const section = `${heading}\n\n${body.trim()}\n`;
	let out: string;
	if (start === -1) out = `${text.trimEnd()}\n\n${section}`;
	else {
		const next = text.indexOf('\n## ', start + heading.length);
		out = text.slice(0, start) + section + (next === -1 ? '' : text.slice(next + 1));
	}
	writeFileSync(file, out.endsWith('\n') ? out : out + '\n');
}
