import { clearTextPasswordWarning, kafkaSecurity } from '../../../../src/adapters/messaging/kafka-client.js';
import { expect } from '../../../support/expect.js';

const sasl = { mechanism: 'plain' as const, username: 'campaigns', password: 'secret' };

describe('What kafkajs is given to reach secured brokers', () => {
  it('is nothing for a plaintext cluster, TLS with the system authorities when asked, and the files as read', () => {
    expect(kafkaSecurity({})).to.deep.equal({});
    expect(kafkaSecurity({ tls: {} })).to.deep.equal({ ssl: true });
    expect(kafkaSecurity({ tls: { ca: ['A'], cert: 'C', key: 'K' }, sasl })).to.deep.equal({
      ssl: { ca: ['A'], cert: 'C', key: 'K' },
      sasl,
    });
  });

  it('warns of a password sent in clear text, and of nothing else', () => {
    expect(clearTextPasswordWarning({ sasl })).to.match(/clear text/);
    expect(clearTextPasswordWarning({ sasl, tls: {} })).to.equal(undefined);
    expect(clearTextPasswordWarning({ sasl: { ...sasl, mechanism: 'scram-sha-256' } })).to.equal(undefined);
    expect(clearTextPasswordWarning({})).to.equal(undefined);
  });
});
