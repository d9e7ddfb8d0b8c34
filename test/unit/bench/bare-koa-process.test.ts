import fc from 'fast-check';
import { startBareKoa } from '../../../bench/support/bare-koa-process.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

describe("The benchmarks' bare Koa process", () => {
  it('answers a start with the body of the original, at the address it printed', async () => {
    const bare = await startBareKoa();
    try {
      const answer = await fetch(`${bare.url}/api/v1/campaigns/42/start`, { method: 'POST' });
      expect(answer.status).to.equal(200);
      expect(await answer.json()).to.deep.equal({ id: '42', message: 'Campaign execution intiated successfully. ' });
    } finally {
      bare.stop();
    }
  });

  it('is refused, never awaited forever, when its process ends before it listens, whatever it printed and however it ended', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 255 }), fc.string({ maxLength: 40 }), async (code, printed) => {
        // node runs the -e script instead of the server file, which then stands only in process.argv.
        const script = `process.stdout.write(${JSON.stringify(printed)}, () => process.exit(${code}))`;
        const error = await startBareKoa(['-e', script]).then(
          () => undefined,
          (refused: unknown) => refused,
        );
        expect(error).to.be.instanceOf(Error);
        expect(String(error)).to.include('bare Koa ended before it listened');
      }),
      propertyParameters(15),
    );
  });
});
