import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, type CliIo } from '../main';
import { closeDatabase, getDatabase } from '../../lib/server/db';
import { ServiceError } from '../../lib/server/errors';
import { CLI_ORIGIN } from '../../lib/server/auth/audit';
import { env } from '../../lib/server/env';
import { basemapSetting } from '../../lib/server/basemap-style';
import { draftBriefing } from '../../lib/server/products/briefing';
import { productPdf } from '../../lib/server/products/pdf';
import {
	publishProduct,
	recordProductDownload,
	reviewProduct,
	type ProductActor
} from '../../lib/server/services/products';

export const summary =
	'Community-safety briefing of one neighbourhood and month as a PDF, stored as a product (database, Chromium)';

const HELP = `Usage: beatwise briefing --area kind:code --period YYYY-MM --audience public|internal
                        --out FILE.pdf [--publish] [--dissemination "a; b"]

Builds the neighbourhood's community-safety briefing for the month (hot-spot map and table, top
concerns against the same months a year before, what police are doing, residents' reports cleared
for sharing, contact fields), stores it as a draft product (frozen content) and writes its PDF:
Chromium's print of the product document. A public briefing publishes counts by the cell-key method
(no count from 1 to BEATWISE_SUPPRESS_BELOW − 1), sensitive categories only as area totals and no
points. Audited (product.create, product.download).
  --publish        also mark it reviewed and publish it (as the operator)
  --dissemination  who it goes to, separated by ";"
Database: DATABASE_URL (PostgreSQL + PostGIS), else the embedded database in BEATWISE_DATA.
Chromium: BEATWISE_CHROMIUM (default /usr/bin/chromium).`;

export async function run(args: string[], io: CliIo): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			area: { type: 'string' },
			period: { type: 'string' },
			audience: { type: 'string' },
			out: { type: 'string' },
			publish: { type: 'boolean', default: false },
			dissemination: { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		io.stdout.write(HELP + '\n');
		return 0;
	}
	if (!values.area) throw new UsageError('--area is required (kind:code, e.g. lsoa:E01000001)');
	if (!values.period) throw new UsageError('--period is required (a month, YYYY-MM)');
	if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(values.period))
		throw new UsageError(`--period: a month written YYYY-MM, got "${values.period}"`);
	const audience = values.audience;
	if (audience !== 'public' && audience !== 'internal')
		throw new UsageError('--audience must be public or internal');
	if (!values.out) throw new UsageError('--out is required (the PDF file to write)');
	const actor: ProductActor = { user: null, origin: CLI_ORIGIN, name: 'beatwise CLI' };
	const db = await getDatabase();
	try {
		let p = await draftBriefing(
			db,
			{
				area: values.area,
				period: values.period,
				audience,
				threshold: env().suppressBelow,
				basemapStyle: basemapSetting().style,
				dissemination: values.dissemination
					?.split(';')
					.map((s) => s.trim())
					.filter(Boolean)
			},
			actor
		);
		if (values.publish) {
			await reviewProduct(db, p.id, actor);
			p = await publishProduct(db, p.id, actor);
		}
		const { pdf } = await productPdf(p);
		writeFileSync(values.out, pdf);
		await recordProductDownload(db, p, actor);
		io.stdout.write(
			`${p.title}: product ${p.id} (${p.status}, ${p.audience}), ${pdf.length.toLocaleString('en-GB')} bytes written to ${values.out}\n`
		);
		return 0;
	} catch (e) {
		if (e instanceof ServiceError) throw new UsageError(e.message);
		throw e;
	} finally {
		await closeDatabase();
	}
}
