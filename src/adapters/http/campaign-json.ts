import { stringify } from 'lossless-json';
import type { CampaignContent, CampaignSnapshot, CampaignStatus } from '../../domain/index.js';
import { formatVoltMxDate, zoneOffsetMinutes } from './volt-mx-dates.js';

/** The status as the original spells it. */
export const ORIGINAL_STATUS: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Pending',
  running: 'Running',
  paused: 'Paused',
  terminated: 'Terminated',
  completed: 'Completed',
};

const STATUS_BY_NAME: ReadonlyMap<string, CampaignStatus> = new Map(
  (Object.entries(ORIGINAL_STATUS) as [CampaignStatus, string][]).flatMap(([status, original]) => [
    [status, status],
    [original.toLowerCase(), status],
  ]),
);

/** The status a name gives in either read form's spelling (`scheduled` or the original's `Pending`), case aside. */
export function statusNamed(name: string): CampaignStatus | undefined {
  return STATUS_BY_NAME.get(name.toLowerCase());
}

/** The zone the service writes its own times in (`createdDateStr`, `lastModifiedDateStr`), as the original does with its server's. */
const SERVER_ZONE = 'UTC';

/**
 * The original's read form, exactly: its fields in its order and nothing else, `id` and segment ids as JSON
 * numbers (bigint here, written digit for digit by `toJsonText`), `""` for what has not happened, every list present.
 */
export function originalCampaign(campaign: CampaignSnapshot) {
  const volt = voltDates(campaign);
  return {
    id: BigInt(campaign.id.toString()),
    name: campaign.name,
    campaignType: campaign.content.campaignType,
    zone: campaign.zone ?? '',
    startDateStr: volt(campaign.startAt) ?? '',
    endDateStr: volt(campaign.endAt) ?? '',
    terminatedDateStr: volt(campaign.terminatedAt) ?? '',
    pausedDateStr: volt(campaign.pausedAt) ?? '',
    lastModifiedBy: campaign.updatedBy,
    lastModifiedDateStr: serverDate(campaign.updatedAt),
    createdBy: campaign.createdBy,
    createdDateStr: serverDate(campaign.createdAt),
    ...contentJson(campaign.content, (id) => BigInt(id)),
    status: ORIGINAL_STATUS[campaign.status],
  };
}

/**
 * The service's own view: the id as a string, every time ISO-8601 UTC, the description, the version and the
 * lifecycle times, and beside them the Volt MX `…DateStr` fields in the campaign's zone (UTC when it has none)
 * and the content, segment ids as strings.
 */
export function serviceCampaign(campaign: CampaignSnapshot) {
  const volt = voltDates(campaign);
  return {
    id: campaign.id.toString(),
    name: campaign.name,
    description: campaign.description,
    status: campaign.status,
    startAt: iso(campaign.startAt),
    endAt: iso(campaign.endAt),
    startedAt: iso(campaign.startedAt),
    pausedAt: iso(campaign.pausedAt),
    terminatedAt: iso(campaign.terminatedAt),
    completedAt: iso(campaign.completedAt),
    createdAt: campaign.createdAt.toISOString(),
    createdBy: campaign.createdBy,
    updatedAt: campaign.updatedAt.toISOString(),
    updatedBy: campaign.updatedBy,
    version: campaign.version,
    zone: campaign.zone,
    startDateStr: volt(campaign.startAt),
    endDateStr: volt(campaign.endAt),
    createdDateStr: volt(campaign.createdAt),
    lastModifiedBy: campaign.updatedBy,
    lastModifiedDateStr: volt(campaign.updatedAt),
    pausedDateStr: volt(campaign.pausedAt),
    terminatedDateStr: volt(campaign.terminatedAt),
    campaignType: campaign.content.campaignType,
    ...contentJson(campaign.content, (id) => id),
  };
}

/** JSON text of a read form; bigints become JSON numbers written digit for digit, never through a double. */
export function toJsonText(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** The content in the original's shapes; the delivery counters, which the senders own, read 0. */
function contentJson(content: CampaignContent, segmentId: (decimal: string) => unknown) {
  const push = { subscribers: 0, pushesSent: 0, pushesOpened: 0 };
  const mail = { mailsSent: 0, mailsOpened: 0 };
  const sms = { smsSent: 0, smsOpened: 0 };
  const repeat = <T extends object>(value: T | null, counters: object) =>
    value === null ? {} : { repeatMessage: { ...value, ...counters } };
  return {
    campaignSegments: content.campaignSegments.map((s) => ({ segment: { id: segmentId(s.id), name: s.name ?? '' } })),
    campaignMessages: content.campaignMessages.map(
      ({ repeatMessage, platformSpecificProps, application, ...text }) => ({
        ...text,
        application: { appId: application.appId, applicationName: application.applicationName ?? '' },
        ...(repeatMessage === null ? {} : { repeatMessage: pushRepeat(repeatMessage, push) }),
        ...push,
        platformSpecificProps,
      }),
    ),
    campaignMails: content.campaignMails.map(({ repeatMessage, ...text }) => ({
      ...text,
      ...mail,
      ...repeat(repeatMessage, mail),
    })),
    campaignSms: content.campaignSms.map(({ repeatMessage, ...text }) => ({
      ...text,
      ...sms,
      ...repeat(repeatMessage, sms),
    })),
    campaignVoiceSms: content.campaignVoiceSms.map((text) => ({ ...text, ...sms })),
    campaignPasses: content.campaignPasses.map(({ passName, passType, passIntegrationConfig, passContent }) => ({
      passName,
      passType,
      passOpened: 0,
      passSent: 0,
      passIntegrationConfig,
      passContent,
    })),
    campaignChannelPriorities: content.campaignChannelPriorities.map((messageChannel) => ({ messageChannel })),
  };
}

function pushRepeat(
  repeat: NonNullable<CampaignContent['campaignMessages'][number]['repeatMessage']>,
  counters: object,
) {
  const { interval, intervalUnit, platformSpecificProps, ...text } = repeat;
  return { ...text, ...counters, platformSpecificProps, interval, intervalUnit };
}

function voltDates(campaign: CampaignSnapshot) {
  const offset = campaign.zone === null ? 0 : (zoneOffsetMinutes(campaign.zone) ?? 0);
  return (date: Date | null) => (date === null ? null : formatVoltMxDate(date, offset));
}

function serverDate(date: Date): string {
  return `${formatVoltMxDate(date, 0)} ${SERVER_ZONE}`;
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
