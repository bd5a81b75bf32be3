import {
	bigserial,
	index,
	integer,
	jsonb,
	primaryKey,
	serial,
	text,
	timestamp
} from 'drizzle-orm/pg-core';
import { pgTable } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
	id: serial('id').primaryKey(),
	username: text('username').notNull().unique(),
	displayName: text('display_name').notNull(),
	/** Argon2id PHC string. */
	passwordHash: text('password_hash').notNull(),
	role: text('role').notNull(),
	/** Area ids this user's detail access is limited to; empty means unrestricted. */
	areaIds: jsonb('area_ids').notNull().default([]),
	disabledAt: timestamp('disabled_at', { withTimezone: true }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export const sessions = pgTable(
	'sessions',
	{
		/** SHA-256 of the cookie token; the token itself is never stored. */
		id: text('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** Append-only: the product never updates or deletes rows (a trigger enforces it). */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		userId: integer('user_id'),
		username: text('username'),
		action: text('action').notNull(),
		object: text('object'),
		detail: jsonb('detail').notNull().default({}),
		ip: text('ip'),
		userAgent: text('user_agent')
	},
	(t) => [index('audit_log_at_idx').on(t.at), index('audit_log_action_idx').on(t.action)]
);

/**
 * Blocked sign-in attempts, counted: one row per limiter key (`user-client:<username> <address>` or
 * `client:<address>`) per window, however many attempts it blocks. The audit trail gets one
 * `login.blocked` entry when a row is created, not one per attempt, so a flood cannot fill it.
 */
export const signInBlocks = pgTable(
	'sign_in_blocks',
	{
		key: text('key').notNull(),
		/** Start of the fixed window (BEATWISE_LOGIN_WINDOW_MINUTES) the attempts fell in. */
		windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
		attempts: integer('attempts').notNull(),
		/** The username last tried under this key (for client keys: any of them). */
		username: text('username'),
		ip: text('ip'),
		firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
		lastAt: timestamp('last_at', { withTimezone: true }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.key, t.windowStart] }),
		index('sign_in_blocks_window_idx').on(t.windowStart)
	]
);
