import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { inDays, TEST_SECRET, TestService } from '../../support/test-service.js';

for (const kind of DATABASE_KINDS) {
  describe(`Texts that reach storage (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const create = (fields: Record<string, unknown>, token?: string) =>
      service.request('POST', '/api/v1/campaigns', { body: { name: 'Sale', ...fields }, ...(token ? { token } : {}) });
    const fieldsOf = (answer: { body: { errors?: Array<{ field: string }> } }) =>
      (answer.body.errors ?? []).map((e) => e.field);
    const count = async () => Number((await service.db('campaigns').count({ n: '*' }).first())!.n);

    const controls = [
      ['name', 'a\u0000b', 'NUL'],
      ['description', 'a\u0000b', 'NUL'],
      ['name', 'bell\u0007', 'U+0007'],
      ['description', 'C1 \u0085', 'U+0085'],
    ] as const;
    for (const [field, value, what] of controls) {
      it(`refuses ${what} in ${field} with 400 VALIDATION_FAILED naming it, and stores nothing`, async () => {
        const before = await count();
        const answer = await create({ [field]: value });
        expect(answer.status).to.equal(400);
        expect(answer.body.code).to.equal('VALIDATION_FAILED');
        expect(fieldsOf(answer)).to.deep.equal([field]);
        expect(await count()).to.equal(before);
      });
    }

    it('refuses a lone surrogate with 400 instead of storing it changed', async () => {
      for (const text of ['\ud800', 'x\udfff', '\udc00\ud800']) {
        const answer = await create({ name: text, description: text });
        expect(answer.status, JSON.stringify(text)).to.equal(400);
        expect(fieldsOf(answer)).to.deep.equal(['name', 'description']);
      }
    });

    it('refuses the same texts in a modify, changing nothing', async () => {
      const id = await service.createCampaign({ description: 'kept' });
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
        body: { description: 'x\u0000', name: '\ud83d' },
      });
      expect(answer.status).to.equal(400);
      expect(fieldsOf(answer)).to.have.members(['name', 'description']);
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body).to.include({
        name: 'Spring sale',
        description: 'kept',
      });
    });

    it('counts lengths in code points: a name of 255 astral characters is kept exactly, 256 are refused', async () => {
      const name = '🎉'.repeat(255);
      const id = (await create({ name })).body.id as string;
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.name).to.equal(name);
      const tooLong = await create({ name: '🎉'.repeat(256) });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body.errors).to.deep.equal([{ field: 'name', message: 'must be at most 255 characters' }]);
    });

    it('keeps tabs, line breaks, combining marks and astral characters exactly', async () => {
      const description = 'line one\r\n\tline two: e\u0301 𝄞 \u{10ffff} \ufeff';
      const id = (await create({ description, startAt: inDays(1) })).body.id as string;
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.description).to.equal(
        description,
      );
    });

    it('applies the same rules to the content, naming the text by its path', async () => {
      const answer = await create({
        campaignMessages: [
          {
            message: 'a\u0000b',
            application: { appId: 'app' },
            platformSpecificProps: { 'k\u0001': 'v', ok: '\ud800' },
          },
        ],
      });
      expect(answer.status).to.equal(400);
      expect(fieldsOf(answer)).to.have.members([
        'campaignMessages[0].message',
        'campaignMessages[0].platformSpecificProps.k\u0001',
        'campaignMessages[0].platformSpecificProps.ok',
      ]);
    });

    it('refuses a zone longer than its 64 characters with 400 naming zone', async () => {
      const answer = await create({ zone: `(GMT+04:30) ${'K'.repeat(60)}` });
      expect(answer.status).to.equal(400);
      expect(fieldsOf(answer)).to.deep.equal(['zone']);
    });

    for (const [what, subject] of [
      ['a NUL', 'ali\u0000ce'],
      ['256 characters', 's'.repeat(256)],
      ['a lone surrogate', 'bob\ud800'],
    ] as const) {
      it(`refuses a token whose subject has ${what} at the door with 401, storing nothing`, async () => {
        const before = await count();
        const answer = await create({}, await mintToken({ secret: TEST_SECRET, subject }));
        expect(answer.status).to.equal(401);
        expect(answer.body.code).to.equal('UNAUTHORIZED');
        expect(answer.body.message).to.match(/subject \(sub\)/);
        expect(await count()).to.equal(before);
      });
    }

    it('takes a subject of 255 astral characters and records it exactly', async () => {
      const subject = '👤'.repeat(255);
      const answer = await create({}, await mintToken({ secret: TEST_SECRET, subject }));
      expect(answer.status).to.equal(200);
      expect(
        (await service.request('GET', `/api/v1/campaigns/${answer.body.id}?view=service`)).body.createdBy,
      ).to.equal(subject);
    });
  });
}
