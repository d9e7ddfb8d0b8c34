import fc from 'fast-check';
import pino from 'pino';
import { DatabaseOutages } from '../../../../src/adapters/persistence/database-outages.js';
import { DatabaseUnavailable } from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';
import { LogLines } from '../../../support/log-lines.js';
import { propertyParameters } from '../../../support/property-runs.js';

type Outcome = 'answered' | 'refused by the work' | 'unavailable';

const outcomes = fc.array(
  fc.record({
    after: fc.nat(5_000),
    /** A step of the system's clock, forward or back, beside the time that passed. */
    wallStep: fc.oneof(fc.constant(0), fc.integer({ min: -86_400_000, max: 86_400_000 })),
    outcome: fc.constantFrom<Outcome>('answered', 'refused by the work', 'unavailable', 'unavailable'),
  }),
  { maxLength: 80 },
);

function settle(outcome: Outcome): Promise<string> {
  if (outcome === 'answered') return Promise.resolve('value');
  if (outcome === 'refused by the work')
    return Promise.reject(Object.assign(new Error('duplicate key'), { code: '23505' }));
  return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
}

describe('Database outages as the service meets them', () => {
  it('refuse each request that met one as DatabaseUnavailable, and log one line when it begins and one when work is next carried out', async () => {
    await fc.assert(
      fc.asyncProperty(outcomes, async (sequence) => {
        const lines = new LogLines();
        let clock = 0;
        /** The wall clock steps by `wallStep` at each outcome, which tells when an outage began and nothing else. */
        let wallStepped = 0;
        const outages = new DatabaseOutages(
          pino({ level: 'debug' }, lines),
          'writes',
          () => new Date(clock + wallStepped),
          () => clock,
        );

        const expected: Array<{ msg: RegExp; refused?: number; outageMs?: number }> = [];
        let run: { began: number; beganOnTheWall: number; refused: number } | undefined;
        for (const { after, outcome, wallStep } of sequence) {
          clock += after;
          wallStepped += wallStep;
          const settled = await outages.watch(settle(outcome)).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if (outcome === 'unavailable') {
            expect(settled).to.have.property('error').that.is.instanceOf(DatabaseUnavailable);
            expect((settled as { error: Error }).error.cause).to.have.property('code', 'ECONNREFUSED');
            if (run === undefined) {
              run = { began: clock, beganOnTheWall: clock + wallStepped, refused: 0 };
              expected.push({ msg: /^the database does not take writes: / });
            }
            run.refused++;
            expect(outages.current()).to.deep.include({ since: new Date(run.beganOnTheWall), refused: run.refused });
            continue;
          }
          if (outcome === 'refused by the work') {
            expect(settled).to.have.property('error').that.has.property('code', '23505');
            continue;
          }
          expect(settled).to.deep.equal({ value: 'value' });
          expect(outages.current()).to.equal(undefined);
          if (run !== undefined) {
            expected.push({
              msg: /^the database takes writes again$/,
              refused: run.refused,
              outageMs: clock - run.began,
            });
            run = undefined;
          }
        }

        expect(lines.lines).to.have.length(expected.length);
        expected.forEach((line, i) => {
          const written = lines.lines[i]!;
          expect(written.msg).to.match(line.msg);
          if (line.refused === undefined) {
            expect(written.level).to.equal(40);
            expect(written.cause).to.include('ECONNREFUSED');
          } else {
            expect(written).to.include({ level: 30, refused: line.refused, outageMs: line.outageMs });
          }
        });
      }),
      propertyParameters(300),
    );
  });

  it('passes a DatabaseUnavailable from a port it also watches through as it is, counted once', async () => {
    const lines = new LogLines();
    const outages = new DatabaseOutages(pino({ level: 'debug' }, lines), 'reads');
    const inner = outages.watch(settle('unavailable'));
    const outer = outages.watch(inner).catch((error: unknown) => error);
    const error = await outer;
    expect(error).to.be.instanceOf(DatabaseUnavailable);
    expect((error as Error).cause).to.have.property('code', 'ECONNREFUSED');
    await outages.watch(settle('answered'));
    expect(lines.lines.map((line) => line.refused)).to.deep.equal([undefined, 1]);
  });
});
