import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';

describe('parseEnv', () => {
	it('uses the embedded database in .beatwise/data when nothing is set', () => {
		const e = parseEnv({});
		expect(e.databaseUrl).toBeUndefined();
		expect(e.dataDir.endsWith('.beatwise/data')).toBe(true);
		expect(e.demo).toBe('auto');
		expect(e.accessLog).toBe(false);
	});

	it('turns the access log on with BEATWISE_ACCESS_LOG=1 only', () => {
		expect(parseEnv({ BEATWISE_ACCESS_LOG: '1' }).accessLog).toBe(true);
		expect(parseEnv({ BEATWISE_ACCESS_LOG: '0' }).accessLog).toBe(false);
		expect(() => parseEnv({ BEATWISE_ACCESS_LOG: 'yes' })).toThrow(/BEATWISE_ACCESS_LOG/);
	});

	it('migrates on start unless BEATWISE_MIGRATE=0 (the runtime role)', () => {
		expect(parseEnv({}).migrate).toBe(true);
		expect(parseEnv({ BEATWISE_MIGRATE: '1' }).migrate).toBe(true);
		expect(parseEnv({ BEATWISE_MIGRATE: '0' }).migrate).toBe(false);
		expect(() => parseEnv({ BEATWISE_MIGRATE: 'no' })).toThrow(
			/BEATWISE_MIGRATE: must be 1 \(migrate on start\) or 0/
		);
	});

	it('treats empty values as unset', () => {
		expect(parseEnv({ DATABASE_URL: '', BEATWISE_DATA: '' }).databaseUrl).toBeUndefined();
	});

	it('names the variable and what is expected when a value is wrong', () => {
		expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
		expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
			/DATABASE_URL: must be a PostgreSQL connection URL/
		);
		expect(() => parseEnv({ DATABASE_READ_URL: 'replica:5432' })).toThrow(
			/DATABASE_READ_URL: must be the PostgreSQL connection URL of a read replica/
		);
		expect(parseEnv({ DATABASE_READ_URL: ' postgres://r/db ' }).databaseReadUrl).toBe(
			'postgres://r/db'
		);
		expect(parseEnv({ DATABASE_READ_URL: '' }).databaseReadUrl).toBeUndefined();
		expect(() => parseEnv({ BEATWISE_DEMO: 'yes' })).toThrow(/BEATWISE_DEMO/);
		expect(() => parseEnv({ BEATWISE_MAX_STUDY_CELLS: '-3' })).toThrow(/BEATWISE_MAX_STUDY_CELLS/);
	});
});
