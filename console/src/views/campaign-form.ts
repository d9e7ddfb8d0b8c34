import { type Api, ApiError, answered, type Campaign, type FieldError, NoAnswer, newIdempotencyKey } from '../api.js';
import { type DateStyle, inDateStyle } from '../date-styles.js';
import { describeError, unansweredChange } from '../format.js';
import { go, useFocusOnShow, useTitle } from '../hooks.js';
import { html } from '../html.js';
import { useEffect, useRef, useState } from '../vendor/preact-hooks.js';

interface Values {
  name: string;
  description: string;
  dateStyle: DateStyle;
  start: string;
  end: string;
  zone: string;
  status: string;
  restart: boolean;
}

/** Which input shows an error the API names by field. */
const INPUT_OF_FIELD: Record<string, keyof Values> = {
  name: 'name',
  description: 'description',
  startAt: 'start',
  startDateStr: 'start',
  endAt: 'end',
  endDateStr: 'end',
  zone: 'zone',
  status: 'status',
};

/** The inputs with a help text under them (`help-start`, …). */
const HELPED: ReadonlyArray<keyof Values> = ['start', 'end', 'zone'];

const ZONES = [
  '(GMT) UTC',
  '(GMT+01:00) Paris',
  '(GMT+04:30) Kabul',
  '(GMT+05:30) Kolkata',
  '(GMT-05:00) New York',
  '(GMT-08:00) Los Angeles',
];

