import { ApplicationError, type StartCampaign } from '../../application/index.js';
import { DomainError } from '../../domain/index.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * The same StartCampaign, counting every refusal (not found, not startable, expired, key reused, ...) by
 * its code. Whoever starts campaigns through it, the HTTP route or a schedule, is counted.
 */
export function countingStartRefusals(startCampaign: StartCampaign, metrics: ServiceMetrics): StartCampaign {
  const counting: StartCampaign = Object.create(startCampaign);
  counting.execute = async (command) => {
    try {
      return await startCampaign.execute(command);
    } catch (error) {
      if (error instanceof DomainError || error instanceof ApplicationError) metrics.startRefusals.inc({ code: error.code });
      throw error;
    }
  };
  return counting;
}
