import {
  type CampaignContent,
  CampaignId,
  INTERVAL_UNITS,
  type IntervalUnit,
  type JsonObject,
  type JsonValue,
  type Mail,
  type MailText,
  MESSAGE_CHANNELS,
  type MessageChannel,
  type Pass,
  type PushMessage,
  type PushText,
  type Repetition,
  type SegmentReference,
  type Sms,
  type SmsText,
} from '../../domain/index.js';
import { storableTextProblem } from '../../domain/storable-text.js';
import { holdsAsWritten } from './exact-numbers.js';

export type Problem = (field: string, message: string) => void;

/** Characters of a name, a subject, an address or an id; of a message body. */
export const SHORT_TEXT_MAX = 255;
export const LONG_TEXT_MAX = 100_000;
/** How deep a free-form object (platform properties, pass templates) may nest. */
export const FREE_FORM_MAX_DEPTH = 16;

/**
 * The content parts present in a create or modify body, in the original's field names. Each item's fields are
 * checked and named by their path (`campaignMessages[0].application.appId`); unknown fields inside an item are
 * refused, so nothing a client sends is dropped silently. Delivery counters are accepted and not kept.
 */
export function readContent(fields: Record<string, unknown>, problem: Problem): Partial<CampaignContent> {
  const content: Partial<CampaignContent> = {};
  const reader = new ItemReader(problem);
  if (fields.campaignType !== undefined) {
    const type = fields.campaignType === null ? '' : reader.text(fields.campaignType, 'campaignType', SHORT_TEXT_MAX);
    if (type !== undefined) content.campaignType = type;
  }
  const lists: {
    [P in keyof CampaignContent]?: (item: Record<string, unknown>, path: string) => CampaignContent[P][number];
  } = {
    campaignSegments: (item, path) => reader.segment(item, path),
    campaignMessages: (item, path) => reader.push(item, path),
    campaignMails: (item, path) => reader.mail(item, path),
    campaignSms: (item, path) => reader.sms(item, path),
    campaignVoiceSms: (item, path) => reader.voiceSms(item, path),
    campaignPasses: (item, path) => reader.pass(item, path),
    campaignChannelPriorities: (item, path) => reader.channel(item, path),
  };
  for (const [part, readItem] of Object.entries(lists) as Array<
    [keyof CampaignContent, (item: Record<string, unknown>, path: string) => never]
  >) {
    const value = fields[part];
    if (value === undefined) continue;
    if (value === null) {
      (content as Record<string, unknown>)[part] = [];
      continue;
    }
    if (!Array.isArray(value)) {
      problem(part, 'must be an array');
      continue;
    }
    (content as Record<string, unknown>)[part] = value.map((item, index) => {
      const path = `${part}[${index}]`;
      if (isObject(item)) return readItem(item, path);
      problem(path, 'must be an object');
      return undefined;
    });
  }
  return content;
}

const LONG_MAX = 9_223_372_036_854_775_807n;

/**
 * An application id sent as a JSON integer from 0 to 2^63 − 1, as its decimal digits; a text as it is; undefined
 * for anything else (a fraction, a number out of that range, NaN for a number the body could not hold exactly).
 */
function appIdText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'bigint' && value >= 0n && value <= LONG_MAX) return value.toString();
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PUSH_TEXT_FIELDS = [
  'name',
  'message',
  'richContent',
  'platformSpecificProps',
  'subscribers',
  'pushesSent',
  'pushesOpened',
];
const MAIL_TEXT_FIELDS = ['subject', 'contentType', 'senderEmail', 'senderName', 'content', 'mailsSent', 'mailsOpened'];
const SMS_TEXT_FIELDS = ['name', 'smsMessage', 'smsSent', 'smsOpened'];
const REPEAT_FIELDS = ['interval', 'intervalUnit'];
const APPLICATION_FIELDS = new Set(['appId', 'applicationName']);

class ItemReader {
  constructor(private readonly problem: Problem) {}

