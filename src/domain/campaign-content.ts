import type { FieldProblem } from './domain-errors.js';

/** A JSON value of a free-form part (push platform properties, pass templates). Numbers are plain doubles. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const INTERVAL_UNITS = ['Hours', 'Days', 'Weeks'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

export const MESSAGE_CHANNELS = ['PUSH', 'Email', 'SMS'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface Repetition {
  interval: number;
  intervalUnit: IntervalUnit;
}

/** A segment of the audience: a reference to a segment kept elsewhere, stored as given. */
export interface SegmentReference {
  /** Positive 64-bit integer, canonical decimal text. */
  id: string;
  name: string | null;
}

export interface PushText {
  name: string;
  message: string;
  richContent: string;
  /** `""` when the message has none, as the original answers. */
  platformSpecificProps: JsonObject | '';
}

export interface PushMessage extends PushText {
  application: { appId: string; applicationName: string | null };
  repeatMessage: (PushText & Repetition) | null;
}

export interface MailText {
  subject: string;
  contentType: string;
  senderEmail: string;
  senderName: string;
  content: string;
}

export interface Mail extends MailText {
  repeatMessage: (MailText & Repetition) | null;
}

export interface SmsText {
  name: string;
  smsMessage: string;
}

export interface Sms extends SmsText {
  repeatMessage: (SmsText & Repetition) | null;
}

export interface Pass {
  passName: string;
  passType: string;
  passIntegrationConfig: JsonObject;
  passContent: JsonObject;
}

/**
 * What a campaign sends and to whom: its audience, its messages on every channel and the order of the channels.
 * Delivery counters are not part of it: they belong to the senders.
 */
export interface CampaignContent {
  campaignType: string;
  campaignSegments: SegmentReference[];
  campaignMessages: PushMessage[];
  campaignMails: Mail[];
  campaignSms: Sms[];
  campaignVoiceSms: SmsText[];
  campaignPasses: Pass[];
  campaignChannelPriorities: MessageChannel[];
}

export type ContentPart = keyof CampaignContent;

export const CONTENT_PARTS: readonly ContentPart[] = [
  'campaignType',
  'campaignSegments',
  'campaignMessages',
  'campaignMails',
  'campaignSms',
  'campaignVoiceSms',
  'campaignPasses',
  'campaignChannelPriorities',
];

export const EMPTY_CONTENT: CampaignContent = Object.freeze({
  campaignType: '',
  campaignSegments: [],
  campaignMessages: [],
  campaignMails: [],
  campaignSms: [],
  campaignVoiceSms: [],
  campaignPasses: [],
  campaignChannelPriorities: [],
}) as CampaignContent;

/** The bounds of a campaign's content; docs/api.md states them. */
export const CONTENT_LIMITS = {
  /** UTF-8 bytes of the whole content as JSON: what a CampaignStarted event carries at most. */
  totalBytes: 512 * 1024,
  /** Items in each list. */
  items: {
    campaignSegments: 100,
    campaignMessages: 50,
    campaignMails: 50,
    campaignSms: 50,
    campaignVoiceSms: 50,
    campaignPasses: 10,
    campaignChannelPriorities: MESSAGE_CHANNELS.length,
  },
} as const;

/** The rules of content as a whole (each field's shape is checked where it is read). */
export function contentProblems(content: CampaignContent): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [part, max] of Object.entries(CONTENT_LIMITS.items) as Array<[ContentPart, number]>) {
    const items = content[part] as unknown[];
    if (items.length > max) problems.push({ field: part, message: `must hold at most ${max} items` });
  }
  const channels = content.campaignChannelPriorities;
  if (new Set(channels).size !== channels.length) {
    problems.push({ field: 'campaignChannelPriorities', message: 'must name each channel at most once' });
  }
  const bytes = new TextEncoder().encode(JSON.stringify(content)).length;
  if (bytes > CONTENT_LIMITS.totalBytes) {
    problems.push({
      field: 'content',
      message: `must be at most ${CONTENT_LIMITS.totalBytes} bytes as JSON (is ${bytes})`,
    });
  }
  return problems;
}

/** True when two contents hold the same part, compared by value. */
export function samePart(a: CampaignContent, b: CampaignContent, part: ContentPart): boolean {
  return sameJson(a[part], b[part]);
}

/**
 * True when two JSON values are equal as JSON (RFC 8259): arrays item by item, objects by their members whatever
 * their order, a member that is undefined as one that is absent (JSON writes neither). A free-form object whose
 * keys came in another order (a client's hash map) is the same object.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const members = (value: object) => Object.entries(value).filter(([, item]) => item !== undefined);
  const [ours, theirs] = [members(a), new Map(members(b))];
  return ours.length === theirs.size && ours.every(([key, item]) => theirs.has(key) && sameJson(item, theirs.get(key)));
}
