import { Writable } from 'node:stream';

/** A pino destination that keeps every JSON line it is given, parsed. */
export class LogLines extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const text of chunk
      .toString()
      .split('\n')
      .filter((l) => l.trim() !== '')) {
      this.raw.push(text);
      this.lines.push(JSON.parse(text));
    }
    done();
  }

  withMessage(message: string): Array<Record<string, any>> {
    return this.lines.filter((line) => line.msg === message);
  }
}
