/**
 * Two database roles (DESIGN §5, issue 10 finding 6). The **owner** owns the schema: `beatwise migrate`
 * runs as it (migrations; `CREATE EXTENSION postgis` needs a superuser once, or an owner allowed to).
 * The **runtime** role is what the server and the everyday CLI connect as, with `BEATWISE_MIGRATE=0`:
 * it reads and writes the product's tables, but on the audit log it may only INSERT and SELECT — it
 * owns nothing, so it cannot ALTER TABLE … DISABLE TRIGGER, and it is no superuser, so it cannot
 * SET session_replication_role. `grantRuntimeRole` creates or updates it; docs/security.md describes
 * the set-up.
 */
import type { Database } from './client';

/** A role name Beatwise creates or grants to: a plain lower-case SQL identifier. */
export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export class RoleError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RoleError';
	}
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Tables the runtime role may only append to and read: the audit log (and any partitions of it). */
export const isAppendOnly = (table: string) =>
	table === 'audit_log' || table.startsWith('audit_log_');

/** Tables of extensions (PostGIS's spatial_ref_sys) the runtime role only reads. */
const READ_ONLY = new Set(['spatial_ref_sys']);

export interface RuntimeGrant {
	role: string;
	created: boolean;
	/** Tables granted SELECT, INSERT, UPDATE, DELETE. */
	readWrite: string[];
	/** Tables granted SELECT, INSERT only. */
	appendOnly: string[];
	readOnly: string[];
}

/**
 * Create the runtime role `role` (LOGIN, no superuser, no role or database creation) if it does not
 * exist, set its password when one is given, and grant exactly what the app needs in this database:
 * CONNECT and TEMPORARY (imports stage rows in temporary tables); USAGE on schema public and nothing to
 * create in it; SELECT, INSERT, UPDATE, DELETE on the product's tables except the audit log, which gets
 * SELECT and INSERT only; sequences for ids; reading the migrations table (so a server that does not
 * migrate can check the schema is current). Default privileges give tables a later migration creates
 * the same read-write rights: run it again after `beatwise migrate` to re-apply the audit log's limits
 * to any new table. Runs as the owner, in one transaction; PostgreSQL only.
 */
export async function grantRuntimeRole(
	db: Database,
	q: { role: string; password?: string }
): Promise<RuntimeGrant> {
	if (db.engine !== 'postgres')
		throw new RoleError(
			'database roles exist on PostgreSQL only: the embedded engine has one user (set DATABASE_URL)'
		);
	if (!ROLE_NAME.test(q.role))
		throw new RoleError(
			`--role: "${q.role}" is not a plain role name (lower-case letters, digits and _, not starting with a digit, at most 63)`
		);
	return db.transaction(async (tx) => {
		const [me] = await tx.query<{ user: string; db: string }>(
			'SELECT current_user AS user, current_database() AS db'
		);
		if (me.user === q.role)
			throw new RoleError(
				`--role: "${q.role}" is the role running this command (the owner); the runtime role must be another one`
			);
		const [existing] = await tx.query<{ super: boolean; bypass: boolean; owns: number }>(
			`SELECT r.rolsuper AS super, r.rolbypassrls AS bypass,
			        (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owns
			 FROM pg_roles r WHERE r.rolname = $1`,
			[q.role]
		);
		if (existing?.super || existing?.bypass)
			throw new RoleError(
				`--role: "${q.role}" is a superuser or bypasses row security; a runtime role must be neither (choose another name, or ALTER ROLE ${q.role} NOSUPERUSER NOBYPASSRLS)`
			);
		if (existing && Number(existing.owns) > 0)
			throw new RoleError(
				`--role: "${q.role}" owns tables or other relations; a runtime role must own nothing (an owner can disable the audit log's triggers)`
			);
		const r = ident(q.role);
		if (!existing)
			await tx.query(
				`CREATE ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`
			);
		if (q.password !== undefined) {
			const [s] = await tx.query<{ sql: string }>(
				`SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text) AS sql`,
				[q.role, q.password]
			);
			await tx.query(s.sql);
		}
		await tx.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(me.db)} TO ${r}`);
		// Nobody but the owner creates objects in the product's schema (PostgreSQL 15 already does this).
		await tx.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
		await tx.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
		const tables = (
			await tx.query<{ name: string }>(
				`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1`
			)
		).map((t) => t.name);
		const grant: RuntimeGrant = {
			role: q.role,
			created: !existing,
			readWrite: [],
			appendOnly: [],
			readOnly: []
		};
		for (const t of tables) {
			await tx.query(`REVOKE ALL ON TABLE ${ident(t)} FROM ${r}`);
			if (READ_ONLY.has(t)) {
				await tx.query(`GRANT SELECT ON TABLE ${ident(t)} TO ${r}`);
				grant.readOnly.push(t);
			} else if (isAppendOnly(t)) {
				await tx.query(`GRANT SELECT, INSERT ON TABLE ${ident(t)} TO ${r}`);
				grant.appendOnly.push(t);
			} else {
				await tx.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE ${ident(t)} TO ${r}`);
				grant.readWrite.push(t);
			}
		}
		await tx.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
		await tx.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${r}`);
		await tx.query(
			`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`
		);
		await tx.query(
			`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${r}`
		);
		const [migrations] = await tx.query<{ n: number }>(
			`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			 WHERE n.nspname = 'drizzle' AND c.relname = '__drizzle_migrations'`
		);
		if (Number(migrations.n) > 0) {
			await tx.query(`GRANT USAGE ON SCHEMA drizzle TO ${r}`);
			await tx.query(`GRANT SELECT ON TABLE drizzle.__drizzle_migrations TO ${r}`);
		}
		return grant;
	});
}
