/**
 * Router options under which a path matches only as written: letter case counts (as in the servlet container
 * of the original product) and a trailing slash makes another path. Anything else is 404 NOT_FOUND.
 */
export const EXACT_PATHS = { sensitive: true, strict: true } as const;
