/**
 * A client that knows only the original's campaign fields and fails on anything else, as a Java client on
 * Jackson's defaults does (FAIL_ON_UNKNOWN_PROPERTIES): an unknown field, or a value of another type, is an error.
 */
type Spec = 'string' | 'long' | 'int' | 'map' | 'stringOrMap' | { array: Spec } | Fields;
interface Fields {
  fields: Record<string, Spec>;
}

const PUSH_TEXT: Record<string, Spec> = {
  name: 'string',
  message: 'string',
  richContent: 'string',
  subscribers: 'int',
  pushesSent: 'int',
  pushesOpened: 'int',
  platformSpecificProps: 'stringOrMap',
};
const REPEAT: Record<string, Spec> = { interval: 'int', intervalUnit: 'string' };
const MAIL_TEXT: Record<string, Spec> = {
  subject: 'string',
  contentType: 'string',
  senderEmail: 'string',
  senderName: 'string',
  content: 'string',
  mailsSent: 'int',
  mailsOpened: 'int',
};
const SMS_TEXT: Record<string, Spec> = { name: 'string', smsMessage: 'string', smsSent: 'int', smsOpened: 'int' };

export const VOLT_MX_CAMPAIGN: Fields = {
  fields: {
    id: 'long',
    name: 'string',
    campaignType: 'string',
    zone: 'string',
    startDateStr: 'string',
    endDateStr: 'string',
    terminatedDateStr: 'string',
    pausedDateStr: 'string',
    lastModifiedBy: 'string',
    lastModifiedDateStr: 'string',
    createdBy: 'string',
    createdDateStr: 'string',
    campaignSegments: { array: { fields: { segment: { fields: { id: 'long', name: 'string' } } } } },
    campaignMessages: {
      array: {
        fields: {
          ...PUSH_TEXT,
          application: { fields: { appId: 'string', applicationName: 'string' } },
          repeatMessage: { fields: { ...PUSH_TEXT, ...REPEAT } },
        },
      },
    },
    campaignMails: { array: { fields: { ...MAIL_TEXT, repeatMessage: { fields: { ...MAIL_TEXT, ...REPEAT } } } } },
    campaignSms: { array: { fields: { ...SMS_TEXT, repeatMessage: { fields: { ...SMS_TEXT, ...REPEAT } } } } },
    campaignVoiceSms: { array: { fields: SMS_TEXT } },
    campaignPasses: {
      array: {
        fields: {
          passName: 'string',
          passType: 'string',
          passOpened: 'int',
          passSent: 'int',
          passIntegrationConfig: 'map',
          passContent: 'map',
        },
      },
    },
    campaignChannelPriorities: { array: { fields: { messageChannel: 'string' } } },
    status: 'string',
  },
};

export const VOLT_MX_PAGE: Fields = { fields: { total: 'long', campaigns: { array: VOLT_MX_CAMPAIGN } } };

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Reads `value` as `spec`; throws naming the path of the first field it cannot map. */
export function readStrictly(value: unknown, spec: Spec, path = '$'): void {
  if (value === null) return;
  if (spec === 'string') {
    if (typeof value !== 'string') throw new Error(`${path}: expected a string, got ${typeof value}`);
  } else if (spec === 'long' || spec === 'int') {
    const whole =
      typeof value === 'bigint'
        ? value
        : typeof value === 'number' && Number.isInteger(value)
          ? BigInt(value)
          : undefined;
    const [min, max] = spec === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [LONG_MIN, LONG_MAX];
    if (whole === undefined || whole < min || whole > max)
      throw new Error(`${path}: expected a Java ${spec}, got ${String(value)}`);
  } else if (spec === 'map') {
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path}: expected an object`);
  } else if (spec === 'stringOrMap') {
    if (typeof value !== 'string' && (typeof value !== 'object' || Array.isArray(value)))
      throw new Error(`${path}: expected a string or an object`);
  } else if ('array' in spec) {
    if (!Array.isArray(value)) throw new Error(`${path}: expected an array`);
    for (const [index, item] of value.entries()) readStrictly(item, spec.array, `${path}[${index}]`);
  } else {
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path}: expected an object`);
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const field = spec.fields[key];
      if (field === undefined) throw new Error(`${path}: Unrecognized field "${key}" (not marked as ignorable)`);
      readStrictly(item, field, `${path}.${key}`);
    }
  }
}