/** Create a campaign (no id) or modify one: a modification sends only the fields that changed. */
export function CampaignForm({ api, id }: { api: Api; id?: string }) {
  const [original, setOriginal] = useState<Campaign | undefined>();
  const [values, setValues] = useState<Values>(emptyValues());
  const [errors, setErrors] = useState<Partial<Record<keyof Values, string>>>({});
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const key = useRef(newIdempotencyKey());
  const heading = useFocusOnShow();
  useTitle(id === undefined ? 'New campaign' : `Modify ${original?.name ?? id}`);

  const [loadProblem, setLoadProblem] = useState<string | undefined>();
  const [loads, setLoads] = useState(0);
  // The fields are offered once the campaign is read: nothing typed before is overwritten, nothing saved on nothing.
  useEffect(() => {
    if (id === undefined) return;
    setLoadProblem(undefined);
    api.campaign(id).then(
      (campaign) => {
        setOriginal(campaign);
        setValues(valuesOf(campaign, 'iso'));
      },
      (error) => setLoadProblem(`Could not load the campaign: ${describeError(error)}`),
    );
  }, [api, id, loads]);

  const set = (field: keyof Values, value: string | boolean) => {
    key.current = newIdempotencyKey();
    setValues((previous) =>
      field === 'dateStyle' ? inOtherStyle(previous, value as DateStyle, original) : { ...previous, [field]: value },
    );
  };

  const submitting = useRef(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    // One submit at a time; a create sent again after a lost answer carries the same key, so it makes one campaign.
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setErrors({});
    setProblem(undefined);
    try {
      if (id === undefined) {
        const created = await api.create(createBody(values), key.current);
        go(`#/campaigns/${created.id}`);
      } else {
        const changes = changesOf(original, values);
        const changed = Object.keys(changes).length > 0;
        if (!changed && !values.restart) {
          setProblem('Nothing changed.');
          return;
        }
        // Decided on the campaign as the form read it: a change made meanwhile by anyone else is not overwritten.
        const send = (base: Campaign | undefined) => {
          const version = typeof base?.version === 'number' ? base.version : undefined;
          return values.restart
            ? api.restart(id, key.current, version, changed ? changes : undefined)
            : api.modify(id, changes, key.current, version);
        };
        try {
          await send(original);
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 'CAMPAIGN_CHANGED')) throw error;
          // Changed meanwhile, but none of what this form changes: the same changes go on the campaign as it is now.
          const latest = await api.campaign(id);
          setOriginal(latest);
          key.current = newIdempotencyKey();
          if (!untouchedSince(original, latest, changes, values)) {
            // Theirs and the operator's changes meet: the form shows theirs, the operator's inputs kept, to save again.
            setValues((now) => keptOver(original, latest, now));
            throw error;
          }
          await send(latest);
        }
        go(`#/campaigns/${id}`);
      }
    } catch (error) {
      if (answered(error)) key.current = newIdempotencyKey();
      showRefusal(error, id === undefined ? 'Create campaign' : 'Save changes', setErrors, setProblem);
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  const input = (field: keyof Values) => ({
    id: `field-${field}`,
    name: field,
    value: values[field] as string,
    'aria-invalid': errors[field] ? 'true' : undefined,
    'aria-describedby':
      [errors[field] ? `error-${field}` : undefined, HELPED.includes(field) ? `help-${field}` : undefined]
        .filter(Boolean)
        .join(' ') || undefined,
    onInput: (e: Event) => set(field, (e.target as HTMLInputElement).value),
  });
  const fieldError = (field: keyof Values) =>
    errors[field] ? html`<p class="field-error" id=${`error-${field}`}>${errors[field]}</p>` : null;
  const volt = values.dateStyle === 'voltmx';
  const dateHelp = volt
    ? 'MM/dd/yyyy hh:mm:ss AM, in the zone below'
    : 'ISO-8601 with an offset, e.g. 2030-01-01T09:00:00Z';
  const restartable = original !== undefined && (original.status === 'terminated' || original.status === 'completed');

  const form = html`
    <form class="campaign-form" onSubmit=${submit} novalidate>
      ${problem ? html`<p class="error" role="alert">${problem}</p>` : null}
      <div class="field">
        <label for="field-name">Name</label>
        <input ...${input('name')} required />
        ${fieldError('name')}
      </div>
      <div class="field">
        <label for="field-description">Description</label>
        <textarea ...${input('description')} rows="3"></textarea>
        ${fieldError('description')}
      </div>
      <fieldset class="field">
        <legend>Dates as</legend>
        <label class="inline"><input type="radio" name="dateStyle" value="iso" checked=${!volt} onChange=${() => set('dateStyle', 'iso')} /> ISO-8601</label>
        <label class="inline"><input type="radio" name="dateStyle" value="voltmx" checked=${volt} onChange=${() => set('dateStyle', 'voltmx')} /> Volt MX date strings and zone</label>
      </fieldset>
      <div class="field">
        <label for="field-start">Start</label>
        <input ...${input('start')} placeholder=${volt ? '05/24/2030 04:38:51 PM' : '2030-01-01T09:00:00Z'} />
        <p class="help" id="help-start">${dateHelp}. A start that has passed starts a scheduled campaign at once; empty: it waits for a start by hand.</p>
        ${fieldError('start')}
      </div>
      <div class="field">
        <label for="field-end">End</label>
        <input ...${input('end')} placeholder=${volt ? '06/24/2030 04:38:51 PM' : '2030-02-01T09:00:00Z'} />
        <p class="help" id="help-end">${dateHelp}</p>
        ${fieldError('end')}
      </div>
      <div class="field">
        <label for="field-zone">Zone</label>
        <input ...${input('zone')} list="zones" placeholder="(GMT+04:30) Kabul" />
        <datalist id="zones">${ZONES.map((z) => html`<option value=${z} />`)}</datalist>
        <p class="help" id="help-zone">The Volt MX zone the campaign's dates are shown in; empty: UTC.</p>
        ${fieldError('zone')}
      </div>
      ${
        original === undefined || original.status === 'draft' || original.status === 'scheduled'
          ? html`
            <div class="field">
              <label for="field-status">Status</label>
              <select ...${input('status')} onChange=${(e: Event) => set('status', (e.target as HTMLSelectElement).value)}>
                <option value="scheduled">scheduled</option>
                <option value="draft">draft</option>
              </select>
              ${fieldError('status')}
            </div>
          `
          : null
      }
      ${
        restartable
          ? html`<label class="inline"><input type="checkbox" checked=${values.restart} onChange=${(e: Event) => set('restart', (e.target as HTMLInputElement).checked)} /> Restart: schedule it again (a start date that has passed is dropped: give a new one, or start it by hand)</label>`
          : null
      }
      <div class="buttons">
        <button type="submit" disabled=${busy}>${id === undefined ? 'Create campaign' : 'Save changes'}</button>
      </div>
    </form>
  `;
  const loading = id !== undefined && original === undefined;
  return html`
    <p><a href=${id === undefined ? '#/' : `#/campaigns/${id}`}>← Back</a></p>
    <h1 tabindex="-1" ref=${heading}>${id === undefined ? 'New campaign' : html`Modify <bdi>${original?.name ?? id}</bdi>`}</h1>
    ${loading && loadProblem ? html`<p class="error" role="alert">${loadProblem}</p>` : null}
    ${loading && loadProblem ? html`<button type="button" onClick=${() => setLoads((n) => n + 1)}>Try again</button>` : null}
    ${loading && !loadProblem ? html`<p>Loading…</p>` : null}
    ${loading ? null : form}
  `;
}

function emptyValues(): Values {
  return {
    name: '',
    description: '',
    dateStyle: 'iso',
    start: '',
    end: '',
    zone: '',
    status: 'scheduled',
    restart: false,
  };
}

function valuesOf(campaign: Campaign, dateStyle: DateStyle): Values {
  const volt = dateStyle === 'voltmx';
  return {
    name: campaign.name,
    description: campaign.description ?? '',
    dateStyle,
    start: (volt ? campaign.startDateStr : campaign.startAt) ?? '',
    end: (volt ? campaign.endDateStr : campaign.endAt) ?? '',
    zone: campaign.zone ?? '',
    status: campaign.status,
    restart: false,
  };
}

/**
 * The form's values with its dates in `dateStyle`: a date as read is shown as read in that style, one the operator
 * typed is written in it (read in the form's zone), or left as typed when it cannot be read. The rest stays as it is.
 */
function inOtherStyle(values: Values, dateStyle: DateStyle, original: Campaign | undefined): Values {
  const read = original && valuesOf(original, values.dateStyle);
  const readThen = original && valuesOf(original, dateStyle);
  const date = (input: 'start' | 'end') =>
    read !== undefined && readThen !== undefined && values[input] === read[input]
      ? readThen[input]
      : (inDateStyle(values[input], values.dateStyle, dateStyle, values.zone) ?? values[input]);
  return { ...values, dateStyle, start: date('start'), end: date('end') };
}

function createBody(values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = { name: values.name, status: values.status };
  if (values.description.trim() !== '') body.description = values.description;
  Object.assign(body, dateFields(values));
  if (values.zone.trim() !== '') body.zone = values.zone.trim();
  return body;
}

function dateFieldNames(dateStyle: DateStyle): { start: string; end: string } {
  return dateStyle === 'voltmx' ? { start: 'startDateStr', end: 'endDateStr' } : { start: 'startAt', end: 'endAt' };
}

function dateFields(values: Values): Record<string, string> {
  const names = dateFieldNames(values.dateStyle);
  const fields: Record<string, string> = {};
  if (values.start.trim() !== '') fields[names.start] = values.start.trim();
  if (values.end.trim() !== '') fields[names.end] = values.end.trim();
  return fields;
}

function changesOf(original: Campaign | undefined, values: Values): Record<string, unknown> {
  if (original === undefined) return {};
  const before = valuesOf(original, values.dateStyle);
  const changes: Record<string, unknown> = {};
  if (values.name !== before.name) changes.name = values.name;
  if (values.description !== before.description)
    changes.description = values.description === '' ? null : values.description;
  if (values.zone !== before.zone) changes.zone = values.zone.trim() === '' ? null : values.zone.trim();
  if (values.status !== before.status) changes.status = values.status;
  // A date string is read in the zone sent with it: a new zone sends the dates again, but for one that has passed
  // (the moment a campaign started), which stays the moment it was.
  const zoneChanged = values.zone !== before.zone && values.dateStyle === 'voltmx';
  const instants = { start: original.startAt, end: original.endAt };
  const names = dateFieldNames(values.dateStyle);
  for (const input of ['start', 'end'] as const) {
    const now = values[input].trim();
    const passed = instants[input] !== null && Date.parse(instants[input]) <= Date.now();
    if (now === '' && before[input] !== '') changes[names[input]] = null;
    else if (now !== '' && (now !== before[input] || (zoneChanged && !passed))) changes[names[input]] = now;
  }
  return changes;
}

/**
 * Another client changed the campaign after the form read it, but none of the inputs these changes come from
 * (nor its status, for a restart): sending them on what it is now overwrites nothing of theirs.
 */
function untouchedSince(
  read: Campaign | undefined,
  latest: Campaign,
  changes: Record<string, unknown>,
  values: Values,
): boolean {
  if (read === undefined) return false;
  const before = valuesOf(read, values.dateStyle);
  const now = valuesOf(latest, values.dateStyle);
  const inputs = Object.keys(changes).map((field) => INPUT_OF_FIELD[field]);
  if (values.restart) inputs.push('status');
  return inputs.every((input) => input !== undefined && before[input] === now[input]);
}

/** The form on the campaign as it is now: the inputs the operator changed from what was read, and the rest as now. */
function keptOver(read: Campaign | undefined, latest: Campaign, values: Values): Values {
  const before = read === undefined ? values : valuesOf(read, values.dateStyle);
  const now = valuesOf(latest, values.dateStyle);
  const kept = { ...values };
  for (const input of ['name', 'description', 'start', 'end', 'zone', 'status'] as const)
    if (values[input] === before[input]) kept[input] = now[input];
  return kept;
}

function showRefusal(
  error: unknown,
  label: string,
  setErrors: (errors: Partial<Record<keyof Values, string>>) => void,
  setProblem: (problem: string) => void,
) {
  if (error instanceof NoAnswer) return setProblem(unansweredChange(label, error));
  if (!(error instanceof ApiError)) return setProblem(describeError(error));
  if (error.code === 'CAMPAIGN_CHANGED') {
    return setProblem(
      'Someone else changed this campaign after this form was opened, so nothing was saved. The form now shows the campaign as it is, with your changes kept: save again to make them over theirs, or go back to keep theirs.',
    );
  }
  const byInput: Partial<Record<keyof Values, string>> = {};
  const elsewhere: FieldError[] = [];
  for (const fieldError of error.facts.errors ?? []) {
    const input = INPUT_OF_FIELD[fieldError.field];
    if (input === undefined) elsewhere.push(fieldError);
    else byInput[input] = [byInput[input], `${fieldError.field} ${fieldError.message}`].filter(Boolean).join('; ');
  }
  setErrors(byInput);
  const others = elsewhere.map((e) => `${e.field} ${e.message}`).join('; ');
  setProblem(
    `${error.status === 400 ? 'Please correct the marked fields.' : `Refused (${error.status} ${error.code}): ${error.message}`}${others ? ` ${others}` : ''}`,
  );
  const first = Object.keys(byInput)[0];
  if (first !== undefined) document.getElementById(`field-${first}`)?.focus();
}
