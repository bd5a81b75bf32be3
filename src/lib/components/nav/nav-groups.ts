/**
 * The top bar's links grouped by job. Each link names the permission that opens its page (the server
 * decides; the bar only hides what the role cannot open). A group with one link left shows as that link.
 */
import { can, type Permission, type SessionUser } from '$lib/auth/can';

export interface NavLink {
	path: string;
	label: string;
	/** null: every signed-in user. */
	needs: Permission | null;
}

export interface NavGroup {
	id: string;
	label: string;
	links: NavLink[];
}

export const NAV_GROUPS: NavGroup[] = [
	{
		id: 'map',
		label: 'Map',
		links: [
			{ path: '/', label: 'Map', needs: 'map:view' },
			{ path: '/neighbourhood', label: 'Neighbourhood', needs: 'neighbourhood:view' }
		]
	},
	{
		id: 'patrol',
		label: 'Patrol',
		links: [
			{ path: '/supervisor', label: 'Supervisor', needs: 'analysis:run' },
			{ path: '/tasking', label: 'Tasking', needs: 'tasking:manage' },
			{ path: '/patrol', label: 'Patrol', needs: 'tasking:patrol' }
		]
	},
	{
		id: 'intelligence',
		label: 'Intelligence',
		links: [
			{ path: '/report', label: 'Report', needs: 'observations:create' },
			{ path: '/review', label: 'Review', needs: 'intel:review' },
			{ path: '/cross-check', label: 'Cross-check', needs: 'intel:review' },
			{ path: '/sources', label: 'Sources', needs: 'observations:create' }
		]
	},
	{
		id: 'products',
		label: 'Products',
		links: [
			{ path: '/products', label: 'Products', needs: null },
			{ path: '/alerts', label: 'Alerts', needs: 'alerts:view' },
			{ path: '/problems', label: 'Problems', needs: 'problems:manage' },
			{ path: '/road-safety', label: 'Road safety', needs: 'analysis:run' }
		]
	},
	{
		id: 'analysis',
		label: 'Analysis',
		links: [
			{ path: '/trends', label: 'Trends', needs: 'analysis:run' },
			{ path: '/jobs', label: 'Jobs', needs: 'analysis:run' },
			{ path: '/import', label: 'Import', needs: 'import:run' }
		]
	},
	{
		id: 'admin',
		label: 'Admin',
		links: [
			{ path: '/admin/users', label: 'Users', needs: 'users:manage' },
			{ path: '/admin/audit', label: 'Audit log', needs: 'audit:view' }
		]
	}
];

/**
 * The groups with the links `user` may open, empty groups left out. Signed out (null): every link but
 * the administration's (each page sends to the sign-in page).
 */
export function visibleGroups(user: SessionUser | null | undefined): NavGroup[] {
	return NAV_GROUPS.map((g) => ({
		...g,
		links: g.links.filter((l) => (user ? l.needs === null || can(user, l.needs) : g.id !== 'admin'))
	})).filter((g) => g.links.length > 0);
}

/** The group holding the page at `pathname` (its own path, or a page below it). */
export function groupOf(groups: NavGroup[], pathname: string): string | null {
	for (const g of groups)
		for (const l of g.links)
			if (
				l.path === '/' ? pathname === '/' : pathname === l.path || pathname.startsWith(`${l.path}/`)
			)
				return g.id;
	return null;
}
