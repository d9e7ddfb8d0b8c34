import fc from 'fast-check';
import { localUrl } from '../../../src/composition/local-url.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

describe('The address the service says it listens at', () => {
  it('is a URL that names the host and port it listens on, for any IPv4 or IPv6 address or name (generated)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()), fc.integer({ min: 1, max: 65_535 }), (host, port) => {
        const url = new URL(localUrl(host, port));
        const named = new URL(`http://${host.includes(':') ? `[${host}]` : host}`).hostname;
        const wildcard = named === '0.0.0.0' || named === '[::]';
        expect(url.port === '' ? 80 : Number(url.port), host).to.equal(port);
        expect(url.hostname, host).to.equal(wildcard ? '127.0.0.1' : named);
      }),
      propertyParameters(300),
    );
  });

  it('is the loopback for a host that means every interface, and an IPv6 address in brackets', () => {
    for (const host of [undefined, '', '0.0.0.0', '::', '0:0:0:0:0:0:0:0'])
      expect(localUrl(host, 8080)).to.equal('http://127.0.0.1:8080');
    expect(localUrl('::1', 8080)).to.equal('http://[::1]:8080');
  });
});