  segment(item: Record<string, unknown>, path: string): SegmentReference {
    this.only(item, path, ['segment']);
    const segment = item.segment;
    if (!isObject(segment)) {
      this.problem(`${path}.segment`, 'must be an object with the segment id');
      return { id: '', name: null };
    }
    this.only(segment, `${path}.segment`, ['id', 'name']);
    return {
      id: this.longId(segment.id, `${path}.segment.id`),
      name: this.optionalText(segment.name, `${path}.segment.name`),
    };
  }

  push(item: Record<string, unknown>, path: string): PushMessage {
    this.only(item, path, [...PUSH_TEXT_FIELDS, 'application', 'repeatMessage']);
    const application = item.application;
    let app: PushMessage['application'] = { appId: '', applicationName: null };
    if (!isObject(application)) this.problem(`${path}.application`, 'is required: an object with appId');
    else {
      this.only(application, `${path}.application`, ['appId', 'applicationName']);
      app = {
        appId: this.appId(application.appId, `${path}.application.appId`),
        applicationName: this.optionalText(application.applicationName, `${path}.application.applicationName`),
      };
    }
    return {
      ...this.pushText(item, path),
      application: app,
      repeatMessage: this.repeat(
        this.withoutParentsApplication(item.repeatMessage, app, `${path}.repeatMessage.application`),
        `${path}.repeatMessage`,
        PUSH_TEXT_FIELDS,
        (r, p) => this.pushText(r, p),
      ),
    };
  }

  /**
   * A push's repeat is sent through its message's application. It may name that application again (the original
   * gives a repeat its parent's fields), and is refused naming another.
   */
  private withoutParentsApplication(repeat: unknown, parents: PushMessage['application'], path: string): unknown {
    if (!isObject(repeat) || repeat.application === undefined || repeat.application === null) return repeat;
    const { application, ...rest } = repeat;
    const named = isObject(application) ? application : {};
    const name = this.optionalText(named.applicationName, `${path}.applicationName`);
    const sameName = name === null || name === parents.applicationName;
    if (
      appIdText(named.appId) !== parents.appId ||
      !sameName ||
      Object.keys(named).some((key) => !APPLICATION_FIELDS.has(key))
    ) {
      this.problem(path, "must be its message's application, or be left out (a repeat is sent through it)");
    }
    return rest;
  }

  mail(item: Record<string, unknown>, path: string): Mail {
    this.only(item, path, [...MAIL_TEXT_FIELDS, 'repeatMessage']);
    return {
      ...this.mailText(item, path),
      repeatMessage: this.repeat(item.repeatMessage, `${path}.repeatMessage`, MAIL_TEXT_FIELDS, (r, p) =>
        this.mailText(r, p),
      ),
    };
  }

  sms(item: Record<string, unknown>, path: string): Sms {
    this.only(item, path, [...SMS_TEXT_FIELDS, 'repeatMessage']);
    return {
      ...this.smsText(item, path),
      repeatMessage: this.repeat(item.repeatMessage, `${path}.repeatMessage`, SMS_TEXT_FIELDS, (r, p) =>
        this.smsText(r, p),
      ),
    };
  }

  voiceSms(item: Record<string, unknown>, path: string): SmsText {
    this.only(item, path, SMS_TEXT_FIELDS);
    return this.smsText(item, path);
  }

  pass(item: Record<string, unknown>, path: string): Pass {
    this.only(item, path, ['passName', 'passType', 'passSent', 'passOpened', 'passIntegrationConfig', 'passContent']);
    this.counters(item, path, ['passSent', 'passOpened']);
    return {
      passName: this.requiredText(item.passName, `${path}.passName`, SHORT_TEXT_MAX),
      passType: this.textOr(item.passType, `${path}.passType`, SHORT_TEXT_MAX, ''),
      passIntegrationConfig: this.freeFormObject(item.passIntegrationConfig, `${path}.passIntegrationConfig`),
      passContent: this.freeFormObject(item.passContent, `${path}.passContent`),
    };
  }

