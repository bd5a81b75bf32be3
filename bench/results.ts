/**
 * Replace one `## Section` of bench/RESULTS.md, keeping the others, and format the file as the lint
 * step expects (Prettier, the project's settings), so a benchmark run never leaves `npm test` failing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';

export async function writeResultsSection(title: string, body: string): Promise<void> {
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
	const options = (await resolveConfig(file)) ?? {};
	writeFileSync(file, await format(out, { ...options, filepath: file }));
}
