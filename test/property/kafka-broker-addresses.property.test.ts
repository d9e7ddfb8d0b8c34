import * as fc from 'fast-check';
import { loadConfig } from '../../src/adapters/config/config.js';
import { configProblems } from '../support/config-problems.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const host = fc.constantFrom('127.0.0.1', 'localhost', 'kafka-1', 'broker.example.internal');
const portInRange = fc.integer({ min: 1, max: 65_535 });
const portOutOfRange = fc.oneof(fc.constant(0), fc.integer({ min: 65_536, max: 99_999 }));

describe('KAFKA_BROKERS, whatever ports it names', () => {
  it('takes every list whose ports are from 1 to 65535', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(host, portInRange), { minLength: 1, maxLength: 4 }), (brokers) => {
        const list = brokers.map(([name, port]) => `${name}:${port}`);
        expect(loadConfig({ KAFKA_BROKERS: list.join(',') }).kafka?.brokers).to.deep.equal(list);
      }),
      propertyParameters(300),
    );
  });

  it('refuses at startup any broker named by an IPv6 address, bracketed or not, which the Kafka client would read up to its first colon', () => {
    fc.assert(
      fc.property(fc.ipV6(), portInRange, fc.boolean(), (address, port, bracketed) => {
        const problems = configProblems({ KAFKA_BROKERS: `${bracketed ? `[${address}]` : address}:${port}` });
        expect(problems[0]).to.match(/^KAFKA_BROKERS must be a comma-separated list of host:port/);
      }),
      propertyParameters(300),
    );
  });

  it('refuses at startup, naming KAFKA_BROKERS, a list with any port out of that range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(host, portInRange), { maxLength: 3 }),
        fc.tuple(host, portOutOfRange),
        fc.nat(),
        (good, bad, at) => {
          const brokers = [...good];
          brokers.splice(at % (good.length + 1), 0, bad);
          const problems = configProblems({
            KAFKA_BROKERS: brokers.map(([name, port]) => `${name}:${port}`).join(','),
          });
          expect(problems[0]).to.match(/^KAFKA_BROKERS must be a comma-separated list of host:port/);
        },
      ),
      propertyParameters(300),
    );
  });
});
