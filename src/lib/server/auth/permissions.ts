/**
 * THE permission table. Two parts, both in this file so a review reads one place:
 * - `ROLE_PERMISSIONS`: what each role may do;
 * - `ROUTE_RULES`: which permission each route needs, keyed by SvelteKit route id and method (and form
 *   action name for POSTs to pages).
 * `handle` (src/hooks.server.ts) enforces it for every request before any load, action or endpoint runs.
 * A route id without a rule, or a method or action a rule does not name, is denied (403) and logged, so a
 * new route must be added here before it can be used — the authorisation matrix test enforces that too.
 */
import { PERMISSIONS, ROLES, type Permission, type Role, type SessionUser } from '../../auth/can';

export { PERMISSIONS, ROLES, type Permission, type Role };

const EVERY_PERMISSION: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
	admin: EVERY_PERMISSION,
	analyst: [
		'map:view',
		'analysis:run',
		'neighbourhood:view',
		'incidents:detail',
		'incidents:restricted',
		'export:create',
		'import:run',
		'account:self',
		'products:create',
		'products:publish',
		'alerts:view',
		'problems:manage',
		'observations:create',
		'intel:review',
		'sources:manage',
		'tasking:manage',
		'tasking:patrol'
	],
	supervisor: [
		'map:view',
		'analysis:run',
		'neighbourhood:view',
		'incidents:detail',
		'incidents:restricted',
		'export:create',
		'audit:view',
		'account:self',
		'products:create',
		'products:publish',
		'alerts:view',
		'problems:manage',
		'observations:create',
		'intel:review',
		'tasking:manage',
		'tasking:patrol'
	],
	// Officers see incident detail (area-limited through their account's areas), never restricted records.
	// The neighbourhood view shows them aggregates they already see on the map (exact counts per cell)
	// and hot spots as bins only (computed by the page's server load: they have no analysis:run).
	// Alarms of their own areas reach officers too (counts per area and week, no records); they record
	// what they see (observation entry).
	officer: [
		'map:view',
		'neighbourhood:view',
		'incidents:detail',
		'account:self',
		'alerts:view',
		'observations:create',
		'tasking:patrol'
	],
	// The community team's outputs are public ones: the neighbourhood view of areas inside their own,
	// with counts 1–4 shown as "<5", no z from suppressed counts and hot spots as bins without counts or
	// sensitive records (services/neighbourhood.ts, disclosure.ts). The raw map and analysis endpoints
	// return exact small counts and sensitive categories at fine cells, so they are not theirs.
	// They draft their neighbourhood's public briefings (the products service makes them public ones);
	// an analyst or supervisor reviews and publishes. They record what residents tell them (observation
	// entry) under open community sources.
	community: ['neighbourhood:view', 'account:self', 'products:create', 'observations:create'],
	planner: [
		'map:view',
		'analysis:run',
		'neighbourhood:view',
		'export:create',
		'account:self',
		'products:create',
		'alerts:view',
		'problems:manage'
	],
	viewer: ['map:view', 'account:self']
};

/** Who may use a route: anyone, any signed-in user, or holders of one permission. */
export type Access = 'public' | 'signed-in' | Permission;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRule {
	/** Page load (and its `__data.json`) or endpoint GET; HEAD follows GET. */
	GET?: Access;
	/** Endpoint POST. Pages with form actions use `actions` instead. */
	POST?: Access;
	PUT?: Access;
	PATCH?: Access;
	DELETE?: Access;
	/** Form actions of a page, by name (`default` for the unnamed one). */
	actions?: Record<string, Access>;
}

