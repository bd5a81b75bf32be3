import type { ParamMatcher } from '@sveltejs/kit';
import { isValidCell } from 'h3-js';

/** An H3 cell index written as 15 hexadecimal digits (`89194ad3003ffff`), valid per h3-js. */
export const match = ((param: string): param is string =>
	/^[0-9a-f]{15}$/i.test(param) && isValidCell(param)) satisfies ParamMatcher;
