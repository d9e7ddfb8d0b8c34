import {
  traceContextColumn,
  traceContextFromColumn,
} from '../../../../../src/adapters/persistence/rows/outbox-rows.js';
import { expect } from '../../../../support/expect.js';

describe('The trace context kept with an outbox row', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads back what it wrote, with or without a tracestate', () => {
    for (const traceContext of [
      { traceparent },
      { traceparent, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' },
    ]) {
      expect(traceContextFromColumn(traceContextColumn(traceContext))).to.deep.equal(traceContext);
    }
  });

  it('writes null outside any trace, and reads null as none', () => {
    expect(traceContextColumn(undefined)).to.equal(null);
    expect(traceContextFromColumn(null)).to.equal(undefined);
  });

  it('reads anything unreadable as none, so that publishing never fails over it', () => {
    for (const stored of ['', 'not json', '[]', '{}', '{"traceparent":42}', 'null', 7]) {
      expect(traceContextFromColumn(stored), JSON.stringify(stored)).to.equal(undefined);
    }
  });

  it('drops an empty tracestate', () => {
    expect(traceContextFromColumn(JSON.stringify({ traceparent, tracestate: '' }))).to.deep.equal({ traceparent });
  });
});
