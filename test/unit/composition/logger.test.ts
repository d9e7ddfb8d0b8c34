import { createLogger } from '../../../src/composition/logger.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';

describe('The logger', () => {
  it('writes one JSON object per line, naming the service', () => {
    const out = new LogLines();
    createLogger('info', { destination: out }).info({ campaignId: '42' }, 'campaign started');
    expect(out.lines[0]).to.include({
      level: 30,
      service: 'campaign-service',
      campaignId: '42',
      msg: 'campaign started',
    });
  });

  it('never writes a credential, even when a caller passes one', () => {
    const out = new LogLines();
    const logger = createLogger('info', { destination: out });
    logger.info(
      { req: { headers: { authorization: 'Bearer eyJ.secret.token', 'x-voltmx-authorization': 'eyJ.other' } } },
      'request',
    );
    logger.info({ token: 'eyJ.secret.token', auth: { secret: 'hs256-secret' } }, 'oops');
    expect(out.raw.join('\n')).not.to.match(/eyJ|hs256-secret/);
    expect(out.lines[0]!.req.headers.authorization).to.equal('[redacted]');
  });

  it('leaves out what is below its level', () => {
    const out = new LogLines();
    const logger = createLogger('warn', { destination: out });
    logger.info('routine');
    logger.warn('unusual');
    expect(out.lines.map((l) => l.msg)).to.deep.equal(['unusual']);
  });
});
