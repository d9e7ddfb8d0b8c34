import { TimeOrderedIdGenerator } from '../../../../src/adapters/system/time-ordered-id-generator.js';
import { expect } from '../../../support/expect.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('TimeOrderedIdGenerator', () => {
  describe('event ids', () => {
    it('are UUIDv7: version 7, the RFC variant, the current time in the first 48 bits', () => {
      const before = Date.now();
      const id = new TimeOrderedIdGenerator().newEventId();
      expect(id).to.match(UUID_V7);
      const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).to.be.within(before, Date.now());
    });

    it('grow with every id one generator makes, also within one millisecond', () => {
      const ids = new TimeOrderedIdGenerator();
      const made = Array.from({ length: 10_000 }, () => ids.newEventId());
      expect([...made].sort()).to.deep.equal(made);
      expect(new Set(made).size).to.equal(made.length);
    });

    it("never repeat their random part, across many draws of the system's randomness, nor between generators", () => {
      const randomPart = (id: string) => id.replace(/-/g, '').slice(17);
      const made = [new TimeOrderedIdGenerator(), new TimeOrderedIdGenerator()].flatMap((ids) =>
        Array.from({ length: 5_000 }, () => randomPart(ids.newEventId())),
      );
      expect(new Set(made).size).to.equal(made.length);
      for (const part of made) expect(part).to.match(/^[0-9a-f]{15}$/);
    });
  });

  describe('campaign ids', () => {
    it('grow with every id one generator makes and fit a signed 64-bit long', () => {
      const ids = new TimeOrderedIdGenerator();
      const made = Array.from({ length: 5_000 }, () => BigInt(ids.newCampaignId().toString()));
      for (let i = 1; i < made.length; i++) expect(made[i]! > made[i - 1]!).to.equal(true);
      expect(made.every((id) => id > 0n && id < 2n ** 63n)).to.equal(true);
    });
  });
});
