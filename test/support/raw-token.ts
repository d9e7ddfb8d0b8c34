import { createHmac } from 'node:crypto';
import { TEST_SECRET } from './test-service.js';

/**
 * An HS256 token whose payload is exactly `payloadJson`, so claims JSON.stringify cannot write (1e400, a lone
 * surrogate escape) can be sent too.
 */
export function tokenWithPayload(payloadJson: string, secret = TEST_SECRET): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(payloadJson).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
