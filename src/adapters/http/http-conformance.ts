import type { Context } from 'koa';
import { RequestRefused } from './request-refused.js';

/**
 * Refusals node:http would otherwise write itself, without the JSON body and headers every answer carries:
 * an HTTP/1.1 request without Host (400) and an Expect header other than 100-continue (417).
 */
export function refuseNonConformingRequest(ctx: Context): void {
  const { headers, httpVersionMajor, httpVersionMinor } = ctx.req;
  if (headers.host === undefined && httpVersionMajor === 1 && httpVersionMinor >= 1) {
    throw new RequestRefused('INVALID_REQUEST', 'An HTTP/1.1 request must carry a Host header');
  }
  const expectation = headers.expect;
  if (expectation !== undefined && expectation.toLowerCase() !== '100-continue') {
    throw new RequestRefused(
      'EXPECTATION_FAILED',
      `Expect: ${expectation} cannot be met; only 100-continue is understood`,
    );
  }
}
