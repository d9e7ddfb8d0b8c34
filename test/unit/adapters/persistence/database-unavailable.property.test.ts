import fc from 'fast-check';
import { DatabaseSilent, isDatabaseUnavailable } from '../../../../src/adapters/persistence/database-unavailable.js';
import { DatabaseFileMoved } from '../../../../src/adapters/persistence/sqlite/opened-file.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const digitOrLetter = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const sqlstate = (prefix: string) =>
  fc
    .array(digitOrLetter, { minLength: 5 - prefix.length, maxLength: 5 - prefix.length })
    .map((rest) => prefix + rest.join(''));

function withCode(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

/** Knex puts the statement before the driver's message. */
const statement = fc.constantFrom('', 'select 1 - ', 'insert into "outbox" ("a") values ($1) - ');

/** Errors that say the database could not take the work now, in the forms the drivers give them. */
const unavailable = fc.oneof(
  sqlstate('08')
    .filter((code) => code !== '08P01')
    .map((code) => withCode(code)),
  sqlstate('53').map((code) => withCode(code)),
  sqlstate('58').map((code) => withCode(code)),
  fc.constantFrom('57P01', '57P02', '57P03', '57P04', '57P05', '57014', '55P03', '25006').map((code) => withCode(code)),
  fc
    .tuple(
      fc.constantFrom('BUSY', 'LOCKED', 'FULL', 'IOERR', 'READONLY', 'CANTOPEN', 'NOMEM', 'PROTOCOL'),
      fc.constantFrom('', '_RECOVERY', '_SNAPSHOT', '_WRITE', '_FSYNC', '_DBMOVED', '_NOTEMPDIR'),
    )
    .map(([kind, extended]) => withCode(`SQLITE_${kind}${extended}`)),
  fc
    .constantFrom('ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND')
    .map((code) => withCode(code, `connect ${code} 127.0.0.1:5432`)),
  fc
    .tuple(
      statement,
      fc.constantFrom(
        'Connection terminated unexpectedly',
        'Connection terminated',
        'Connection terminated due to connection timeout',
        'timeout expired',
        'Client has encountered a connection error and is not queryable',
        'Client was closed and is not queryable',
      ),
    )
    .map(([sql, message]) => new Error(sql + message)),
  fc.constant(Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })),
  fc.nat(600_000).map((ms) => new DatabaseSilent(ms)),
  fc.string().map((file) => new DatabaseFileMoved(file)),
);

/** Errors about the work itself: a constraint, a type, a statement, a corrupt file, or anything else. */
const aboutTheWork = fc.oneof(
  fc
    .constantFrom(
      '23505',
      '23503',
      '22P02',
      '22001',
      '42P01',
      '42703',
      '40001',
      '40P01',
      '08P01',
      'XX000',
      '25P02',
      '25001',
      '55000',
      '55006',
    )
    .map((code) => withCode(code)),
  fc
    .constantFrom(
      'SQLITE_CONSTRAINT_UNIQUE',
      'SQLITE_CONSTRAINT',
      'SQLITE_ERROR',
      'SQLITE_CORRUPT',
      'SQLITE_MISMATCH',
      'SQLITE_TOOBIG',
    )
    .map((code) => withCode(code)),
  fc.string().map((message) => new Error(message)),
  fc.string().map((message) => new TypeError(message)),
  fc.constantFrom(undefined, null, 'Connection terminated', 42, { code: '08006' }),
);

/** `error` as the cause of `depth` wrappers. */
const wrapped = (error: unknown, depth: number): unknown =>
  depth === 0 ? error : wrapped(new Error('the work failed', { cause: error }), depth - 1);

describe('Which driver errors mean the database could not take the work', () => {
  it('every form of an unreachable, silent, shutting down, full, busy or read-only database, however deeply wrapped', () => {
    fc.assert(
      fc.property(unavailable, fc.nat(3), (error, depth) => {
        expect(isDatabaseUnavailable(wrapped(error, depth))).to.equal(true);
      }),
      propertyParameters(500),
    );
  });

  it('none of the errors about the work itself, nor what is not an Error', () => {
    fc.assert(
      fc.property(aboutTheWork, fc.nat(3), (error, depth) => {
        expect(isDatabaseUnavailable(wrapped(error, depth))).to.equal(false);
      }),
      propertyParameters(500),
    );
  });
});
