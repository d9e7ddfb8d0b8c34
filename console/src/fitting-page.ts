import { ApiError } from './api.js';

/** A page as read, and how many entries were asked for: fewer than wanted when that many would not fit. */
export interface FittedPage<P> {
  page: P;
  pageSize: number;
}

/**
 * Reads a page of `pageSize`; when the service refuses it as too large (`400 PAGE_TOO_LARGE`), reads the page
 * again at the size the refusal names. Any other refusal, or one naming no smaller size, is thrown as it came.
 */
export async function readFitting<P>(read: (pageSize: number) => Promise<P>, pageSize: number): Promise<FittedPage<P>> {
  let size = pageSize;
  for (;;) {
    try {
      return { page: await read(size), pageSize: size };
    } catch (error) {
      const fits = fittingSizeOf(error);
      if (fits === undefined || fits >= size) throw error;
      size = fits;
    }
  }
}

function fittingSizeOf(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || error.code !== 'PAGE_TOO_LARGE') return undefined;
  const fits = error.facts.pageSize;
  return fits !== undefined && Number.isSafeInteger(fits) && fits >= 1 ? fits : undefined;
}
