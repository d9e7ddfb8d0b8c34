import { Writable } from 'node:stream';
import pino from 'pino';
import { PinoRelayLog } from '../../../../src/adapters/logging/pino-relay-log.js';
import { OutboxUnreachable } from '../../../../src/application/index.js';
import { expect } from '../../../support/expect.js';

function logged(tell: (log: PinoRelayLog) => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  tell(new PinoRelayLog(pino({ level: 'info' }, out)));
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("The relay's outage line", () => {
  it('blames the database when the relay cannot reach its outbox, and the broker otherwise, with the cause in one line', () => {
    const [database] = logged((log) =>
      log.outageBegan(new OutboxUnreachable(new Error('Connection terminated unexpectedly'))),
    );
    const [broker] = logged((log) => log.outageBegan(new Error('connect ECONNREFUSED 127.0.0.1:9092')));
    expect(database!.msg).to.match(/^outbox relay cannot reach the outbox: the database does not answer it/);
    expect(database!.cause).to.include('OutboxUnreachable').and.include('Connection terminated unexpectedly');
    expect(broker!.msg).to.match(/^outbox relay cannot publish: .* until the broker takes writes again$/);
  });

  it('hands the lease over blaming neither, since the outage may be the database as well as the broker', () => {
    const [line] = logged((log) => log.handingOver(31_000));
    expect(line).to.include({ downForMs: 31_000 });
    expect(line!.msg).to.match(/^outbox relay handing the lease over: /);
    expect(line!.msg).not.to.match(/broker|database/);
  });
});
