import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';

describe('OUTBOX_RETENTION_HOURS', () => {
  it('keeps published outbox rows 168 hours (7 days) by default', () => {
    expect(loadConfig({}).outboxRetentionHours).to.equal(168);
  });

  it('reads a whole number of hours', () => {
    expect(loadConfig({ OUTBOX_RETENTION_HOURS: '24' }).outboxRetentionHours).to.equal(24);
  });

  for (const bad of ['0', '-1', '1.5', 'a week', '87601']) {
    it(`refuses ${bad}, naming the variable`, () => {
      expect(configProblems({ OUTBOX_RETENTION_HOURS: bad })[0]).to.match(/^OUTBOX_RETENTION_HOURS /);
    });
  }
});
