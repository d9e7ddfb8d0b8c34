import { createLogger } from '../../../src/composition/logger.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';

describe('The service log', () => {
  const saved = process.env.OTEL_SERVICE_NAME;
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = saved;
  });

  function firstLineWith(name: string | undefined): Record<string, unknown> {
    if (name === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = name;
    const lines = new LogLines();
    createLogger('info', { destination: lines }).info('hello');
    return lines.lines[0]!;
  }

  it('names the service as its spans do, by OTEL_SERVICE_NAME', () => {
    expect(firstLineWith('campaign-service-eu1')).to.include({ service: 'campaign-service-eu1', msg: 'hello' });
  });

  it('names it campaign-service when OTEL_SERVICE_NAME is unset or blank', () => {
    expect(firstLineWith(undefined)).to.include({ service: 'campaign-service' });
    expect(firstLineWith('  ')).to.include({ service: 'campaign-service' });
  });
});
