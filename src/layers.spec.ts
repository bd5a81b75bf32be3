/**
 * The layer rules of eslint.layers.js catch a leak: each snippet is linted as if it were a file of
 * that layer (ESLint's Node API, the rules alone, so no type information is loaded), and the real
 * config applies them.
 */
import { ESLint } from 'eslint';
import ts from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../eslint.layers.js';

const eslint = new ESLint({
	cwd: process.cwd(),
	overrideConfigFile: true,
	overrideConfig: [
		{ files: ['**/*.ts'], languageOptions: { parser: ts.parser, sourceType: 'module' } },
		...layerRules
	]
});

async function leaks(filePath: string, source: string): Promise<string[]> {
	const [result] = await eslint.lintText(source, { filePath });
	return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
	it('are part of the project config', async () => {
		const project = new ESLint({ cwd: process.cwd() });
		const config = await project.calculateConfigForFile('src/lib/server/services/x.ts');
		const [, options] = layerRules[3].rules!['no-restricted-imports'] as [string, unknown];
		expect(config.rules['no-restricted-imports']).toEqual([2, options]);
	});

	it.each([
		['src/lib/server/analysis/x.ts', "import { getDatabase } from '../db';"],
		['src/lib/server/analysis/x.ts', "import { env } from '$lib/server/env';"],
		['src/lib/server/db/queries/x.ts', "import { resolveAreas } from '../../study/area';"],
		[
			'src/lib/server/db/queries/x.ts',
			"import { hotspotsForArea } from '../../services/hotspots';"
		],
		['src/lib/server/study/x.ts', "import { hotspotsForArea } from '../services/hotspots';"],
		['src/lib/server/services/x.ts', "import { hotspotsForArea } from './hotspots';"],
		['src/lib/server/services/x.ts', "import { startJob } from '../jobs/background';"],
		['src/routes/api/x/+server.ts', "import { areasGeoJson } from '$lib/server/db/queries/areas';"],
		['src/routes/x/+page.server.ts', "import { resolveAreas } from '$lib/server/study/area';"],
		['src/routes/api/x/+server.ts', "import postgres from 'postgres';"],
		['src/hooks.server.ts', "import { userCount } from '$lib/server/db/queries/users';"],
		['src/lib/components/x.ts', "import { changeMap } from '$lib/server/services/trends';"],
		['src/lib/server/services/x.ts', "import { renderBriefing } from '../products/briefing';"],
		['src/lib/server/auth/x.ts', "import { hotspotsForArea } from '../services/hotspots';"],
		['src/lib/server/ingest/adapters/x.ts', "import { resolveAreas } from '../../study/area';"],
		['src/lib/server/x.ts', "import { startJob } from './jobs/background';"],
		['src/lib/server/db/x.ts', "import { seedDemo } from '$lib/server/demo/load';"],
		['src/lib/server/products/x.ts', "import { main } from '../../../cli/main';"],
		['src/lib/server/jobs/x.ts', "import { GET } from '../../../routes/api/jobs/+server';"],
		['src/lib/contracts/x.ts', "import { env } from '$lib/server/env';"],
		['src/lib/intel/x.ts', "import { getDatabase } from '$lib/server/db';"],
		['src/lib/x.ts', "import { CATEGORY_COLUMNS } from './server/ingest/types';"]
	])('%s may not: %s', async (file, source) => {
		const found = await leaks(file, source);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatch(/^(@typescript-eslint\/)?no-restricted-imports: /);
	});

	it.each([
		['src/lib/server/analysis/x.ts', "import { z } from './getis-ord';"],
		['src/lib/server/analysis/x.spec.ts', "import data from '../../../../tests/fixtures/x.json';"],
		['src/lib/server/db/queries/x.ts', "import type { Queryable } from '../client';"],
		['src/lib/server/services/x.ts', "import { resolveAreas } from '../study/area';"],
		['src/lib/server/services/x.ts', "import { computeInline } from '../jobs/tasks';"],
		['src/lib/server/services/x.spec.ts', "import { yearEarlier } from './trends';"],
		['src/routes/api/x/+server.ts', "import { changeMap } from '$lib/server/services/trends';"],
		['src/routes/api/x/+server.ts', "import { analysisResponse } from '../analysis/respond';"],
		['src/lib/components/x.ts', "import { cellsQuerySchema } from '$lib/contracts/cells';"],
		// A type-only import is erased from the browser bundle.
		[
			'src/lib/components/x.ts',
			"import type { Assessment } from '$lib/server/services/tasking-reports';"
		],
		['src/lib/server/analysis/x.ts', "import { GRADES } from '../../grading';"],
		['src/lib/server/services/x.ts', "import { parseLocal } from '../ingest/time';"],
		['src/lib/server/services/x.ts', "import { productSchema } from '../../contracts/products';"],
		['src/lib/server/auth/x.ts', "import { jobCreateSchema } from '../../contracts/jobs';"],
		['src/lib/server/ingest/x.ts', "import { areaIdByCode } from '../db/queries/areas';"],
		[
			'src/lib/server/products/x.ts',
			"import { neighbourhoodSummary } from '../services/neighbourhood';"
		],
		['src/lib/server/jobs/x.ts', "import { nearRepeatForArea } from '../services/near-repeat';"]
	])('%s may: %s', async (file, source) => {
		expect(await leaks(file, source)).toEqual([]);
	});
});
