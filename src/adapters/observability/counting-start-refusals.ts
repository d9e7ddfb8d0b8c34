import { ApplicationError, type UseCase } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * The start use case, counting every refusal (not found, not startable, expired, key reused, ...) by its code;
 * an unexpected failure is not a refusal and is not counted.
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
      if (error instanceof DomainError || error instanceof ApplicationError)
        this.metrics.startRefusals.inc({ code: error.code });
      throw error;
    }
  }
}
