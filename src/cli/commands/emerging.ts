import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { emergingForArea } from '../../lib/server/services/emerging';
import type { CalendarStep } from '../../lib/server/study/period';
import { ServiceError } from '../../lib/server/errors';
import type { EmergingCategory } from '../../lib/server/analysis/emerging-hotspots';

export const summary = 'Emerging hot spots of an area over weekly or monthly steps (database)';

const HELP = `Usage: beatwise emerging --area kind:code --from YYYY-MM-DD --to YYYY-MM-DD
                        [--step month|week] [--res 8] [--k 1] [--categories a,b] [--json]

Gi* per time step over the area's H3 cells (zeros included) with space-time neighbours (the current
and previous step), Mann-Kendall on each cell's z series, and Esri's 17 emerging hot-spot categories.
  --area        kind:code (district:11), kind:* (every district) or an area id; commas for a union
  --step        month (default) or week (Monday to Sunday)
  --res         H3 resolution 5..10 (default 8)
  --categories  taxonomy codes, comma-separated (default: all)
  --json        print the full result (columnar) as JSON
Prints the count of cells per category, then the non-"no pattern" cells by category.
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			area: { type: 'string' },
			from: { type: 'string' },
			to: { type: 'string' },
			step: { type: 'string', default: 'month' },
			res: { type: 'string', default: '8' },
			k: { type: 'string', default: '1' },
			categories: { type: 'string' },
			json: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (!values.area) throw new UsageError('--area is required (e.g. --area district:11)');
	if (values.step !== 'month' && values.step !== 'week')
		throw new UsageError('--step must be month or week');
	const res = Number(values.res);
	const k = Number(values.k);
	const db = await getDatabase();
	try {
		const r = await emergingForArea(db, {
			area: values.area.split(',').map((s) => s.trim()),
			from: values.from,
			to: values.to,
			step: values.step as CalendarStep,
			res,
			k,
			categories: values.categories?.split(',').map((s) => s.trim()) ?? []
		});
		if (values.json) {
			io.stdout.write(JSON.stringify(r) + '\n');
			return 0;
		}
		const p = r.parameters;
		const lines = [
			`Emerging hot spots: ${p.areas.map((a) => `${a.kind}:${a.code}`).join(', ')} · ${p.from} to ${p.to} · ${r.steps.length} ${p.step}s with data${p.coverage.covered < p.coverage.steps ? ` of ${p.coverage.steps}` : ''} · res ${p.res} · ${p.studyAreaCells} cells · k ${p.k}`,
			`Categories: ${p.categories.length ? p.categories.join(', ') : 'all'} · bins significant at p < ${p.alpha} (FDR ${p.fdr}) · trend alpha ${p.trendAlpha}`,
			...p.warnings.map((w) => `Warning: ${w}`),
			'',
			'category                      cells'
		];
		const order = Object.entries(r.summary).filter(([, n]) => n > 0);
		for (const [c, n] of order)
			lines.push(`${r.labels[c as EmergingCategory].padEnd(28)} ${String(n).padStart(6)}`);
		const rows = r.cells
			.map((cell, i) => ({ cell, i }))
			.filter(({ i }) => r.code[i] !== 0)
			.sort(
				(a, b) =>
					r.code[b.i] - r.code[a.i] || r.trendZ[b.i] - r.trendZ[a.i] || a.cell.localeCompare(b.cell)
			);
		if (rows.length) {
			lines.push('', 'cell              category                    total  hot  cold  trend z');
			for (const { cell, i } of rows)
				lines.push(
					`${cell}   ${r.labels[r.category[i]].padEnd(26)} ${String(r.total[i]).padStart(6)} ${String(r.hotSteps[i]).padStart(4)} ${String(r.coldSteps[i]).padStart(5)} ${r.trendZ[i].toFixed(2).padStart(8)}`
				);
		}
		io.stdout.write(lines.join('\n') + '\n');
		return 0;
	} catch (e) {
		if (e instanceof ServiceError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
