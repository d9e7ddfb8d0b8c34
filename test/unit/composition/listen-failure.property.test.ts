import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import * as fc from 'fast-check';
import { StartupFailure, throwListenFailure } from '../../../src/composition/startup-failure.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

/** What `listen(port, host)` throws on this machine, or undefined when it listens. */
async function listenError(host: string): Promise<unknown> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', resolve);
    server.listen(0, host, () => server.close(() => resolve(undefined)));
  });
}

function blamed(error: unknown, host: string | undefined): unknown {
  try {
    throwListenFailure({ host, port: 8080 })(error);
  } catch (thrown) {
    return thrown;
  }
  throw new Error('throwListenFailure returned');
}

/** The addresses this machine's interfaces hold (a test machine may hold one of the documentation ranges). */
const held = new Set(
  Object.values(networkInterfaces())
    .flat()
    .map((address) => address?.address),
);

/** Addresses of the documentation ranges, IPv4 and IPv6, that no interface of this machine holds. */
const foreignAddress = fc
  .oneof(
    fc
      .tuple(fc.constantFrom('192.0.2', '198.51.100', '203.0.113'), fc.integer({ min: 1, max: 254 }))
      .map(([net, host]) => `${net}.${host}`),
    fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8::${n.toString(16)}`),
  )
  .filter((address) => !held.has(address));
/** Names no resolver answers: the reserved `.invalid` domain, and addresses written with brackets or out of range. */
const unresolvableName = fc.oneof(
  fc.domain().map((name) => `${name}.invalid`),
  fc.constantFrom('[::1]', '999.1.1.1', '127.0.0.256'),
);

/** Failures of `listen` that are about neither the address nor the port. */
const otherFailure = fc
  .tuple(fc.constantFrom('EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS', 'EIO', undefined), fc.string({ maxLength: 20 }))
  .map(([code, text]) => Object.assign(new Error(`listen ${code ?? 'failed'} ${text}`), code ? { code } : {}));

describe('What a failed listen tells the operator to check', () => {
  it('names HOST when HOST is an address this machine does not hold, or a name that does not resolve, and says which', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(foreignAddress, unresolvableName), async (host) => {
        const failure = blamed(await listenError(host), host);
        expect(failure, host).to.be.instanceOf(StartupFailure);
        expect((failure as StartupFailure).setting).to.equal('HOST');
        expect((failure as StartupFailure).message).to.match(
          /not an address this machine can listen on|does not resolve/,
        );
      }),
      propertyParameters(20),
    );
  });

  it('passes any other failure on as it is, whatever HOST is, rather than blame a setting that is right', () => {
    fc.assert(
      fc.property(
        otherFailure,
        fc.option(fc.constantFrom('127.0.0.1', '0.0.0.0', '::', 'localhost')),
        (error, host) => {
          expect(blamed(error, host ?? undefined)).to.equal(error);
        },
      ),
      propertyParameters(200),
    );
  });

  it('names PORT when the user may not listen on it', () => {
    for (const code of ['EACCES', 'EPERM']) {
      const failure = blamed(Object.assign(new Error(`listen ${code}`), { code }), '127.0.0.1') as StartupFailure;
      expect(failure.setting).to.equal('PORT');
    }
  });
});
