import { TurnBatcher } from '../../../../../src/adapters/persistence/postgres/turn-batcher.js';
import { expect } from '../../../../support/expect.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A batcher whose batches are recorded and answered when the test says so. */
function recordingBatcher(limits = { maxBatch: 100, maxInFlight: 1 }) {
  const batches: number[][] = [];
  const pending: Array<{ answer: () => void; fail: (error: Error) => void }> = [];
  const batcher = new TurnBatcher<number, string>(
    (inputs) =>
      new Promise((resolve, reject) => {
        batches.push([...inputs]);
        pending.push({ answer: () => resolve(inputs.map((n) => `answer ${n}`)), fail: reject });
      }),
    limits,
  );
  return { batcher, batches, pending };
}

describe('Calls gathered per turn of the event loop', () => {
  it('runs the calls made in one turn as one batch, and answers each caller its own answer', async () => {
    const { batcher, batches, pending } = recordingBatcher();
    const answers = Promise.all([1, 2, 3].map((n) => batcher.add(n)));
    await nextTurn();
    expect(batches).to.deep.equal([[1, 2, 3]]);
    pending[0]!.answer();
    expect(await answers).to.deep.equal(['answer 1', 'answer 2', 'answer 3']);
  });

  it('fails every call of a failing batch with its error, and runs the next batch as usual', async () => {
    const { batcher, batches, pending } = recordingBatcher();
    const failing = [1, 2].map((n) => batcher.add(n));
    await nextTurn();
    pending[0]!.fail(new Error('statement failed'));
    for (const call of failing) await expect(call).to.be.rejectedWith('statement failed');
    const next = batcher.add(3);
    await nextTurn();
    pending[1]!.answer();
    expect(await next).to.equal('answer 3');
    expect(batches).to.deep.equal([[1, 2], [3]]);
  });

  it('gathers the calls made while the most batches run into one batch that runs when one of them ends', async () => {
    const { batcher, batches, pending } = recordingBatcher({ maxBatch: 100, maxInFlight: 1 });
    const first = batcher.add(1);
    await nextTurn();
    const later = [2, 3].map((n) => batcher.add(n));
    await nextTurn();
    const evenLater = batcher.add(4);
    await nextTurn();
    expect(batches).to.deep.equal([[1]]);
    pending[0]!.answer();
    await first;
    await nextTurn();
    expect(batches).to.deep.equal([[1], [2, 3, 4]]);
    pending[1]!.answer();
    expect(await Promise.all([...later, evenLater])).to.deep.equal(['answer 2', 'answer 3', 'answer 4']);
  });

  it('splits the calls of one turn into batches of the largest size allowed, run side by side up to the limit', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatch: 2, maxInFlight: 2 });
    for (const n of [1, 2, 3, 4, 5]) void batcher.add(n);
    await nextTurn();
    expect(batches).to.deep.equal([
      [1, 2],
      [3, 4],
    ]);
  });

  it('fails every call of a batch answered with a different number of answers than calls', async () => {
    const batcher = new TurnBatcher<number, number>(async () => [1], { maxBatch: 10, maxInFlight: 1 });
    const calls = [batcher.add(1), batcher.add(2)];
    for (const call of calls) await expect(call).to.be.rejectedWith('a batch of 2 calls was answered 1 times');
  });
});
