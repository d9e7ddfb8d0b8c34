import type { Context } from 'koa';
import type { CampaignSnapshot, FieldProblem } from '../../domain/index.js';
import { originalCampaign, serviceCampaign, toJsonText } from './campaign-json.js';
import { prefersMediaType } from './media-ranges.js';
import { queryValue } from './query-encoding.js';

/** The media type of the service's own view of a campaign. */
export const SERVICE_VIEW_MEDIA_TYPE = 'application/vnd.campaign-service+json';

export interface CampaignReadForm {
  campaign(snapshot: CampaignSnapshot): unknown;
  answer(ctx: Context, body: unknown): void;
}

const ORIGINAL: CampaignReadForm = {
  campaign: originalCampaign,
  answer(ctx, body) {
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = toJsonText(body);
  },
};

const serviceView = (mediaType: string): CampaignReadForm => ({
  campaign: serviceCampaign,
  answer(ctx, body) {
    ctx.body = body;
    ctx.type = `${mediaType}; charset=utf-8`;
  },
});

/**
 * The read form a request asks for: the original's by default; the service's own with `?view=service` or
 * `Accept: application/vnd.campaign-service+json` (answered in that media type). `?view=original` wins over Accept.
 * Another `view` is a problem of the query, refused with the query's other problems.
 */
export function campaignReadForm(ctx: Context): CampaignReadForm | FieldProblem {
  ctx.vary('Accept');
  const view = queryValue(ctx, 'view');
  if (typeof view === 'object') return view;
  const accepts = prefersMediaType(ctx.get('Accept') ?? '', SERVICE_VIEW_MEDIA_TYPE, 'application/json');
  if (view === undefined) return accepts ? serviceView(SERVICE_VIEW_MEDIA_TYPE) : ORIGINAL;
  if (view === 'original') return ORIGINAL;
  if (view === 'service') return serviceView(accepts ? SERVICE_VIEW_MEDIA_TYPE : 'application/json');
  return { field: 'view', message: 'must be "original" (the default) or "service"' };
}
