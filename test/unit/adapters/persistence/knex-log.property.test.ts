import fc from 'fast-check';
import pino from 'pino';
import { knexLog, REPEATED_WARNING_QUIET_MS } from '../../../../src/adapters/persistence/knex/knex-log.js';
import { expect } from '../../../support/expect.js';
import { LogLines } from '../../../support/log-lines.js';
import { propertyParameters } from '../../../support/property-runs.js';

const LEVEL = { debug: 20, warn: 40 } as const;

/** Warnings as knex writes them (the first line is what counts), some with a stack below it. */
const warnings = fc.constantFrom(
  'Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect',
  'Acquire connection error: Error: connect ECONNREFUSED 127.0.0.1:5432\n    at other frames',
  'Acquire connection error: Error: getaddrinfo ENOTFOUND db',
  'Connection Error: Error: Connection terminated unexpectedly',
  'Pool validate threw an error: timeout',
);

/** Knex's warnings over time: each after a pause from a few milliseconds to two quiet periods. */
const warningsOverTime = fc.array(
  fc.record({ after: fc.integer({ min: 0, max: 2 * REPEATED_WARNING_QUIET_MS }), message: warnings }),
  { minLength: 1, maxLength: 120 },
);

describe("Knex's warnings in the service's log", () => {
  it('are written at warn once a minute each, the rest at debug, and each warn counts the ones it stood for', () => {
    fc.assert(
      fc.property(warningsOverTime, (sequence) => {
        const lines = new LogLines();
        let clock = 0;
        const log = knexLog(pino({ level: 'debug' }, lines), () => clock);
        const sent: Array<{ at: number; text: string }> = [];
        for (const { after, message } of sequence) {
          clock += after;
          sent.push({ at: clock, text: message.split('\n')[0]! });
          log.warn(message);
        }

        expect(lines.lines).to.have.length(sent.length);
        const lastWarn = new Map<string, { at: number; held: number }>();
        sent.forEach(({ at, text }, i) => {
          const written = lines.lines[i]!;
          expect(written).to.include({ component: 'knex', msg: text });
          const before = lastWarn.get(text);
          const due = before === undefined || at - before.at >= REPEATED_WARNING_QUIET_MS;
          expect(written.level, `line ${i} at ${at} ms: ${text}`).to.equal(due ? LEVEL.warn : LEVEL.debug);
          if (!due) {
            before.held++;
            return;
          }
          expect(written.repeated ?? 0, `line ${i}: held since the last warn`).to.equal(before?.held ?? 0);
          lastWarn.set(text, { at, held: 0 });
        });
      }),
      propertyParameters(300),
    );
  });

  it('writes the first of each of many different warnings at warn, and drops none of the others', () => {
    const manyWarnings = fc.array(fc.record({ after: fc.nat(1_000), host: fc.nat(199) }), { maxLength: 400 });
    fc.assert(
      fc.property(manyWarnings, (sequence) => {
        const lines = new LogLines();
        let clock = 0;
        const log = knexLog(pino({ level: 'debug' }, lines), () => clock);
        const seen = new Set<number>();
        for (const { after, host } of sequence) {
          clock += after;
          log.warn(`Acquire connection error: Error: getaddrinfo ENOTFOUND db-${host}`);
          const written = lines.lines.at(-1)!;
          if (!seen.has(host)) expect(written.level, `the first from db-${host}`).to.equal(LEVEL.warn);
          seen.add(host);
        }
        expect(lines.lines).to.have.length(sequence.length);
      }),
      propertyParameters(100),
    );
  });

  it('keeps errors at error every time, with only their first line', () => {
    const lines = new LogLines();
    const log = knexLog(pino({ level: 'debug' }, lines), () => 0);
    log.error('migration failed\n    at stack');
    log.error('migration failed\n    at stack');
    expect(lines.lines.map((line) => [line.level, line.msg])).to.deep.equal([
      [50, 'migration failed'],
      [50, 'migration failed'],
    ]);
  });
});
