import fc from 'fast-check';
import { migrateCommand } from '../../../src/cli/migrate-arguments.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

const argument = fc.oneof(
  fc.constantFrom('--help', '-h', 'rollback', 'down', 'up', 'latest', '--down', '--to', '009', '--', ''),
  fc.string({ maxLength: 12 }),
);

describe('npm run migrate reads its arguments', () => {
  it('migrates with none, says how with --help or -h alone, and refuses anything else, naming it (generated)', () => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 4 }), (args) => {
        const command = migrateCommand(args);
        if (args.length === 0) expect(command).to.deep.equal({ kind: 'migrate' });
        else if (args.length === 1 && (args[0] === '--help' || args[0] === '-h'))
          expect(command).to.deep.equal({ kind: 'help' });
        else expect(command).to.deep.equal({ kind: 'refused', args });
      }),
      propertyParameters(500),
    );
  });
});
