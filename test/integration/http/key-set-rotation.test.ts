import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { TokenRejected, TokenVerifier } from '../../../src/adapters/auth/token-verifier.js';
import { expect } from '../../support/expect.js';

const RULES = { issuer: undefined, audience: undefined, clockToleranceSeconds: 5 };

/** A signing key of the identity provider, and its public half as the key set lists it under `kid`. */
async function signingKey(kid: string) {
  const pair = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const sign = (subject: string) =>
    new SignJWT({ scope: 'campaigns:read' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject(subject)
      .setExpirationTime('1h')
      .sign(pair.privateKey);
  return { jwk, sign };
}

describe('Tokens of a key taken out of the key set', () => {
  let server: Server;
  let listed: JWK[] = [];
  let url: URL;

  before(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: listed }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`);
  });
  after(() => server.close());

  it('are refused once the set has been read again without that key, though they verified before, and the tokens of the keys it still holds are taken', async () => {
    const [retired, kept, unknown] = await Promise.all(['k1', 'k2', 'k3'].map(signingKey));
    listed = [retired!.jwk, kept!.jwk];
    const verifier = new TokenVerifier({ kind: 'jwks', jwksUrl: url, cooldownMs: 0 }, RULES);
    const byRetired = await retired!.sign('alice');
    const byKept = await kept!.sign('bob');
    expect((await verifier.verify(byRetired)).subject).to.equal('alice');
    expect((await verifier.verify(byKept)).subject).to.equal('bob');

    // The provider takes k1 out (it leaked, say); a token naming a key the service has not seen makes it read the set.
    listed = [kept!.jwk];
    await expect(verifier.verify(await unknown!.sign('mallory'))).to.be.rejectedWith(TokenRejected);

    await expect(verifier.verify(byRetired)).to.be.rejectedWith(TokenRejected, /no known key/);
    expect((await verifier.verify(byKept)).subject).to.equal('bob');
  });
});
