import { SpanKind } from '@opentelemetry/api';
import type { UseCase } from '../../application/index.js';
import { CampaignId } from '../../domain/index.js';
import { inChildSpan, spansExported } from './spans.js';

type AnyUseCase = UseCase<never, unknown>;

/**
 * The same use cases, each run in a span named after it (`startCampaign` runs as `StartCampaign`), with the
 * campaign id (`campaign.id`) that the command names, or else the one its answer names (a create's new campaign).
 */
export function tracedUseCases<T extends { [K in keyof T]: AnyUseCase }>(useCases: T): T {
  const traced = {} as Record<string, AnyUseCase>;
  for (const [key, useCase] of Object.entries(useCases) as Array<[string, AnyUseCase]>) {
    const name = key.charAt(0).toUpperCase() + key.slice(1);
    traced[key] = {
      execute: (command: never) => {
        if (!spansExported()) return useCase.execute(command);
        const given = command as unknown;
        const campaignId =
          given instanceof CampaignId ? given : (given as { campaignId?: unknown } | undefined)?.campaignId;
        const attributes = campaignId instanceof CampaignId ? { 'campaign.id': campaignId.toString() } : {};
        return inChildSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
          const answer = await useCase.execute(command);
          const answered = (answer as { id?: unknown } | undefined)?.id;
          if (!('campaign.id' in attributes) && typeof answered === 'string')
            span?.setAttribute('campaign.id', answered);
          return answer;
        });
      },
    };
  }
  return traced as T;
}