export const ROUTE_RULES: Record<string, RouteRule> = {
	'/': { GET: 'signed-in' },
	'/login': { GET: 'public', actions: { default: 'public' } },
	'/logout': { POST: 'public' },
	'/account': { GET: 'account:self', actions: { password: 'account:self' } },
	'/admin': { GET: 'users:manage' },
	'/admin/users': {
		GET: 'users:manage',
		actions: {
			create: 'users:manage',
			update: 'users:manage',
			disable: 'users:manage',
			enable: 'users:manage',
			reset: 'users:manage'
		}
	},
	'/admin/audit': { GET: 'audit:view' },
	// Views over the analysis endpoints: their loads compute statistics, so they need analysis:run.
	// The neighbourhood view discloses by audience in its service, so it has a permission of its own.
	'/neighbourhood': { GET: 'neighbourhood:view' },
	'/trends': { GET: 'analysis:run' },
	// Road collisions (STATS19 open data): map points inside the reader's areas, counts, evaluations.
	'/road-safety': { GET: 'analysis:run' },
	'/supervisor': { GET: 'analysis:run' },
	// The tasking board and its reports (supervisors, analysts); officers' orders and visit log.
	'/tasking': {
		GET: 'tasking:manage',
		actions: {
			unit: 'tasking:manage',
			removeUnit: 'tasking:manage',
			allocate: 'tasking:manage',
			spotEdit: 'tasking:manage',
			withdrawEdit: 'tasking:manage',
			editVisit: 'tasking:manage',
			manualVisit: 'tasking:manage'
		}
	},
	'/tasking/reports': { GET: 'tasking:manage' },
	'/tasking/[id]/print': { GET: 'tasking:patrol' },
	'/tasking/[id]/orders.pdf': { GET: 'tasking:patrol' },
	'/patrol': { GET: 'tasking:patrol' },
	'/api/tasking/visits': { POST: 'tasking:patrol' },
	// Background analyses: whoever may run analyses; each user sees and cancels only their own jobs.
	'/jobs': { GET: 'analysis:run' },
	// Intelligence products: every signed-in user reads those the products service lets them read
	// (audience, handling code, drafts, area limits); drafting and publishing check their permissions
	// in the service too.
	'/products': {
		GET: 'signed-in',
		actions: {
			briefing: 'products:create',
			trend: 'products:create',
			assessment: 'products:create',
			roadSafety: 'products:create'
		}
	},
	'/products/[id]': {
		GET: 'signed-in',
		actions: {
			edit: 'products:create',
			review: 'products:publish',
			publish: 'products:publish',
			correct: 'products:create'
		}
	},
	'/products/[id]/pdf': { GET: 'signed-in' },
	// Early-warning alarms of the reader's areas (counts per area and week) and their handling.
	'/alerts': {
		GET: 'alerts:view',
		actions: { acknowledge: 'alerts:view', dismiss: 'alerts:view', reopen: 'alerts:view' }
	},
	'/alerts/[id]': {
		GET: 'alerts:view',
		actions: {
			acknowledge: 'alerts:view',
			dismiss: 'alerts:view',
			reopen: 'alerts:view',
			// Drafting the alarm's early-warning notice is drafting a product (an internal one: the
			// products service refuses roles that draft public products only).
			notice: 'products:create'
		}
	},
	'/alerts/subscriptions': {
		GET: 'alerts:view',
		actions: { subscribe: 'alerts:view', unsubscribe: 'alerts:view' }
	},
	// The problem register: problems, their cells, links and responses with evaluations.
	'/problems': { GET: 'problems:manage', actions: { create: 'problems:manage' } },
	'/problems/[id]': {
		GET: 'problems:manage',
		actions: {
			update: 'problems:manage',
			cells: 'problems:manage',
			link: 'problems:manage',
			unlink: 'problems:manage',
			respond: 'problems:manage',
			evaluate: 'problems:manage'
		}
	},
	// Intelligence (issue 13): the register is read by everyone who records reports, edited by analysts;
	// entry by officers, the community team and staff; review and cross-checking by analysts and
	// supervisors.
	'/sources': {
		GET: 'observations:create',
		actions: { create: 'sources:manage', update: 'sources:manage' }
	},
	'/report': { GET: 'observations:create' },
	'/review': { GET: 'intel:review', actions: { decide: 'intel:review' } },
	'/cross-check': {
		GET: 'intel:review',
		actions: { merge: 'intel:review', apart: 'intel:review', link: 'intel:review' }
	},
	// Import in the browser: analysts and admins (import:run); uploads and runs are the user's own.
	'/import': { GET: 'import:run' },
	'/api/imports': { POST: 'import:run' },
	'/api/imports/upload': { POST: 'import:run' },
	'/api/imports/dry-run': { POST: 'import:run' },
	'/api/imports/[id]': { GET: 'import:run' },

	'/api/health': { GET: 'public' },
	'/api/meta': { GET: 'map:view' },
	// Boundaries, names and codes only (no counts): public geography every view's map draws.
	'/api/areas': { GET: 'signed-in' },
	'/api/cells': { GET: 'map:view' },
	// Street names from incident records, for the lists of the analysis views.
	'/api/places': { GET: 'analysis:run' },
	'/api/cell/[cell=h3cell]': { GET: 'map:view' },
	'/api/incidents': { GET: 'incidents:detail' },
	'/api/observations': { GET: 'map:view', POST: 'observations:create' },
	// The incident export also needs incidents:detail; its service checks that.
	'/api/export/incidents': { GET: 'export:create' },
	'/api/export/cells': { GET: 'export:create' },

	'/api/analysis/hotspots': { GET: 'analysis:run' },
	'/api/analysis/emerging': { GET: 'analysis:run' },
	'/api/analysis/trends': { GET: 'analysis:run' },
	'/api/analysis/road-safety': { GET: 'analysis:run' },
	'/api/analysis/change': { GET: 'analysis:run' },
	'/api/analysis/profile': { GET: 'analysis:run' },
	'/api/analysis/near-repeat': { GET: 'analysis:run' },
	'/api/analysis/coverage': { GET: 'analysis:run' },
	// The supervisor's forecast accuracy: a backtest over the area's incidents (aggregate measures only).
	'/api/analysis/forecast-accuracy': { GET: 'analysis:run' },
	'/api/jobs': { GET: 'analysis:run', POST: 'analysis:run' },
	'/api/jobs/[id]': { GET: 'analysis:run', DELETE: 'analysis:run' }
};

