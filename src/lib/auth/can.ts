/**
 * Roles and permissions as the browser sees them: names only. What each role may do, and which route
 * needs which permission, is decided on the server (`$lib/server/auth/permissions`); the UI only uses
 * this to hide what the signed-in user cannot do.
 */
export const ROLES = [
	'admin',
	'analyst',
	'supervisor',
	'officer',
	'community',
	'planner',
	'viewer'
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
	/** Aggregate maps: cell counts, cell summaries, areas, the workspace meta. */
	'map:view',
	/** Server-side statistics: hotspots, trends, emerging hotspots, near-repeat. */
	'analysis:run',
	/**
	 * The neighbourhood view of one area: its category counts and changes, its hot spots as confidence
	 * bins, its observations. Community-team users get it under the public disclosure rules
	 * (`$lib/server/auth/disclosure`) and only for neighbourhoods inside their areas.
	 */
	'neighbourhood:view',
	/** Incident-level records (the incident list of a cell), limited to the user's areas. */
	'incidents:detail',
	/** Restricted records within incident detail: handling code C and sensitive categories. */
	'incidents:restricted',
	/** Exports and briefings leaving the product. */
	'export:create',
	/** Importing data. */
	'import:run',
	/** Accounts and roles. */
	'users:manage',
	/** The audit trail. */
	'audit:view',
	/** Own account: change own password. */
	'account:self',
	/**
	 * Drafting intelligence products (briefings, reports, assessments, memos) and new versions of them.
	 * Community-team drafts are public-audience products only.
	 */
	'products:create',
	/** Reviewing and publishing products (a published product is immutable). */
	'products:publish',
	/**
	 * Early-warning alarms of the areas the user is responsible for (their account's areas, or all),
	 * their handling, and subscriptions to alarms.
	 */
	'alerts:view',
	/** The problem register (SARA): problems, their cells and links, responses and evaluations. */
	'problems:manage',
	/** Recording an observation (the entry form, its offline queue) and reading the source register. */
	'observations:create',
	/** The review queue and cross-checking of observations: grading decisions, merges, links. */
	'intel:review',
	/** Adding and editing sources in the source register. */
	'sources:manage',
	/** The tasking board: units, taskings, spot edits, visit log corrections, tasking reports. */
	'tasking:manage',
	/** A unit's orders on the phone, and logging its visits. */
	'tasking:patrol'
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_LABELS: Record<Role, string> = {
	admin: 'Administrator',
	analyst: 'Analyst',
	supervisor: 'Supervisor',
	officer: 'Officer',
	community: 'Community team',
	planner: 'Planner',
	viewer: 'Viewer'
};

/** The signed-in user as pages receive it from the root layout. */
export interface SessionUser {
	username: string;
	displayName: string;
	role: Role;
	permissions: Permission[];
}

/** Whether the signed-in user (or nobody) holds `permission`: for hiding UI, never for security. */
export function can(user: SessionUser | null | undefined, permission: Permission): boolean {
	return Boolean(user?.permissions.includes(permission));
}
