import { InvalidCampaignId } from './domain-errors.js';

const CANONICAL_LONG = /^[1-9][0-9]{0,18}$/;
const MAX_LONG = 9223372036854775807n;

/** A campaign id: a positive signed 64-bit integer, held as its canonical decimal text, never as a JS number. */
export class CampaignId {
  private constructor(private readonly decimal: string) {}

  static parse(raw: string): CampaignId {
    if (!CampaignId.isCanonical(raw)) throw new InvalidCampaignId(raw);
    return new CampaignId(raw);
  }

  static fromBigInt(value: bigint): CampaignId {
    return CampaignId.parse(value.toString());
  }

  static isCanonical(raw: string): boolean {
    return CANONICAL_LONG.test(raw) && BigInt(raw) <= MAX_LONG;
  }

  equals(other: CampaignId): boolean {
    return this.decimal === other.decimal;
  }

  toString(): string {
    return this.decimal;
  }

  toJSON(): string {
    return this.decimal;
  }
}
