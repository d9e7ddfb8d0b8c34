/** Which lines to write in full: a line not written in the last `quietMs` is, and says how many times it was held. */
export class RepeatedLines {
  private static readonly KEPT = 64;
  private readonly lines = new Map<string, { writtenAt: number; held: number }>();

  constructor(private readonly quietMs: number) {}

  /**
   * The times `text` was held since it was last written, when it is to be written now; undefined to hold it. `at` is
   * in milliseconds on a clock that never goes back (`performance.now()`): on the wall clock, a step back of an hour
   * would hold a repeated line for an hour.
   */
  admit(text: string, at: number): number | undefined {
    const seen = this.lines.get(text);
    if (seen !== undefined && at - seen.writtenAt < this.quietMs) {
      seen.held++;
      return undefined;
    }
    if (seen === undefined && this.lines.size >= RepeatedLines.KEPT) this.forgetQuietOnes(at);
    this.lines.set(text, { writtenAt: at, held: 0 });
    return seen?.held ?? 0;
  }

  private forgetQuietOnes(at: number): void {
    for (const [text, seen] of this.lines) {
      if (seen.held === 0 && at - seen.writtenAt >= this.quietMs) this.lines.delete(text);
    }
    if (this.lines.size >= RepeatedLines.KEPT) this.lines.delete(this.lines.keys().next().value!);
  }
}
