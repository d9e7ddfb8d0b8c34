import { readFileSync } from 'node:fs';
import { expect } from '../support/expect.js';

const { scripts } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('The npm scripts', () => {
  it('run the program they build for with exec, so that a signal npm forwards (SIGTERM from a supervisor) reaches it', () => {
    // npm runs a script in `sh -c` and forwards SIGTERM and SIGINT to that shell, which would die of it and leave
    // the program running on without its parent, never drained. With exec the program is the shell.
    const built = Object.entries(scripts).filter(([, command]) => command.startsWith('npm run build --silent && '));
    expect(built.map(([name]) => name)).to.include.members(['start', 'relay', 'events:tail', 'test']);
    const notExecuted = built.filter(([, command]) => !/^npm run build --silent && exec [^&|;]+$/.test(command));
    expect(notExecuted).to.deep.equal([]);
  });
});
