import fc from 'fast-check';
import { textProblems } from '../../../src/domain/campaign-rules.js';
import { Campaign, CampaignId, CampaignInvalid } from '../../../src/domain/index.js';
import { codePointLength, storableTextProblem } from '../../../src/domain/storable-text.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const now = new Date('2030-01-01T00:00:00Z');
const create = (fields: { name?: string; description?: string | null; zone?: string | null; createdBy?: string }) =>
  Campaign.create({ id: CampaignId.parse('4'), name: 'Sale', createdBy: 'alice', ...fields }, now);
const problemsOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof CampaignInvalid) return error.problems;
    throw error;
  }
  return [];
};

describe('Storable text', () => {
  it('refuses NUL and the other control characters but tab, line feed and carriage return', () => {
    for (const control of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085', '\u009f']) {
      expect(storableTextProblem(`a${control}b`, 255), JSON.stringify(control)).to.match(/control characters/);
    }
    expect(storableTextProblem('line one\r\n\tline two', 255)).to.equal(undefined);
  });

  it('refuses an unpaired surrogate, high or low, anywhere', () => {
    for (const text of ['\ud800', 'a\ud800', '\udc00b', 'a\udbffb', '\udc00\ud800']) {
      expect(storableTextProblem(text, 255), JSON.stringify(text)).to.match(/unpaired UTF-16 surrogate/);
    }
  });

  it('counts lengths in Unicode code points: 255 astral characters fit in 255, 256 do not', () => {
    expect(codePointLength('🎉'.repeat(255))).to.equal(255);
    expect(storableTextProblem('🎉'.repeat(255), 255)).to.equal(undefined);
    expect(storableTextProblem('🎉'.repeat(256), 255)).to.equal('must be at most 255 characters');
  });

  it('counts a combining mark as a code point of its own', () => {
    expect(codePointLength('e\u0301')).to.equal(2);
    expect(storableTextProblem('e\u0301'.repeat(128), 255)).to.equal('must be at most 255 characters');
  });

  it('accepts exactly the texts that are well formed, free of disallowed controls and within the limit', () => {
    const text = fc.oneof(
      fc
        .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 300 })
        .map((points) => String.fromCodePoint(...points)),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc
        .array(fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '🎉', 'e\u0301', '\t', '\u009f'), { maxLength: 300 })
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(text, (candidate) => {
        const wellFormed = Buffer.from(candidate, 'utf8').toString('utf8') === candidate;
        const controlFree = !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(candidate);
        const fits = [...candidate].length <= 255;
        expect(storableTextProblem(candidate, 255) === undefined).to.equal(wellFormed && controlFree && fits);
      }),
      propertyParameters(400),
    );
  });

  it('names the field of every text that breaks the rules, nested ones by their path', () => {
    expect(
      textProblems({ name: 'a\u0000', tags: ['ok', '\ud800'], content: { title: 'x\u0007' }, count: 3 }).map(
        (p) => p.field,
      ),
    ).to.deep.equal(['name', 'tags[1]', 'content.title']);
  });

  describe('in Campaign.create and modify', () => {
    it('refuses a NUL in the name or the description, naming each', () => {
      expect(problemsOf(() => create({ name: 'a\u0000b', description: 'c\u0000d' })).map((p) => p.field)).to.deep.equal(
        ['name', 'description'],
      );
    });

    it('refuses a lone surrogate in the name', () => {
      expect(problemsOf(() => create({ name: '\ud800' }))).to.deep.include({
        field: 'name',
        message: 'must not contain an unpaired UTF-16 surrogate (\\ud800 to \\udfff alone)',
      });
    });

    it('refuses a creator longer than 255 characters', () => {
      expect(problemsOf(() => create({ createdBy: 'x'.repeat(256) })).map((p) => p.field)).to.deep.equal([
        'createdBy',
        'updatedBy',
      ]);
    });

    it('keeps a description of 10,000 astral characters and refuses 10,001', () => {
      expect(create({ description: '𝄞'.repeat(10_000) }).snapshot().description).to.have.length(20_000);
      expect(problemsOf(() => create({ description: '𝄞'.repeat(10_001) })).map((p) => p.field)).to.deep.equal([
        'description',
      ]);
    });

    it('refuses a modify that would store a control character, changing nothing', () => {
      const campaign = create({});
      const before = campaign.snapshot();
      expect(() =>
        campaign.modify({ description: 'tab\tok but bell \u0007 not' }, { now, eventId: 'e', by: 'bob' }),
      ).to.throw(CampaignInvalid, /description must not contain/);
      expect(campaign.snapshot()).to.deep.equal(before);
    });
  });
});
