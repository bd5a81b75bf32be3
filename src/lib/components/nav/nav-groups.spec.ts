import { describe, expect, it } from 'vitest';
import type { Permission, SessionUser } from '$lib/auth/can';
import { NAV_GROUPS, groupOf, visibleGroups } from './nav-groups';

const user = (role: SessionUser['role'], permissions: Permission[]): SessionUser => ({
	username: role,
	displayName: role,
	role,
	permissions
});

describe('navigation groups', () => {
	it('lists every page once', () => {
		const paths = NAV_GROUPS.flatMap((g) => g.links.map((l) => l.path));
		expect(new Set(paths).size).toBe(paths.length);
	});

	it('shows a role only what it may open, and drops empty groups', () => {
		const community = visibleGroups(
			user('community', ['neighbourhood:view', 'observations:create'])
		);
		const links = community.flatMap((g) => g.links.map((l) => l.path));
		expect(links).toContain('/neighbourhood');
		expect(links).not.toContain('/');
		expect(links).not.toContain('/admin/users');
		expect(community.map((g) => g.id)).toEqual(['map', 'intelligence', 'products']);
		const admin = visibleGroups(user('admin', ['users:manage', 'map:view'])).flatMap((g) =>
			g.links.map((l) => l.path)
		);
		expect(admin).toContain('/admin/users');
	});

	it('signed out: every group but the administration', () => {
		expect(visibleGroups(null).map((g) => g.id)).not.toContain('admin');
	});

	it('finds the group of a page and of the pages below it', () => {
		expect(groupOf(NAV_GROUPS, '/')).toBe('map');
		expect(groupOf(NAV_GROUPS, '/problems/12')).toBe('products');
		expect(groupOf(NAV_GROUPS, '/tasking/reports')).toBe('patrol');
		expect(groupOf(NAV_GROUPS, '/account')).toBeNull();
	});
});