  channel(item: Record<string, unknown>, path: string): MessageChannel {
    this.only(item, path, ['messageChannel']);
    const raw = item.messageChannel;
    const channel =
      typeof raw === 'string' ? MESSAGE_CHANNELS.find((c) => c.toLowerCase() === raw.toLowerCase()) : undefined;
    if (channel === undefined) this.problem(`${path}.messageChannel`, `must be one of ${MESSAGE_CHANNELS.join(', ')}`);
    return channel ?? 'PUSH';
  }

  private pushText(item: Record<string, unknown>, path: string): PushText {
    this.counters(item, path, ['subscribers', 'pushesSent', 'pushesOpened']);
    const props = item.platformSpecificProps;
    return {
      name: this.textOr(item.name, `${path}.name`, SHORT_TEXT_MAX, ''),
      message: this.requiredText(item.message, `${path}.message`, LONG_TEXT_MAX),
      richContent: this.textOr(item.richContent, `${path}.richContent`, LONG_TEXT_MAX, ''),
      platformSpecificProps:
        props === undefined || props === null || props === ''
          ? ''
          : this.freeFormObject(props, `${path}.platformSpecificProps`),
    };
  }

  private mailText(item: Record<string, unknown>, path: string): MailText {
    this.counters(item, path, ['mailsSent', 'mailsOpened']);
    return {
      subject: this.textOr(item.subject, `${path}.subject`, SHORT_TEXT_MAX * 4, ''),
      contentType: this.textOr(item.contentType, `${path}.contentType`, SHORT_TEXT_MAX, 'text.html'),
      senderEmail: this.textOr(item.senderEmail, `${path}.senderEmail`, SHORT_TEXT_MAX, ''),
      senderName: this.textOr(item.senderName, `${path}.senderName`, SHORT_TEXT_MAX, ''),
      content: this.requiredText(item.content, `${path}.content`, LONG_TEXT_MAX),
    };
  }

  private smsText(item: Record<string, unknown>, path: string): SmsText {
    this.counters(item, path, ['smsSent', 'smsOpened']);
    return {
      name: this.textOr(item.name, `${path}.name`, SHORT_TEXT_MAX, ''),
      smsMessage: this.requiredText(item.smsMessage, `${path}.smsMessage`, LONG_TEXT_MAX),
    };
  }

