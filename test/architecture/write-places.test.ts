import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '../support/expect.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KNEX_WRITE = /\.(?:update|delete|del|insert)\(/g;

/** The writes of `text` (Knex's update, delete, insert) that are not inside the parentheses of a `whileWriting(` call. */
function writesOutsideTheirPlaces(text: string): number[] {
  return [...text.matchAll(KNEX_WRITE)]
    .map((write) => write.index)
    .filter((at) => {
      const call = text.lastIndexOf('whileWriting(', at);
      if (call < 0) return true;
      let depth = 0;
      for (let i = call + 'whileWriting'.length; i < at; i++) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')') depth--;
        if (depth === 0) return true;
      }
      return false;
    });
}

const lineOf = (text: string, at: number) => text.slice(0, at).split('\n').length;

function filesOf(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(root, dir, name));
}

describe('The connections writes may hold', () => {
  it('are taken by every write that runs through Knex outside the migrations: each waits for its place first', () => {
    const unplaced = filesOf('src/adapters/persistence/knex').flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return writesOutsideTheirPlaces(text).map((at) => `${relative(root, file)}:${lineOf(text, at)}`);
    });
    expect(unplaced).to.deep.equal([]);
  });

  it('are taken by every pooled PostgreSQL connection but the coalesced reads of campaigns', () => {
    const unplaced = filesOf('src/adapters/persistence/postgres')
      .filter((file) => !file.endsWith('pooled-connection.ts'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => /\bonPooledConnection\(/.test(line))
          .map((line) => `${relative(root, file)}: ${line.trim()}`),
      );
    expect(unplaced).to.have.length(1);
    expect(unplaced[0]).to.match(/coalesced-campaigns\.ts: .*findAll\(connection, batch\)/);
  });

  it('is really checked: a write outside whileWriting is seen, one inside it is not', () => {
    const sample = [
      "await whileWriting(db, () => db('t').where('a', f(1)).update({ a: 2 }));",
      "await db('t').delete();",
      "await whileWriting(db, () => x());\nawait db('t').insert({ a: 1 });",
    ].join('\n');
    expect(writesOutsideTheirPlaces(sample).map((at) => lineOf(sample, at))).to.deep.equal([2, 4]);
  });
});
