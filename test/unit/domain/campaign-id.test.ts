import { CampaignId, InvalidCampaignId } from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';

describe('CampaignId', () => {
  it('keeps 9007199254740993 (2^53 + 1) exactly', () => {
    expect(CampaignId.parse('9007199254740993').toString()).to.equal('9007199254740993');
  });

  it('accepts the largest signed 64-bit integer', () => {
    expect(CampaignId.parse('9223372036854775807').toString()).to.equal('9223372036854775807');
  });

  for (const raw of [
    '0',
    '-1',
    '007',
    '+5',
    '1.0',
    '1e3',
    ' 1',
    'abc',
    '',
    '9223372036854775808',
    '99999999999999999999',
  ]) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      expect(() => CampaignId.parse(raw)).to.throw(InvalidCampaignId);
    });
  }

  it('serialises to its decimal string in JSON', () => {
    expect(JSON.stringify({ id: CampaignId.parse('42') })).to.equal('{"id":"42"}');
  });

  it('compares by value', () => {
    expect(CampaignId.parse('42').equals(CampaignId.fromBigInt(42n))).to.equal(true);
  });
});
