import { randomInt, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../application/index.js';
import { CampaignId } from '../../domain/index.js';

const EPOCH_MS = Date.UTC(2020, 0, 1);
const INSTANCE_BITS = 10n;
const SEQUENCE_BITS = 12n;
const SEQUENCE_MASK = (1n << SEQUENCE_BITS) - 1n;

/**
 * Campaign ids laid out like Snowflake ids: milliseconds since 2020 (41 bits), a random instance number
 * (10 bits) and a per-millisecond sequence (12 bits). They grow with time, fit a signed 64-bit long, and
 * two instances collide only if they draw the same instance number in the same millisecond.
 */
export class TimeOrderedIdGenerator implements IdGenerator {
  private readonly instance = BigInt(randomInt(1 << Number(INSTANCE_BITS)));
  private lastMs = 0;
  private sequence = 0n;

  newEventId(): string {
    return randomUUID();
  }

  newCampaignId(): CampaignId {
    let ms = Math.max(Date.now(), this.lastMs);
    if (ms === this.lastMs) {
      this.sequence = (this.sequence + 1n) & SEQUENCE_MASK;
      if (this.sequence === 0n) ms += 1;
    } else {
      this.sequence = 0n;
    }
    this.lastMs = ms;
    const elapsed = BigInt(ms - EPOCH_MS);
    return CampaignId.fromBigInt((elapsed << (INSTANCE_BITS + SEQUENCE_BITS)) | (this.instance << SEQUENCE_BITS) | this.sequence);
  }
}
