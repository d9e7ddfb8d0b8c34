// kafkajs's encoder zero-fills a new buffer for every record and every header it encodes (`Buffer.alloc`): a fifth
// of the relay's drain, and most of its garbage (docs/design.md, "Where this departs from the design card"). Every
// encoder writes its bytes one after another and hands on only the part written, so a buffer from node's pool
// (`Buffer.allocUnsafe`) encodes the same bytes. Run by `npm ci` and `npm install` (postinstall); it refuses an
// encoder it does not know, so a new kafkajs is looked at before it is published with.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ALLOCATIONS = [
  [
    'this.buf = Buffer.alloc(Encoder.nextPowerOfTwo(initialSize))',
    'this.buf = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(initialSize))',
  ],
  ['const newBuffer = Buffer.alloc(newLength)', 'const newBuffer = Buffer.allocUnsafe(newLength)'],
];

const require = createRequire(import.meta.url);
const kafkajs = dirname(require.resolve('kafkajs/package.json'));
const encoderFile = join(kafkajs, 'src', 'protocol', 'encoder.js');
const { version } = JSON.parse(readFileSync(join(kafkajs, 'package.json'), 'utf8'));

const occurrences = (text, part) => text.split(part).length - 1;

const installed = readFileSync(encoderFile, 'utf8');
let source = installed;
for (const [zeroFilled, pooled] of ALLOCATIONS) {
  if (occurrences(source, pooled) === 1 && occurrences(source, zeroFilled) === 0) continue;
  if (occurrences(source, zeroFilled) !== 1) {
    console.error(
      `kafkajs ${version}: its encoder (${encoderFile}) no longer reads "${zeroFilled}"; see docs/design.md`,
    );
    process.exit(1);
  }
  source = source.replace(zeroFilled, pooled);
}
if (source !== installed) writeFileSync(encoderFile, source);