export interface AuthUser {
	id: number;
	username: string;
	displayName: string;
	role: Role;
	/** Areas this user's incident-level access is limited to; empty: unrestricted. */
	areaIds: number[];
}

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function permissionsOf(role: Role): readonly Permission[] {
	return ROLE_PERMISSIONS[role] ?? [];
}

/** Whether `user` holds `permission` (server side: this is the check that counts). */
export function hasPermission(
	user: Pick<AuthUser, 'role'> | null,
	permission: Permission
): boolean {
	return Boolean(user && permissionsOf(user.role).includes(permission));
}

/** The user as the browser may see it (no ids, no areas). */
export function sessionUserView(user: AuthUser): SessionUser {
	return {
		username: user.username,
		displayName: user.displayName,
		role: user.role,
		permissions: [...permissionsOf(user.role)]
	};
}

export type Decision =
	| { allow: true }
	| {
			allow: false;
			/** `no-rule`: nobody may use this (route, method, action) until a rule is written. */
			reason: 'no-rule' | 'sign-in' | 'forbidden';
			/** What the rule asked for, for the log and the message. */
			needs?: Access;
	  };

/**
 * The decision for one request. `action` is the form action name for POSTs to a page (`default` when
 * unnamed), undefined for endpoints.
 */
export function decide(
	routeId: string,
	method: string,
	action: string | undefined,
	user: Pick<AuthUser, 'role'> | null
): Decision {
	const rule = ROUTE_RULES[routeId];
	if (!rule) return { allow: false, reason: 'no-rule' };
	const m = method === 'HEAD' ? 'GET' : method;
	let access: Access | undefined;
	if (action !== undefined) access = rule.actions?.[action];
	else if (m === 'GET' || m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE') {
		access = rule[m];
	}
	if (!access) return { allow: false, reason: 'no-rule' };
	if (access === 'public') return { allow: true };
	if (!user) return { allow: false, reason: 'sign-in', needs: access };
	if (access === 'signed-in' || hasPermission(user, access)) return { allow: true };
	return { allow: false, reason: 'forbidden', needs: access };
}