  private repeat<T>(
    value: unknown,
    path: string,
    textFields: string[],
    readText: (item: Record<string, unknown>, path: string) => T,
  ): (T & Repetition) | null {
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      this.problem(path, 'must be an object');
      return null;
    }
    this.only(value, path, [...textFields, ...REPEAT_FIELDS]);
    const interval = value.interval;
    if (typeof interval !== 'number' || !Number.isSafeInteger(interval) || interval < 1) {
      this.problem(`${path}.interval`, `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
    }
    const unit = value.intervalUnit;
    if (!(INTERVAL_UNITS as readonly unknown[]).includes(unit)) {
      this.problem(`${path}.intervalUnit`, `must be one of ${INTERVAL_UNITS.join(', ')}`);
    }
    return { ...readText(value, path), interval: interval as number, intervalUnit: unit as IntervalUnit };
  }

  /** Delivery counters: written by the senders; a client may send them (the original's samples do), they are not kept. */
  private counters(item: Record<string, unknown>, path: string, names: string[]): void {
    for (const name of names) {
      const value = item[name];
      if (value === undefined || value === null) continue;
      const count =
        typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? value : undefined;
      if (count === undefined || count < 0) this.problem(`${path}.${name}`, 'must be a whole number of at least 0');
    }
  }

  /**
   * Refuses the fields an item does not have. A `null` is no field: a client whose one class serves several kinds
   * of item (Jackson writes every field it did not set as `null`) sends nothing it means by it.
   */
  private only(item: Record<string, unknown>, path: string, known: string[]): void {
    for (const key of Object.keys(item)) {
      if (item[key] !== null && !known.includes(key))
        this.problem(`${path}.${key}`, `is not a field of this item (known: ${known.join(', ')})`);
    }
  }

  private longId(value: unknown, path: string): string {
    const decimal =
      typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : typeof value === 'string'
            ? value
            : undefined;
    if (decimal === undefined || !CampaignId.isCanonical(decimal)) {
      this.problem(path, 'must be a positive 64-bit integer (1 to 9223372036854775807)');
      return '';
    }
    return decimal;
  }

  /**
   * An application's id, which the original keeps as text: sent as text, or as a JSON integer from 0 to 2^63 − 1
   * (a client whose app ids are numbers, such as 1464041244280, writes them so, and the original's Java reads a
   * number into its text field), kept as its decimal digits and read back as text.
   */
  private appId(value: unknown, path: string): string {
    if (typeof value === 'number' || typeof value === 'bigint') {
      const digits = appIdText(value);
      if (digits === undefined) {
        this.problem(path, `must be a string, or a whole number from 0 to ${LONG_MAX}`);
        return '';
      }
      return digits;
    }
    return this.requiredText(value, path, SHORT_TEXT_MAX);
  }

  /** A text the item cannot go without: absent, null or only white space is refused alike. */
  private requiredText(value: unknown, path: string, max: number): string {
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      this.problem(path, 'is required');
      return '';
    }
    return this.text(value, path, max) ?? '';
  }

  private textOr(value: unknown, path: string, max: number, fallback: string): string {
    if (value === undefined || value === null) return fallback;
    return this.text(value, path, max) ?? fallback;
  }

  /**
   * A name the item may go without (a segment's, an application's). Both read forms write a missing name as `""`,
   * so `""` is no name too: a client posting back what it read sends the name as it was, not a new one.
   */
  private optionalText(value: unknown, path: string): string | null {
    if (value === undefined || value === null || value === '') return null;
    return this.text(value, path, SHORT_TEXT_MAX) ?? null;
  }

  text(value: unknown, path: string, max: number): string | undefined {
    if (typeof value !== 'string') {
      this.problem(path, 'must be a string');
      return undefined;
    }
    const message = storableTextProblem(value, max);
    if (message !== undefined) {
      this.problem(path, message);
      return undefined;
    }
    return value;
  }

  private freeFormObject(value: unknown, path: string): JsonObject {
    if (value === undefined || value === null) return {};
    if (!isObject(value)) {
      this.problem(path, 'must be an object');
      return {};
    }
    return this.freeForm(value, path, 1) as JsonObject;
  }

  /** Any JSON, nested at most FREE_FORM_MAX_DEPTH deep; its numbers are doubles, each held as written or refused. */
  private freeForm(value: unknown, path: string, depth: number): JsonValue {
    if (depth > FREE_FORM_MAX_DEPTH) {
      this.problem(path, `nests deeper than ${FREE_FORM_MAX_DEPTH} levels`);
      return null;
    }
    if (typeof value === 'bigint') {
      if (holdsAsWritten(String(value))) return Number(value);
      this.problem(path, 'is an integer a double cannot hold exactly (more digits than it keeps): send it as a string');
      return null;
    }
    if (Array.isArray(value)) return value.map((item, index) => this.freeForm(item, `${path}[${index}]`, depth + 1));
    if (typeof value === 'number' && !Number.isFinite(value)) {
      this.problem(
        path,
        'is a number a double cannot hold exactly (more digits than it keeps, or beyond its range): send it as a string',
      );
      return null;
    }
    if (isObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => {
          const keyProblem = storableTextProblem(key, SHORT_TEXT_MAX);
          if (keyProblem !== undefined) this.problem(`${path}.${key}`, `has a key that ${keyProblem}`);
          return [key, this.freeForm(item, `${path}.${key}`, depth + 1)];
        }),
      );
    }
    if (typeof value === 'string') return this.text(value, path, Number.POSITIVE_INFINITY) ?? null;
    return value as JsonValue;
  }
}
