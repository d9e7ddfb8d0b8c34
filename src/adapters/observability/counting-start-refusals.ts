import { ApplicationError, ReplayedRefusal, type UseCase } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * The start use case, counting every refusal it decides (not found, not startable, expired, key reused, ...) by
 * its code. A refusal answered again from an Idempotency-Key was counted when it was decided, and an unexpected
 * failure is not a refusal: neither is counted.
 */
export class CountingStartRefusals<Command, Answer> implements UseCase<Command, Answer> {
  constructor(
    private readonly start: UseCase<Command, Answer>,
    private readonly metrics: ServiceMetrics,
  ) {}

  async execute(command: Command): Promise<Answer> {
    try {
      return await this.start.execute(command);
    } catch (error) {
      if (isDecidedRefusal(error)) this.metrics.startRefusals.inc({ code: error.code });
      throw error;
    }
  }
}

function isDecidedRefusal(error: unknown): error is DomainError | ApplicationError {
  if (error instanceof ReplayedRefusal) return false;
  return error instanceof DomainError || error instanceof ApplicationError;
}
