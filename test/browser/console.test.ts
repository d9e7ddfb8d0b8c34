import * as fc from 'fast-check';
import type { Page, Request, Route } from 'playwright-core';
import { ALL_SCOPES } from '../../src/adapters/auth/principal.js';
import { principalOf } from '../../src/adapters/auth/token-claims.js';
import { mintToken } from '../../src/adapters/auth/token-minter.js';
import { formatVoltMxDate, parseVoltMxDate } from '../../src/adapters/http/volt-mx-dates.js';
import { Browser } from '../support/browser.js';
import { SQLITE } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';
import { nowSeconds, tokenWithPayload } from '../support/raw-token.js';
import { ServiceProcess } from '../support/service-process.js';
import { inDays, TestService } from '../support/test-service.js';

const SCOPE_CLAIM_RUNS = 200;
const scopeWord = fc.oneof(
  fc.constantFrom(...ALL_SCOPES, 'campaigns-all', 'campaigns-execute', 'campaigns-terminate', 'Campaigns:Read', ''),
  fc.string({ maxLength: 12 }),
);
const scopeString = fc
  .array(fc.tuple(fc.constantFrom(' ', '  ', '\t', ',', '\n', ''), scopeWord), { maxLength: 5 })
  .map((parts) => parts.map(([separator, word]) => separator + word).join(''));
/** `scope` or `scp` in the forms issuers write (a string, an array of strings) and in any other. */
const scopeClaim = fc.oneof(
  scopeString,
  fc.array(scopeWord, { maxLength: 5 }),
  fc.array(fc.oneof(scopeWord, fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const scopeClaims = fc.record({ scope: scopeClaim, scp: scopeClaim }, { requiredKeys: [] });

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
/** Enough campaigns of about 500 KiB of content that a page of 25 of them holds more than the 8 MiB a page answers. */
const LARGE_CAMPAIGNS = 17;
const LARGE_CONTENT = Array.from({ length: 5 }, (_, i) => ({
  name: `part ${i}`,
  message: 'x'.repeat(99_900),
  application: { appId: '1464041244280' },
}));
const FITTING_RUNS = 100;
const READINESS_RUNS = 150;
const TOKEN_TEXT_RUNS = 100;
const LINKED_TOKEN_RUNS = 12;
const SCOPE_SET_RUNS = 6;
const REFUSAL_RUNS = 12;
const NAME_RUNS = 60;
const DATE_STYLE_RUNS = 100;
/** A name the service stores: 1 to 255 code points of any plane, none of them a control character. */
const storableName = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 255 })
  .filter((name) => !/\p{Cc}/u.test(name) && name.trim() !== '');
/** The console reads a page again no sooner than this many times as long as the last read took. */
const SLOW_READ_FACTOR = 4;
/** The console promises that a change by someone else shows within this time. */
const LIVE_WITHIN_MS = 2000;
/** The console reads an open list or campaign again this long after each answer. */
const REFRESH_MS = 1000;
/** The console looks for what is typed in the search once typing pauses this long. */
const SEARCH_PAUSE_MS = 300;

describe('The operator console in Chromium', function () {
  this.timeout(60_000);
  let service: TestService;
  let browser: Browser;
  let token: string;

  before(async () => {
    [service, browser] = await Promise.all([TestService.start(SQLITE), Browser.launch()]);
    token = await service.token('operator');
  });
  after(async () => {
    await Promise.all([browser?.close(), clocked?.close()]);
    await service?.stop();
  });

  const consoleUrl = () => `${service.url}/console/`;

  async function signedIn(options: { token?: string; viewport?: { width: number; height: number } } = {}) {
    const page = await browser.newPage(options.viewport);
    await page.goto(consoleUrl());
    await page.getByLabel('Bearer token').fill(options.token ?? token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    return page;
  }

  /** A browser of its own for the pages on a clock: the clock a page installs is the whole browser's. */
  let clocked: Browser | undefined;

  /** A signed-in page whose clock the test moves on: the console's deadlines and pauses pass without waiting for them. */
  async function signedInOnClock(signedInWith = token) {
    clocked ??= await Browser.launch();
    const page = await clocked.newPage();
    await page.clock.install();
    await page.goto(`${consoleUrl()}#token=${signedInWith}`);
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    return page;
  }

  async function openCampaign(page: Page, id: string) {
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
    await page.locator('h1.campaign-title').waitFor();
  }

  /** The tab as the page sees it when the operator switches to another tab, or back. */
  const showTab = (page: Page, state: 'hidden' | 'visible') =>
    page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);

  const statusBadge = (page: Page, status: string) =>
    page.locator('h1.campaign-title .badge', { hasText: new RegExp(`^${status}$`) });
  const rowOf = (page: Page, id: string) => page.locator(`tr[data-campaign-id="${id}"]`);

  it('serves the console with a strict Content-Security-Policy and no framing, in under 80 KiB', async () => {
    const page = await browser.newPage();
    const served: Array<Promise<number>> = [];
    page.on('response', (answer) => {
      if (answer.url().includes('/console/')) served.push(answer.body().then((body) => body.length));
    });
    const response = await page.goto(consoleUrl());
    const csp = response!.headers()['content-security-policy'];
    expect(csp).to.include("script-src 'self'").and.include("style-src 'self'").and.include("frame-ancestors 'none'");
    expect(csp).to.include("default-src 'none'").and.not.include('unsafe-inline');
    expect(response!.headers()['x-frame-options']).to.equal('DENY');
    expect((await service.request('GET', '/Console/', { token: null })).status).to.equal(404);
    await page.getByLabel('Bearer token').waitFor();
    expect(page.errors).to.deep.equal([]);
    const bytes = (await Promise.all(served)).reduce((sum, size) => sum + size, 0);
    expect(served.length).to.be.greaterThan(15);
    expect(bytes).to.be.below(80 * 1024);
    await page.close();
  });

  it('signs in with a pasted token and lists the campaigns, sending the token only in the Authorization header', async () => {
    const id = await service.createCampaign({ name: 'Pasted token sale' });
    const requests: Request[] = [];
    const page = await browser.newPage();
    page.on('request', (request) => requests.push(request));
    await page.goto(consoleUrl());
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await rowOf(page, id).getByRole('link', { name: 'Pasted token sale' }).waitFor();

    const api = requests.filter((r) => r.url().includes('/api/v1/'));
    expect(api).to.not.be.empty;
    for (const request of api) expect(await request.headerValue('authorization')).to.equal(`Bearer ${token}`);
    for (const request of requests) expect(request.url()).to.not.include(token);
    expect(page.errors).to.deep.equal([]);
    await page.close();
  });

  it('signs in from the printed link: the token leaves the address bar for the tab session', async () => {
    const page = await browser.newPage();
    await page.goto(`${consoleUrl()}#token=${token}`);
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    expect(page.url()).to.not.include(token);
    expect(await page.evaluate(() => Object.values(sessionStorage))).to.deep.equal([token]);
    await page.close();
  });

  it('signs in with a token pasted over several lines, and refuses at the field what no Authorization header could carry', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    const field = page.getByLabel('Bearer token');
    await field.fill(`${token}€`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#token-error', { hasText: 'not a bearer token' }).waitFor();
    expect(await field.getAttribute('aria-invalid')).to.equal('true');
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);

    await field.fill(`Bearer ${token.slice(0, 40)}\n${token.slice(40, 90)}\n  ${token.slice(90)}\n`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage))).to.deep.equal([token]);
    expect(page.errors).to.deep.equal([]);
    await page.close();
  });

  it('takes from pasted or linked text only a token an Authorization header can carry, whatever the text', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    const read = (text: string) =>
      page.evaluate(async (text) => {
        const { bearerTokenIn } = await import(new URL('session.js', location.href).href);
        const token: string | undefined = bearerTokenIn(text);
        let carried = true;
        try {
          new Headers({ Authorization: `Bearer ${token}` });
        } catch {
          carried = false;
        }
        return { token: token ?? null, carried };
      }, text);
    const b64token = fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,60}$/), fc.stringMatching(/^={0,2}$/))
      .map(([body, padding]) => body + padding);
    const space = fc.constantFrom(' ', '\n', '\r\n', '\t', '');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), async (text) => {
        const { token, carried } = await read(text);
        if (token !== null) expect(carried, `${JSON.stringify(text)} gave ${JSON.stringify(token)}`).to.equal(true);
      }),
      propertyParameters(TOKEN_TEXT_RUNS),
    );
    await fc.assert(
      fc.asyncProperty(
        b64token,
        fc.array(space, { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        async (bearer, spaces, prefixed) => {
          const cut = Math.floor(bearer.length / 2);
          const text = `${spaces[0]}${prefixed ? 'Bearer ' : ''}${bearer.slice(0, cut)}${spaces[1]}${bearer.slice(cut)}${spaces[2]}${spaces[3]}`;
          expect((await read(text)).token, JSON.stringify(text)).to.equal(bearer);
        },
      ),
      propertyParameters(TOKEN_TEXT_RUNS),
    );
    await page.close();
  });

  it('opens the sign-in page, with no script error and the address bar cleared, from a link whose token is anything', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom('%', 'z', 'E0', 'A4', '€', '.', '"', ' ', '<'),
          minLength: 1,
          maxLength: 12,
        }),
        async (linked) => {
          const page = await browser.newPage();
          try {
            await page.goto(`${consoleUrl()}#token=${linked}`);
            await page.getByLabel('Bearer token').waitFor();
            expect(page.errors, linked).to.deep.equal([]);
            expect(new URL(page.url()).hash, linked).to.equal('#/');
          } finally {
            await page.close();
          }
        },
      ),
      propertyParameters(LINKED_TOKEN_RUNS),
    );
  });

  it('offers the token of a link opened in a tab where the console is open, takes it only when told, on any page, and removes it from the address bar and the history', async () => {
    const page = await signedIn();
    await page.evaluate(() => Object.assign(window, { openedOnce: true }));
    const openLink = async (linkToken: string) => {
      await page.evaluate((link) => location.assign(link), `${consoleUrl()}#token=${linkToken}`);
      await page.waitForFunction(() => !location.hash.startsWith('#token='), null, { timeout: 5000 });
    };
    const signedInAs = (subject: string) =>
      page.locator('.who').getByText('Signed in as').locator('strong', { hasText: subject }).waitFor();

    const newcomer = await service.token('newcomer');
    await openLink(newcomer);
    await page.getByRole('alertdialog').getByText('signs in as newcomer').waitFor();
    await page.getByRole('button', { name: 'Stay signed in as operator' }).click();
    await signedInAs('operator');
    expect(await page.evaluate(() => Object.values(sessionStorage))).to.deep.equal([token]);

    const id = await service.createCampaign({ name: 'Linked over a campaign page' });
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
    await page.getByRole('heading', { name: 'Linked over a campaign page' }).waitFor();
    await openLink('%%%junk');
    await page.getByRole('alert').getByText("The link's token is not a bearer token").waitFor();
    await signedInAs('operator');

    await openLink(newcomer);
    await page.getByRole('button', { name: 'Sign in as newcomer' }).click();
    await signedInAs('newcomer');
    expect(await page.evaluate(() => Object.values(sessionStorage))).to.deep.equal([newcomer]);
    expect(page.url()).to.equal(`${consoleUrl()}#/`);
    await page.goBack();
    expect(page.url()).to.not.include(newcomer);

    await page.getByRole('button', { name: 'Sign out' }).click();
    const returning = await service.token('returning');
    await openLink(returning);
    await page.getByText('Signed in as').locator('strong', { hasText: 'returning' }).waitFor();
    expect(page.url()).to.not.include(returning);
    expect(await page.evaluate(() => 'openedOnce' in window)).to.equal(true);
    await page.close();
  });

  it('filters the list by status, searches it, sorts it and pages through it', async () => {
    const mark = `Paging-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        await service.createCampaign({
          name: `${mark} ${String(i).padStart(2, '0')}`,
          startAt: inDays(1 + i),
          endAt: inDays(40),
        }),
      );
    await service.request('POST', `/api/v1/campaigns/${ids[5]}/start`);
    const page = await signedIn();
    /** The list shows exactly these names (the answer to the last change of the controls has arrived). */
    const listed = (names: string[]) =>
      page.waitForFunction(
        (expected) =>
          JSON.stringify([...document.querySelectorAll('table.campaigns tbody a')].map((a) => a.textContent)) ===
          expected,
        JSON.stringify(names),
      );
    const named = (...numbers: number[]) => numbers.map((n) => `${mark} ${String(n).padStart(2, '0')}`);

    await page.getByLabel('Search by name or id').fill(mark);
    await page.getByLabel('Per page').selectOption('10');
    await listed(named(11, 10, 9, 8, 7, 6, 5, 4, 3, 2));
    await page.getByText('1–10 of 12').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await listed(named(1, 0));
    await page.getByText('11–12 of 12').waitFor();

    await page.getByLabel('Sort').selectOption('nextStart');
    // 05 was started by hand: its start date is the moment it started, before every other one's
    await listed(named(5, 0, 1, 2, 3, 4, 6, 7, 8, 9));

    await page.getByLabel('Status').selectOption('running');
    await listed(named(5));
    await page.getByText('1–1 of 1').waitFor();

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search by name or id').fill(ids[7]!);
    await listed(named(7));
    await page.close();
  });

  it('shows a page of large campaigns at the size the service says fits, says so, and pages through them at that size', async () => {
    const mark = `Large-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < LARGE_CAMPAIGNS; i++)
      ids.push(await service.createCampaign({ name: `${mark} ${i}`, campaignMessages: LARGE_CONTENT }));
    try {
      const refused = await service.request('GET', `/api/v1/campaigns?search=${mark}&pageSize=25`);
      expect(refused.body.code).to.equal('PAGE_TOO_LARGE');
      const fits = refused.body.pageSize as number;
      const page = await signedIn();
      const listReads: number[] = [];
      page.on('response', (answer) => {
        if (new URL(answer.url()).pathname.endsWith('/api/v1/campaigns')) listReads.push(answer.status());
      });
      await page.getByLabel('Search by name or id').fill(mark);
      await page.getByText(`1–${fits} of ${LARGE_CAMPAIGNS}`).waitFor();
      await page.locator('[data-fitted-page]', { hasText: `${fits} are shown a page` }).waitFor();
      expect(await page.locator('table.campaigns tbody tr').count()).to.equal(fits);
      expect(await page.getByLabel('Per page').inputValue()).to.equal('25');
      expect(await page.locator('main .error').count()).to.equal(0);

      const refusalsOnceFitted = listReads.filter((status) => status === 400).length;
      await page.waitForTimeout(2500);
      expect(listReads.filter((status) => status === 400).length, 'refused again after it fitted').to.equal(
        refusalsOnceFitted,
      );

      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText(`${fits + 1}–${LARGE_CAMPAIGNS} of ${LARGE_CAMPAIGNS}`).waitFor();
      await rowOf(page, ids[0]!).waitFor();
      await page.close();
    } finally {
      for (const id of ids) await service.request('POST', `/api/v1/campaigns/${id}/delete`);
    }
  });

  it('reads a page refused as too large again at the size the refusal names, whatever sizes it names', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.option(fc.integer({ min: -2, max: 600 }), { nil: null }), { maxLength: 8 }),
        async (asked, namedSizes) => {
          const { sizes, outcome } = await page.evaluate(
            async ({ asked, namedSizes }) => {
              const { readFitting } = await import(new URL('fitting-page.js', location.href).href);
              const { ApiError } = await import(new URL('api.js', location.href).href);
              const sizes: number[] = [];
              const refusals = [...namedSizes];
              const read = async (size: number) => {
                sizes.push(size);
                if (refusals.length === 0) return 'a page';
                const named = refusals.shift();
                throw new ApiError(400, 'PAGE_TOO_LARGE', 'too large', named === null ? {} : { pageSize: named });
              };
              try {
                const fitted = await readFitting(read, asked);
                return { sizes, outcome: { pageSize: fitted.pageSize as number } };
              } catch (error) {
                return {
                  sizes,
                  outcome: { refused: (error as { facts: { pageSize?: number } }).facts.pageSize ?? null },
                };
              }
            },
            { asked, namedSizes },
          );
          expect(sizes[0]).to.equal(asked);
          for (let i = 1; i < sizes.length; i++) {
            expect(sizes[i], 'each read asks for the size the last refusal named').to.equal(namedSizes[i - 1]);
            expect(sizes[i]).to.be.within(1, sizes[i - 1]! - 1);
          }
          if ('pageSize' in outcome) expect(outcome.pageSize).to.equal(sizes.at(-1));
          else
            expect(outcome.refused, 'a refusal naming no smaller size is the answer').to.equal(
              namedSizes[sizes.length - 1],
            );
        },
      ),
      propertyParameters(FITTING_RUNS),
    );
    await page.close();
  });

  it('shows the last page there is, not an empty one, when the page asked for starts past the end', async () => {
    const mark = `Past-the-end-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await service.createCampaign({ name: `${mark} ${i}` }));
    const page = await signedIn();
    await page.evaluate((hash) => (location.hash = hash), `#/?search=${mark}&pageSize=10&start=40`);
    await page.getByText('11–12 of 12').waitFor();
    expect(new URL(page.url()).hash).to.equal(`#/?search=${mark}&pageSize=10&start=10`);

    for (const id of ids.slice(10)) await service.request('POST', `/api/v1/campaigns/${id}/delete`);
    await page.getByText('1–10 of 10').waitFor();
    expect(await page.locator('.empty').count()).to.equal(0);
    await page.close();
  });

  it('keeps the list’s filter, search, order and page when going back to it from a campaign', async () => {
    const mark = `Kept-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await service.createCampaign({ name: `${mark} ${i}` }));
    const page = await signedIn();
    await page.getByLabel('Status').selectOption('scheduled');
    await page.getByLabel('Search by name or id').fill(mark);
    await page.getByLabel('Sort').selectOption('id');
    await page.getByLabel('Per page').selectOption('10');
    await page.getByText('1–10 of 12').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('11–12 of 12').waitFor();
    const listAsLeft = async () => {
      await rowOf(page, ids[11]!).waitFor({ timeout: 5000 });
      expect({
        status: await page.getByLabel('Status').inputValue(),
        search: await page.getByLabel('Search by name or id').inputValue(),
        sort: await page.getByLabel('Sort').inputValue(),
        pageSize: await page.getByLabel('Per page').inputValue(),
        shown: await page.locator('.pager [aria-live]').textContent(),
      }).to.deep.equal({ status: 'scheduled', search: mark, sort: 'id', pageSize: '10', shown: '11–12 of 12' });
    };

    await rowOf(page, ids[11]!).getByRole('link').click();
    await page.locator('h1.campaign-title').waitFor();
    await page.goBack();
    await listAsLeft();

    await rowOf(page, ids[10]!).getByRole('link').click();
    await page.locator('h1.campaign-title').waitFor();
    await page.getByRole('link', { name: '← All campaigns' }).click();
    await listAsLeft();
    await page.close();
  });

  it('creates one campaign through the form, even on a double click, and shows it in the list', async () => {
    const page = await signedIn();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Browser-made sale');
    await page.getByLabel('Description').fill('Made in Chromium');
    await page.getByLabel('Start', { exact: true }).fill(inDays(2));
    await page.getByLabel('End', { exact: true }).fill(inDays(20));
    await page.getByRole('button', { name: 'Create campaign' }).dblclick();
    await page.locator('h1.campaign-title', { hasText: 'Browser-made sale' }).waitFor();
    await statusBadge(page, 'scheduled').waitFor();

    await page.getByRole('link', { name: 'All campaigns' }).first().click();
    await page.getByRole('link', { name: 'Browser-made sale' }).waitFor();
    const listed = await service.request('GET', '/api/v1/campaigns?view=service&search=Browser-made');
    expect(listed.body.campaigns).to.have.length(1);
    expect(listed.body.campaigns[0]).to.deep.include({ description: 'Made in Chromium', createdBy: 'operator' });
    await page.close();
  });

  it('creates one campaign when the answer to a create is lost and the operator sends it again', async () => {
    const page = await signedIn();
    const keys: Array<string | undefined> = [];
    let lost = false;
    await page.route('**/api/v1/campaigns', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key']);
      const answer = await route.fetch();
      if (lost) return route.fulfill({ response: answer });
      lost = true;
      return route.abort('connectionreset');
    });
    await page.evaluate(() => (location.hash = '#/new'));
    await page.getByLabel('Name', { exact: true }).fill('Answer lost once');
    await page.getByLabel('Start', { exact: true }).fill(inDays(2));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.locator('h1.campaign-title', { hasText: 'Answer lost once' }).waitFor();
    expect(keys).to.have.length(2);
    expect(keys[0]).to.be.a('string').and.equal(keys[1]);
    const listed = await service.request('GET', '/api/v1/campaigns?search=Answer%20lost%20once');
    expect(listed.body.total).to.equal(1);
    await page.close();
  });

  it('accepts Volt MX date strings with a zone', async () => {
    const page = await signedIn();
    await page.evaluate(() => (location.hash = '#/new'));
    await page.getByLabel('Name', { exact: true }).fill('Kabul launch');
    await page.getByLabel('Volt MX date strings and zone').check();
    await page.getByLabel('Start', { exact: true }).fill('05/24/2031 04:38:51 PM');
    await page.getByLabel('End', { exact: true }).fill('06/24/2031 04:38:51 PM');
    await page.getByLabel('Zone', { exact: true }).fill('(GMT+04:30) Kabul');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.locator('[data-field="startAt"] dd', { hasText: '2031-05-24 12:08:51 UTC' }).waitFor();
    await page.locator('[data-field="startDateStr"] dd', { hasText: '05/24/2031 04:38:51 PM' }).waitFor();
    await page.close();
  });

  it('takes a name of up to 255 characters in any script, emoji included, and creates it whole', async () => {
    const page = await signedIn();
    await page.evaluate(() => (location.hash = '#/new'));
    const name = page.getByLabel('Name', { exact: true });
    await fc.assert(
      fc.asyncProperty(storableName, async (typed) => {
        await name.fill(typed);
        expect([...(await name.inputValue())], 'the name as the form holds it').to.deep.equal([...typed]);
      }),
      propertyParameters(NAME_RUNS),
    );

    const longest = '🎉'.repeat(255);
    await name.fill(longest);
    await page.getByLabel('Start', { exact: true }).fill(inDays(2));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.locator('h1.campaign-title').waitFor();
    expect(await page.locator('h1.campaign-title .name').textContent()).to.equal(longest);
    await page.close();
  });

  it('shows a refused field at the field the API names, and creates nothing', async () => {
    const before = (await service.request('GET', '/api/v1/campaigns')).body.total;
    const page = await signedIn();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Backwards');
    await page.getByLabel('Start', { exact: true }).fill(inDays(5));
    await page.getByLabel('End', { exact: true }).fill(inDays(1));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    const end = page.getByLabel('End', { exact: true });
    await page.locator('#error-end', { hasText: 'endAt must not be before startAt' }).waitFor();
    expect(await end.getAttribute('aria-invalid')).to.equal('true');
    expect(await end.getAttribute('aria-describedby')).to.equal('error-end help-end');
    expect(await page.getByLabel('Start', { exact: true }).getAttribute('aria-invalid')).to.equal(null);
    expect((await service.request('GET', '/api/v1/campaigns')).body.total).to.equal(before);
    await page.close();
  });

  it('modifies a campaign, sending only the fields that changed', async () => {
    const id = await service.createCampaign({ name: 'Before the change', description: 'Stays as it is' });
    const page = await signedIn();
    await openCampaign(page, id);
    const bodies: unknown[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/${id}/modify`)) bodies.push(request.postDataJSON());
    });
    await page.getByRole('link', { name: 'Modify', exact: true }).click();
    const name = page.getByLabel('Name', { exact: true });
    await page.waitForFunction(
      () => (document.getElementById('field-name') as HTMLInputElement | null)?.value === 'Before the change',
    );
    await name.fill('After the change');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('h1.campaign-title', { hasText: 'After the change' }).waitFor();
    await page.locator('table.events tr', { hasText: 'CampaignModified' }).waitFor();
    expect(bodies).to.deep.equal([{ name: 'After the change' }]);
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.description).to.equal(
      'Stays as it is',
    );
    await page.close();
  });

  /** A signed-in page on the campaign's edit form, once the form shows `value` in the field `fieldId`. */
  async function onEditForm(id: string, fieldId: string, value: string): Promise<Page> {
    const page = await signedIn();
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}/edit`);
    await page.waitForFunction(
      ([field, shown]) => (document.getElementById(field) as HTMLInputElement | null)?.value === shown,
      [fieldId, value] as const,
    );
    return page;
  }

  /** The bodies of the modifies of the campaign that the page sends from now on. */
  function modifyBodies(page: Page, id: string): unknown[] {
    const bodies: unknown[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/${id}/modify`)) bodies.push(request.postDataJSON());
    });
    return bodies;
  }

  it('saves a modification over a change another client made meanwhile to other fields, keeping theirs', async () => {
    const id = await service.createCampaign({ name: 'Read by the form', description: 'As read' });
    const page = await onEditForm(id, 'field-name', 'Read by the form');
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith(`/${id}/modify`)) statuses.push(response.status());
    });
    const theirs = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
      body: { description: 'Changed meanwhile' },
    });
    expect(theirs.status).to.equal(200);
    await page.getByLabel('Name', { exact: true }).fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('h1.campaign-title', { hasText: 'Mine' }).waitFor();
    expect(statuses).to.deep.equal([412, 200]);
    const stored = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
    expect(stored).to.include({ name: 'Mine', description: 'Changed meanwhile' });
    await page.close();
  });

  it('saves nothing over a field another client changed after the form was opened, and says so', async () => {
    const id = await service.createCampaign({ name: 'Read by the form' });
    const page = await onEditForm(id, 'field-name', 'Read by the form');
    const theirs = await service.request('POST', `/api/v1/campaigns/${id}/modify`, { body: { name: 'Theirs' } });
    expect(theirs.status).to.equal(200);
    await page.getByLabel('Name', { exact: true }).fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this campaign' }).waitFor();
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.name).to.equal('Theirs');
    await page.close();
  });

  it('keeps the moment a paused campaign started when its zone changes, and its end date’s time of day in the new zone', async () => {
    const id = await service.createCampaign({ name: 'Moved east', zone: '(GMT-05:00) New York', endAt: inDays(30) });
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    await service.request('POST', `/api/v1/campaigns/${id}/pause`);
    const before = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
    const page = await onEditForm(id, 'field-zone', '(GMT-05:00) New York');
    const bodies = modifyBodies(page, id);
    await page.getByLabel('Volt MX date strings and zone').check();
    await page.getByLabel('Zone', { exact: true }).fill('(GMT+14:00) Line Islands');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field="zone"] dd', { hasText: 'Line Islands' }).waitFor();
    expect(bodies).to.deep.equal([{ zone: '(GMT+14:00) Line Islands', endDateStr: before.endDateStr }]);
    const after = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
    expect(after.startAt, 'the moment it started').to.equal(before.startAt);
    expect(after.endDateStr).to.equal(before.endDateStr);
    await page.close();
  });

  it('clears an emptied end date and description, sending null in the date style the form uses', async () => {
    const id = await service.createCampaign({ name: 'Open ended', description: 'To be removed' });
    const page = await onEditForm(id, 'field-description', 'To be removed');
    const bodies = modifyBodies(page, id);
    await page.getByLabel('Volt MX date strings and zone').check();
    await page.getByLabel('End', { exact: true }).fill('');
    await page.getByLabel('Description').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('table.events tr', { hasText: 'CampaignModified' }).waitFor();
    expect(bodies).to.deep.equal([{ description: null, endDateStr: null }]);
    const stored = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
    expect(stored).to.deep.include({ description: null, endAt: null });
    await page.close();
  });

  it('says at the start date that one that has passed starts a scheduled campaign at once, and creates such a campaign due', async () => {
    const page = await signedIn();
    await page.getByRole('link', { name: 'New campaign' }).click();
    const start = page.getByLabel('Start', { exact: true });
    const help = page.locator(`#${await start.getAttribute('aria-describedby')}`);
    expect(await help.textContent()).to.contain('A start that has passed starts a scheduled campaign at once');
    const yesterday = inDays(-1);
    await page.getByLabel('Name', { exact: true }).fill('Due at once');
    await start.fill(yesterday);
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/#\/campaigns\/\d+$/);
    const id = page.url().split('/').pop()!;
    const read = await service.request('GET', `/api/v1/campaigns/${id}?view=service`);
    expect(read.body).to.include({ name: 'Due at once', status: 'scheduled', startAt: yesterday });
    await page.close();
  });

  it('publishes a draft whose start date has passed once its start date is cleared', async () => {
    const startAt = new Date(Date.now() + 1500);
    const id = await service.createCampaign({
      name: 'Draft left too long',
      status: 'draft',
      startAt: startAt.toISOString(),
    });
    const page = await onEditForm(id, 'field-name', 'Draft left too long');
    const bodies = modifyBodies(page, id);
    await page.getByLabel('Status').selectOption('scheduled');
    await page.getByLabel('Start', { exact: true }).fill('');
    await new Promise((passed) => setTimeout(passed, startAt.getTime() - Date.now() + 100));
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url().endsWith(`/${id}/modify`)),
      page.getByRole('button', { name: 'Save changes' }).click(),
    ]);
    expect(bodies).to.deep.equal([{ status: 'scheduled', startAt: null }]);
    expect(answer.status()).to.equal(200);
    await statusBadge(page, 'scheduled').waitFor();
    await page.close();
  });

  it('saves a modification refused before under a new Idempotency-Key, and one whose answer never came under the same', async () => {
    const id = await service.createCampaign({ name: 'Running, then paused elsewhere' });
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    const page = await onEditForm(id, 'field-name', 'Running, then paused elsewhere');
    await page.getByLabel('Name', { exact: true }).fill('Renamed once paused');
    const keys: Array<string | null> = [];
    page.on('request', (request) => {
      if (request.url().includes(`/${id}/modify`)) keys.push(request.headers()['idempotency-key'] ?? null);
    });
    const save = page.getByRole('button', { name: 'Save changes' });

    await page.route(`**/${id}/modify`, (route) => route.abort(), { times: 1 });
    await save.click();
    await page.getByRole('alert').filter({ hasText: 'Failed to fetch' }).waitFor();
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/${id}/modify`)), save.click()]);
    expect(refused.status()).to.equal(409);

    // Paused elsewhere: the form's version is stale (412), and the name it changes is not, so it saves on the new one.
    await service.request('POST', `/api/v1/campaigns/${id}/pause`);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/${id}/modify`) && r.status() === 200);
    await save.click();
    await saved;
    await page.locator('h1.campaign-title', { hasText: 'Renamed once paused' }).waitFor();
    expect(keys).to.have.length(4);
    expect(keys[1]).to.equal(keys[0]);
    expect(new Set(keys.slice(1)).size).to.equal(3);
    await page.close();
  });

  it('starts a campaign and shows running, pauses it, and shows a refusal plainly', async () => {
    const id = await service.createCampaign({ name: 'Lifecycle sale' });
    const page = await signedIn();
    await openCampaign(page, id);
    await statusBadge(page, 'scheduled').waitFor();

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await statusBadge(page, 'running').waitFor();
    await page
      .locator('table.events tr', { hasText: 'CampaignStarted' })
      .filter({ hasText: 'operator' })
      .filter({ hasText: 'waiting in the outbox' })
      .waitFor();

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await statusBadge(page, 'paused').waitFor();
    await page.locator('table.events tr', { hasText: 'CampaignPaused' }).waitFor();

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: '409 CAMPAIGN_NOT_PAUSABLE' });
    await refusal.waitFor();
    expect(await refusal.textContent()).to.include('The campaign is paused.');
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('paused');
    await page.close();
  });

  it('sends an Idempotency-Key with each action, so a double click starts once', async () => {
    const id = await service.createCampaign({ name: 'Double click sale' });
    const page = await signedIn();
    await openCampaign(page, id);
    const starts: Request[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith(`/${id}/start`)) starts.push(request);
    });
    await page.getByRole('button', { name: 'Start', exact: true }).dblclick();
    await statusBadge(page, 'running').waitFor();
    expect(starts).to.not.be.empty;
    for (const request of starts)
      expect(await request.headerValue('idempotency-key')).to.match(/^console-[0-9a-f]{32}$/);
    const events = (await service.outboxRows()).filter(
      (row) => row.aggregate_id === id && row.event_type === 'CampaignStarted',
    );
    expect(events).to.have.length(1);
    await page.close();
  });

  /** A campaign started through the API, open in a signed-in page once the page shows it running. */
  async function openRunning(name: string): Promise<{ id: string; page: Page }> {
    const id = await service.createCampaign({ name });
    await service.request('POST', `/api/v1/campaigns/${id}/start`);
    const page = await signedIn();
    await openCampaign(page, id);
    await statusBadge(page, 'running').waitFor();
    return { id, page };
  }

  it('sends an action refused before under a new Idempotency-Key, even on a campaign that looks the same', async () => {
    const { id, page } = await openRunning('Paused elsewhere');
    const pause = async () => {
      const [answer] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith(`/${id}/pause`)),
        page.getByRole('button', { name: 'Pause', exact: true }).click(),
      ]);
      return { status: answer.status(), key: await answer.request().headerValue('idempotency-key') };
    };

    await service.request('POST', `/api/v1/campaigns/${id}/pause`);
    await statusBadge(page, 'paused').waitFor();
    const refused = await pause();
    const refusedAgain = await pause();
    expect([refused.status, refusedAgain.status]).to.deep.equal([409, 409]);
    expect(refusedAgain.key).to.not.equal(refused.key);
    await service.request('POST', `/api/v1/campaigns/${id}/resume`);
    await statusBadge(page, 'running').waitFor();
    const paused = await pause();
    expect(paused.status).to.equal(200);
    expect(new Set([refused.key, refusedAgain.key, paused.key]).size).to.equal(3);
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('paused');
    await page.close();
  });

  it('asks before terminating, does nothing when the operator cancels, and restarts a terminated campaign', async () => {
    const { id, page } = await openRunning('Terminate me');

    await page.getByRole('button', { name: 'Terminate', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).to.equal('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('running');

    await page.getByRole('button', { name: 'Terminate', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, terminate' }).click();
    await statusBadge(page, 'terminated').waitFor();

    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await statusBadge(page, 'scheduled').waitFor();
    await page.locator('table.events tr', { hasText: 'CampaignRestarted' }).waitFor();
    await page.close();
  });

  it('offers Restart only on a terminated or completed campaign, and restarts it with no body', async () => {
    const draft = await service.createCampaign({ name: 'Draft, not restartable', status: 'draft' });
    const id = await service.createCampaign({ name: 'Restartable once ended' });
    const page = await signedIn();
    const restart = page.getByRole('button', { name: 'Restart', exact: true });
    await openCampaign(page, draft);
    await statusBadge(page, 'draft').waitFor();
    expect(await restart.count()).to.equal(0);

    await openCampaign(page, id);
    for (const [verb, status] of [
      [undefined, 'scheduled'],
      ['start', 'running'],
      ['pause', 'paused'],
    ] as const) {
      if (verb) await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
      await statusBadge(page, status).waitFor();
      expect(await restart.count(), `Restart offered on a ${status} campaign`).to.equal(0);
    }

    await service.request('POST', `/api/v1/campaigns/${id}/terminate`);
    await statusBadge(page, 'terminated').waitFor();
    const sent: Request[] = [];
    page.on('request', (request) => {
      if (request.url().includes(`/${id}/modify`)) sent.push(request);
    });
    await restart.click();
    await statusBadge(page, 'scheduled').waitFor();
    await page.getByRole('status').filter({ hasText: 'Restarted' }).waitFor();
    expect(sent).to.have.length(1);
    expect(new URL(sent[0]!.url()).search).to.equal('?restart=true');
    expect(sent[0]!.postData()).to.equal(null);
    await page.close();
  });

  it('asks before deleting, then goes back to the list without it and says it was deleted', async () => {
    const id = await service.createCampaign({ name: 'Delete me' });
    const page = await signedIn();
    await openCampaign(page, id);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: `Deleted Delete me (${id}).` })
      .waitFor({ timeout: 5000 });
    expect((await service.request('GET', `/api/v1/campaigns/${id}`)).status).to.equal(404);
    expect(await rowOf(page, id).count()).to.equal(0);
    await page.close();
  });

  it(`shows a change made by another client within ${LIVE_WITHIN_MS} ms, in the list and on the campaign`, async () => {
    const id = await service.createCampaign({ name: 'Watched sale' });
    const page = await signedIn();
    await rowOf(page, id).waitFor();
    const someoneElse = await service.token('someone-else');

    const began = Date.now();
    await service.request('POST', `/api/v1/campaigns/${id}/start`, { token: someoneElse });
    await rowOf(page, id).locator('.badge', { hasText: 'running' }).waitFor({ timeout: LIVE_WITHIN_MS });
    expect(Date.now() - began).to.be.below(LIVE_WITHIN_MS);

    await openCampaign(page, id);
    await service.request('POST', `/api/v1/campaigns/${id}/pause`, { token: someoneElse });
    await statusBadge(page, 'paused').waitFor({ timeout: LIVE_WITHIN_MS });
    await page.locator('[data-field="updatedBy"] dd', { hasText: 'someone-else' }).waitFor({ timeout: LIVE_WITHIN_MS });
    await page.close();
  });

  it('reads nothing while its tab is hidden, and shows what changed as soon as the tab is shown again', async () => {
    const page = await signedIn();
    const reads: number[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(service.url)) reads.push(Date.now());
    });
    await showTab(page, 'hidden');
    await page.waitForTimeout(1500);
    const hiddenSince = Date.now();
    await page.waitForTimeout(3000);
    expect(
      reads.filter((at) => at >= hiddenSince),
      'reads while hidden',
    ).to.deep.equal([]);

    const id = await service.createCampaign({ name: 'Made while the tab was hidden' });
    await showTab(page, 'visible');
    await rowOf(page, id).waitFor({ timeout: 700 });
    await page.close();
  });

  it('reads a slow page again no sooner than four times as long as it took', async () => {
    const page = await signedIn();
    const slowMs = 800;
    const listReads: number[] = [];
    await page.route(
      (url) => url.pathname.endsWith('/api/v1/campaigns'),
      async (route) => {
        listReads.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, slowMs));
        await route.continue();
      },
    );
    await eventually('the list is read slowly twice', () => listReads.length >= 2, { timeoutMs: 15_000 });
    const [first, second] = listReads as [number, number];
    expect(second - first, 'from one slow read to the next').to.be.at.least((1 + SLOW_READ_FACTOR) * slowMs - 200);
    await page.close();
  });

  it('says the service is unreachable when /health/ready answers something other than its readiness', async () => {
    const page = await browser.newPage();
    await page.route('**/health/ready', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: '{"message":"no Route matched with those values"}',
      }),
    );
    await page.goto(`${consoleUrl()}#token=${token}`);
    await page.locator('section.health', { hasText: 'Service unreachable' }).waitFor();
    await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
    expect(page.errors).to.deep.equal([]);
    await page.close();
  });

  it('says a read failed, with no script error, when a proxy answers the API with a page of its own', async () => {
    const id = await service.createCampaign({ name: 'Behind a sign-in proxy' });
    const page = await signedIn();
    await page.route('**/api/v1/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<html>Sign in to continue</html>' }),
    );
    await page.locator('main .error', { hasText: 'Could not load campaigns' }).waitFor();
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
    await page.locator('main .error', { hasText: 'Could not load the campaign' }).waitFor();
    await page.locator('main .error', { hasText: 'Could not load the history' }).waitFor();
    expect(page.errors).to.deep.equal([]);
    await page.close();
  });

  it('reads a readiness from any JSON answer without failing, and only from one shaped as the service’s', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    const readiness = fc.record(
      {
        status: fc.oneof(fc.constantFrom('ready', 'degraded', 'unavailable'), fc.jsonValue()),
        database: fc.oneof(
          fc.record(
            {
              status: fc.oneof(fc.string(), fc.jsonValue()),
              latencyMs: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        outbox: fc.oneof(
          fc.record(
            {
              backlog: fc.oneof(fc.nat(), fc.jsonValue()),
              oldestUnpublishedAgeSeconds: fc.oneof(fc.constant(null), fc.nat(), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        relay: fc.oneof(
          fc.record({ state: fc.oneof(fc.string(), fc.jsonValue()) }, { requiredKeys: [] }),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(readiness, fc.jsonValue()), async (body) => {
        const read: { status: string; outbox?: { backlog: unknown }; relay?: { state: unknown } } | null =
          await page.evaluate(async (json) => {
            const { readinessOf } = await import(new URL('readiness.js', location.href).href);
            return readinessOf(JSON.parse(json)) ?? null;
          }, JSON.stringify(body));
        const shaped =
          typeof body === 'object' &&
          body !== null &&
          !Array.isArray(body) &&
          typeof (body as Record<string, unknown>).status === 'string' &&
          typeof (body as { database?: { status?: unknown } }).database?.status === 'string' &&
          typeof (body as { database?: { latencyMs?: unknown } }).database?.latencyMs === 'number';
        expect(read === null, JSON.stringify(body)).to.equal(!shaped);
        if (read !== null) {
          expect(read.status).to.equal((body as { status: string }).status);
          if (read.outbox) expect(read.outbox.backlog).to.be.a('number');
          if (read.relay) expect(read.relay.state).to.be.a('string');
        }
      }),
      propertyParameters(READINESS_RUNS),
    );
    await page.close();
  });

  it('renders a hostile campaign name as text, in the list and on the campaign', async () => {
    const id = await service.createCampaign({ name: HOSTILE_NAME, description: '<script>alert(2)</script>' });
    const page = await signedIn();
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    const link = rowOf(page, id).getByRole('link');
    await link.waitFor();
    expect(await link.textContent()).to.equal(HOSTILE_NAME);
    await openCampaign(page, id);
    expect(await page.locator('h1.campaign-title .name').textContent()).to.equal(HOSTILE_NAME);
    expect(await page.locator('[data-field="description"] dd').textContent()).to.equal('<script>alert(2)</script>');
    expect(await page.locator('img, main script').count()).to.equal(0);
    expect(dialogs).to.equal(0);
    expect(page.errors).to.deep.equal([]);
    await page.close();
  });

  it('isolates every text a user wrote, so a right-to-left override in a name reverses nothing of the console’s own', async () => {
    const override = 'Summer \u202Eelas';
    const author = await service.token(`Ops \u202Eteam`);
    const created = await service.request('POST', '/api/v1/campaigns', {
      token: author,
      body: {
        name: override,
        description: `Spring \u202Esale`,
        zone: '(GMT+04:30) Kabul \u202Eluba',
        startAt: inDays(1),
        campaignSegments: [{ segment: { id: 7, name: `מבצע \u202Eabc` } }],
      },
    });
    const id = created.body.id as string;
    for (const verb of ['start', 'pause'])
      await service.request('POST', `/api/v1/campaigns/${id}/${verb}`, { token: author });
    const page = await signedIn({ token: author });
    /** The console's own words in `selector` read left to right: each of their letters lies right of the one before. */
    const inOrder = (selector: string, words: string) =>
      page.evaluate(
        ([selector, words]) => {
          const root = document.querySelector(selector)!;
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent!.indexOf(words);
            if (at === -1 || node.parentElement!.closest('bdi')) continue;
            const lefts = [...words].map((_, i) => {
              const range = document.createRange();
              range.setStart(node, at + i);
              range.setEnd(node, at + i + 1);
              return range.getBoundingClientRect().left;
            });
            return lefts.every((left, i) => i === 0 || left > lefts[i - 1]!);
          }
          return `no "${words}" outside the user's text in ${selector}`;
        },
        [selector, words] as const,
      );
    /** Every element in `selector` whose text holds `text` isolates it in a <bdi>. */
    const isolated = (selector: string, text: string) =>
      page.evaluate(
        ([selector, text]) =>
          [...document.querySelectorAll(selector)]
            .filter((element) => element.textContent!.includes(text))
            .every((element) => [...element.querySelectorAll('bdi')].some((bdi) => bdi.textContent!.includes(text))),
        [selector, text] as const,
      );

    await page.getByLabel('Search by name or id').fill(id);
    await rowOf(page, id).waitFor();
    expect(await isolated(`tr[data-campaign-id="${id}"] td`, '\u202E')).to.equal(true);
    expect(await isolated('.top .who', '\u202E')).to.equal(true);
    expect(await inOrder('.top .who', 'Signed in as')).to.equal(true);

    await openCampaign(page, id);
    const name = await page.locator('h1.campaign-title .name').boundingBox();
    const badge = await page.locator('h1.campaign-title .badge').boundingBox();
    expect(badge!.x, 'the status badge after the name').to.be.at.least(name!.x + name!.width - 1);
    expect(await isolated('.fields dd', '\u202E')).to.equal(true);
    await page.locator('table.events tr', { hasText: 'CampaignPaused' }).waitFor();
    expect(await isolated('table.events td', '\u202E')).to.equal(true);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    expect(await inOrder('#confirm-text', 'Delete it? It is removed for good')).to.equal(true);

    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}/edit`);
    await page.getByLabel('Name', { exact: true }).waitFor();
    expect(await isolated('main h1', '\u202E')).to.equal(true);
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted' }).waitFor();
    expect(await inOrder('main .success', `(${id}).`)).to.equal(true);
    expect(await isolated('main .success', '\u202E')).to.equal(true);
    await page.close();
  });

  it('goes back to sign-in, forgetting the token, when the service answers 401', async () => {
    const forged = await mintToken({ secret: 'another-secret-that-is-long-enough-for-hs256!!', subject: 'mallory' });
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    await page.getByLabel('Bearer token').fill(forged);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused the token' }).waitFor();
    await page.getByLabel('Bearer token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);
    await page.close();
  });

  it('offers only the controls the token’s scopes allow', async () => {
    const id = await service.createCampaign({ name: 'Read-only view' });
    const auditor = await signedIn({ token: await service.token('auditor', ['campaigns:read']) });
    await openCampaign(auditor, id);
    await auditor.locator('section[aria-labelledby="history-heading"] .empty').waitFor();
    expect(await auditor.locator('.actions button, .actions a').count()).to.equal(0);
    expect(await auditor.getByRole('link', { name: 'New campaign' }).count()).to.equal(0);

    const starter = await signedIn({ token: await service.token('starter', ['campaigns:read', 'campaigns:execute']) });
    await openCampaign(starter, id);
    expect(await starter.locator('.actions button, .actions a').allTextContents()).to.deep.equal([
      'Start',
      'Pause',
      'Resume',
    ]);
    await Promise.all([auditor.close(), starter.close()]);
  });

  it('opens the New and Modify forms only for a token with campaigns:write, whatever else it holds and however they are reached', async () => {
    const id = await service.createCampaign({ name: 'Modified only with the scope' });
    await fc.assert(
      fc.asyncProperty(fc.subarray([...ALL_SCOPES]), async (scopes) => {
        const page = await signedInOnClock(await service.token('scoped', scopes));
        for (const hash of ['#/new', `#/campaigns/${id}/edit`]) {
          await page.evaluate((hash) => (location.hash = hash), hash);
          // A modification reads the campaign first: without campaigns:read that read is refused and shown as an error.
          await page.locator('main form, main .notice, main .error').first().waitFor();
          const shown = {
            form: (await page.getByLabel('Name', { exact: true }).count()) === 1,
            refusal: (await page.locator('main .notice', { hasText: 'lacks the campaigns:write scope' }).count()) === 1,
          };
          const writes = scopes.includes('campaigns:write');
          const reads = hash === '#/new' || scopes.includes('campaigns:read');
          expect(shown, `${hash} with ${scopes.join(' ') || 'no scope'}`).to.deep.equal({
            form: writes && reads,
            refusal: !writes,
          });
        }
        await page.close();
      }),
      propertyParameters(SCOPE_SET_RUNS),
    );
  });

  it('asks no more after a refusal the service would give again, and keeps asking after an answer that says to come back', async () => {
    const page = await signedInOnClock();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 400, max: 599 }).filter((status) => status !== 401),
        async (status) => {
          const search = `refused-${status}-${run++}`;
          let reads = 0;
          const refused = (url: URL) =>
            url.pathname.endsWith('/api/v1/campaigns') && url.searchParams.get('search') === search;
          await page.route(refused, (route) => {
            reads++;
            return route.fulfill({
              status,
              contentType: 'application/json',
              body: JSON.stringify({ code: 'REFUSED', message: `refused with ${status}`, requestId: search }),
            });
          });
          await page.evaluate((search) => (location.hash = `#/?search=${search}`), search);
          await page.locator('main .error', { hasText: `refused with ${status}` }).waitFor();
          for (let poll = 0; poll < 3; poll++) {
            await page.clock.fastForward(REFRESH_MS + 100);
            await page.waitForTimeout(100);
          }
          await page.unroute(refused);
          const givenAgain = status < 500 && ![408, 425, 429].includes(status);
          expect({ status, askedAgain: reads > 1 }).to.deep.equal({ status, askedAgain: !givenAgain });
        },
      ),
      propertyParameters(REFUSAL_RUNS),
    );
    await page.close();
  });

  it('stops reading the list for a token without campaigns:read, and a campaign no one has, after the first refusal', async () => {
    const missing = '9000000000000000001';
    const pages = [
      {
        page: await signedInOnClock(await service.token('no reader', ['campaigns:execute'])),
        hash: '#/?search=unread',
      },
      { page: await signedInOnClock(), hash: `#/campaigns/${missing}` },
    ];
    const asked: string[] = [];
    for (const { page, hash } of pages) {
      page.on('request', (request) => {
        if (request.url().includes('/api/v1/')) asked.push(new URL(request.url()).pathname);
      });
      await page.evaluate((hash) => (location.hash = hash), hash);
    }
    await pages[0]!.page.locator('main .error', { hasText: 'Could not load campaigns' }).waitFor();
    const gone = pages[1]!.page.locator('main .notice', {
      hasText: 'No campaign has this id: it was deleted, or never made.',
    });
    await gone.waitFor();
    for (let poll = 0; poll < 3; poll++) {
      await pages[0]!.page.clock.fastForward(REFRESH_MS + 100);
      await pages[0]!.page.waitForTimeout(100);
    }
    const count = (path: string) => asked.filter((p) => p.endsWith(path)).length;
    expect({
      list: count('/api/v1/campaigns'),
      campaign: count(`/campaigns/${missing}`),
      history: count(`/campaigns/${missing}/events`),
    }).to.deep.equal({ list: 1, campaign: 1, history: 1 });
    await Promise.all(pages.map(({ page }) => page.close()));
  });

  it('looks for what is typed in the search once typing pauses, not at every keystroke, and at once on Enter', async () => {
    const mark = `Typed-${Date.now()}`;
    const id = await service.createCampaign({ name: `${mark} found` });
    const page = await signedInOnClock();
    const searched: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/api/v1/campaigns')) searched.push(url.searchParams.get('search') ?? '');
    });
    const search = page.getByLabel('Search by name or id');
    // Keystrokes far apart enough for the page to read after each, were it to.
    await search.pressSequentially(mark, { delay: 60 });
    await rowOf(page, id).waitFor();
    const partial = searched.filter((text) => text !== '' && text !== mark);
    expect(partial, 'read for what was half typed').to.have.length.below(3);

    // The page's clock stopped short of the pause: only Enter can have the search read.
    await page.clock.pauseAt(Date.now() + 1000);
    await search.fill(id);
    await search.press('Enter');
    await page.clock.runFor(SEARCH_PAUSE_MS / 3);
    await rowOf(page, id).waitFor();
    expect(searched.at(-1)).to.equal(id);
    await page.clock.resume();
    await page.close();
  });

  it('offers the controls of the scopes in scope and scp together, each a string or an array of strings', async () => {
    const id = await service.createCampaign({ name: 'Scopes in every form' });
    const executor = ['Start', 'Pause', 'Resume'];
    const cases: Array<{ claims: Record<string, unknown>; controls: string[]; newCampaign?: boolean }> = [
      { claims: { scope: 'campaigns:read', scp: ['campaigns:execute'] }, controls: executor },
      { claims: { scp: 'campaigns:read campaigns:execute' }, controls: executor },
      { claims: { scope: ['campaigns:read', 'campaigns:terminate'] }, controls: ['Terminate'] },
      { claims: { scp: ['campaigns:read', 'campaigns:write'] }, controls: ['Delete', 'Modify'], newCampaign: true },
      { claims: { scope: ['campaigns:read', 'campaigns:execute', 7], scp: 'campaigns:read' }, controls: [] },
      { claims: { scope: 'campaigns:read', scp: { all: true } }, controls: [] },
      { claims: { sub: 'no scope claim' }, controls: [] },
    ];
    for (const { claims, controls, newCampaign = false } of cases) {
      const token = tokenWithPayload(JSON.stringify({ sub: 'scoped', exp: nowSeconds() + 600, ...claims }));
      const page = await signedIn({ token });
      await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
      // Without campaigns:read the campaign is refused (403) and shown as an error.
      await page.locator('h1.campaign-title, main .error').first().waitFor();
      const shown = {
        controls: await page.locator('.actions button, .actions a').allTextContents(),
        newCampaign: false,
      };
      shown.newCampaign = (await page.getByRole('link', { name: 'New campaign' }).count()) === 1;
      expect(shown, JSON.stringify(claims)).to.deep.equal({ controls, newCampaign });
      await page.close();
    }
  });

  it('reads a token’s scopes as the service does, whatever form its scope and scp claims take', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    const scopesInConsole = (token: string) =>
      page.evaluate(async (token) => {
        const claims = await import(new URL('token-claims.js', location.href).href);
        return [...claims.scopesOf(claims.claimsOf(token))].sort();
      }, token);
    await fc.assert(
      fc.asyncProperty(scopeClaims, async (claims) => {
        const payload = JSON.parse(JSON.stringify({ sub: 'generated', exp: nowSeconds() + 600, ...claims }));
        const granted = [...principalOf(payload).scopes].sort();
        expect(await scopesInConsole(tokenWithPayload(JSON.stringify(payload)))).to.deep.equal(granted);
      }),
      propertyParameters(SCOPE_CLAIM_RUNS),
    );
    await page.close();
  });

  it('labels every control and is usable from the keyboard', async () => {
    const id = await service.createCampaign({ name: 'Keyboard sale' });
    const page = await signedIn();
    const unlabelled = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea, button, a')]
          .filter((element) => {
            if (element.tagName === 'BUTTON' || element.tagName === 'A')
              return (element.textContent ?? '').trim() === '';
            return ((element as HTMLInputElement).labels?.length ?? 0) === 0 && !element.getAttribute('aria-label');
          })
          .map((element) => element.outerHTML),
      );
    expect(await unlabelled()).to.deep.equal([]);

    await page.getByLabel('Search by name or id').focus();
    await page.keyboard.type('Keyboard sale');
    const link = rowOf(page, id).getByRole('link', { name: 'Keyboard sale' });
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('h1.campaign-title', { hasText: 'Keyboard sale' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await unlabelled()).to.deep.equal([]);

    await page.evaluate(() => (location.hash = '#/new'));
    await page.getByLabel('Name', { exact: true }).waitFor();
    expect(await unlabelled()).to.deep.equal([]);
    await page.close();
  });

  it('names the page it shows in the title, starts sign-in at the token field, and says a new page of the history', async () => {
    const id = await service.createCampaign({ name: 'Titled sale' });
    for (const verb of ['start', 'pause', 'resume']) await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
    const page = await browser.newPage();
    const titled = (title: string) =>
      page.waitForFunction((title) => document.title === `${title} · Campaign console`, title, { timeout: 5000 });
    await page.goto(consoleUrl());
    await titled('Sign in');
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('token');
    await page.keyboard.type(token);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await titled('Campaigns');
    await openCampaign(page, id);
    await titled('Titled sale');
    const historyPages = page.locator('section[aria-labelledby="history-heading"] .pager [aria-live="polite"]');
    await historyPages.waitFor();
    expect(await historyPages.textContent()).to.equal('1–3 of 3');
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}/edit`);
    await titled('Modify Titled sale');
    await page.evaluate(() => (location.hash = '#/new'));
    await titled('New campaign');
    await page.close();
  });

  it('points every aria-describedby at text that is there: the help, and the error with it', async () => {
    const page = await signedIn();
    await page.evaluate(() => (location.hash = '#/new'));
    await page.getByLabel('Name', { exact: true }).waitFor();
    /** Each input's aria-describedby, with the ids in it that name no element. */
    const descriptions = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('main [aria-describedby]')].map((element) => {
          const ids = element.getAttribute('aria-describedby')!.split(' ');
          return { id: element.id, ids, missing: ids.filter((id) => document.getElementById(id) === null) };
        }),
      );
    const before = await descriptions();
    expect(before.map((input) => input.id)).to.include.members(['field-start', 'field-end', 'field-zone']);
    for (const input of before) expect(input.missing, input.id).to.deep.equal([]);

    await page.getByLabel('Name', { exact: true }).fill('Described');
    await page.getByLabel('Start', { exact: true }).fill(inDays(5));
    await page.getByLabel('End', { exact: true }).fill(inDays(1));
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.locator('#error-end').waitFor();
    const after = await descriptions();
    for (const input of after) expect(input.missing, input.id).to.deep.equal([]);
    expect(after.find((input) => input.id === 'field-end')?.ids).to.deep.equal(['error-end', 'help-end']);
    await page.close();
  });

  it('moves the focus to the heading of each page it opens, and leaves it where the operator put it while it reads', async () => {
    const id = await service.createCampaign({ name: 'Focus goes here' });
    const page = await signedIn();
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element === null ? 'nothing' : `${element.tagName}: ${element.textContent?.trim()}`;
      });
    const headingFocused = (text: string) =>
      page.waitForFunction(
        (text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent?.includes(text),
        text,
        { timeout: 5000 },
      );
    expect(await focused()).to.equal('H1: Campaigns');

    await page.getByLabel('Search by name or id').focus();
    await page.keyboard.type(id);
    await page.waitForTimeout(2500);
    expect(await focused(), 'after the list was read again').to.equal('INPUT: ');
    await rowOf(page, id).getByRole('link').focus();
    await page.keyboard.press('Enter');
    await headingFocused('Focus goes here');
    await page.getByRole('link', { name: 'Modify', exact: true }).focus();
    await page.waitForTimeout(2500);
    expect(await focused(), 'after the campaign was read again').to.equal('A: Modify');

    await page.keyboard.press('Enter');
    await headingFocused('Modify');
    await page.getByLabel('Name', { exact: true }).fill('Focus came back here');
    await page.getByLabel('Name', { exact: true }).press('Enter');
    await headingFocused('Focus came back here');

    await page.getByRole('link', { name: '← All campaigns' }).focus();
    await page.keyboard.press('Enter');
    await headingFocused('Campaigns');
    await page.close();
  });

  it('keeps the focus on the action pressed, brings it back from a confirmation, and gives it to the outcome when the action is gone', async () => {
    const id = await service.createCampaign({ name: 'Keyboard lifecycle' });
    const page = await signedIn();
    await openCampaign(page, id);
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement;
        return element === null ? 'nothing' : `${element.tagName}: ${element.textContent?.trim()}`;
      });
    const said = (role: 'status' | 'alert', text: string) =>
      page.locator(`.actions [role="${role}"]`, { hasText: text }).waitFor();
    expect(await page.locator('.actions [role="status"], .actions [role="alert"]').allTextContents()).to.deep.equal([
      '',
      '',
    ]);

    await page.getByRole('button', { name: 'Start', exact: true }).focus();
    await page.keyboard.press('Enter');
    await statusBadge(page, 'running').waitFor();
    await said('status', 'Started.');
    expect(await focused()).to.equal('BUTTON: Start');
    await page.keyboard.press('Enter');
    await said('alert', '409 CAMPAIGN_NOT_STARTABLE');
    expect(await focused()).to.equal('BUTTON: Start');

    await page.getByRole('button', { name: 'Terminate', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog').waitFor();
    await page.keyboard.press('Escape');
    expect(await focused(), 'after the confirmation was cancelled').to.equal('BUTTON: Terminate');
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog').waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).to.equal('BUTTON: Yes, terminate');
    await page.keyboard.press('Enter');
    await statusBadge(page, 'terminated').waitFor();
    await said('status', 'Terminated.');
    expect(await focused(), 'after the confirmed action').to.equal('BUTTON: Terminate');

    await page.getByRole('button', { name: 'Restart', exact: true }).focus();
    await page.keyboard.press('Enter');
    await statusBadge(page, 'scheduled').waitFor();
    await said('status', 'Restarted');
    await page.waitForFunction(() => document.activeElement?.classList.contains('outcome'), null, { timeout: 5000 });
    await page.close();
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    const id = await service.createCampaign({ name: 'A campaign with a rather long name for a small phone screen' });
    const page = await signedIn({ viewport: { width: 390, height: 844 } });
    await rowOf(page, id).waitFor();
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).to.equal(0);
    await openCampaign(page, id);
    await page.locator('section[aria-labelledby="history-heading"]').waitFor();
    expect(await overflow()).to.equal(0);
    await page.close();
  });

  it('wraps names, ids and subjects of any length without sideways scrolling, from 1280 px down to 320 px', async () => {
    const longest = (letter: string) => letter.repeat(255);
    const author = await service.token(longest('w'));
    const created = await service.request('POST', '/api/v1/campaigns', {
      token: author,
      body: {
        name: longest('N'),
        description: longest('D'),
        zone: '(GMT+14:00) Line Islands',
        startAt: inDays(1),
        campaignSegments: [{ segment: { id: 51, name: longest('S') } }],
      },
    });
    const id = created.body.id as string;
    await service.request('POST', `/api/v1/campaigns/${id}/start`, { token: author });
    const sideways = (page: Page) =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const width of [1280, 390, 320]) {
      const page = await signedIn({ token: author, viewport: { width, height: 800 } });
      await page.getByLabel('Search by name or id').fill(id);
      await rowOf(page, id).waitFor();
      expect(await sideways(page), `the list at ${width} px`).to.equal(0);
      await openCampaign(page, id);
      await page.locator('table.events tr', { hasText: 'CampaignStarted' }).waitFor();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('alertdialog').waitFor();
      expect(await sideways(page), `the campaign at ${width} px`).to.equal(0);
      await page.close();
    }
  });

  it('opens signed in from the link the service prints at startup in development mode', async () => {
    const database = await SQLITE.create();
    const started = await ServiceProcess.start({ ...database.env, AUTH_JWT_SECRET: '', NODE_ENV: 'development' });
    try {
      const printedLink = () => /(http:\/\/\S+\/console\/#token=\S+)/.exec(started.output.join(''))?.[1];
      await eventually('the console link is printed', () => printedLink() !== undefined);
      const link = printedLink()!;
      expect(link.startsWith(`${started.url}/console/#token=`)).to.equal(true);
      const page = await browser.newPage();
      await page.goto(link);
      await page.getByText('Signed in as').locator('strong', { hasText: 'developer' }).waitFor();
      await page.getByRole('heading', { name: 'Campaigns', level: 1, exact: true }).waitFor();
      expect(page.url()).to.equal(`${started.url}/console/#/`);
      await page.close();
    } finally {
      await started.stop();
      await database.drop();
    }
  });

  /** Each action, the status a campaign is brought to (by these verbs) for it, and the event it records once done. */
  const EVERY_ACTION = [
    { label: 'Start', path: 'start', verbs: [], event: 'CampaignStarted', done: 'Started.' },
    { label: 'Pause', path: 'pause', verbs: ['start'], event: 'CampaignPaused', done: 'Paused.' },
    { label: 'Resume', path: 'resume', verbs: ['start', 'pause'], event: 'CampaignResumed', done: 'Resumed.' },
    { label: 'Terminate', path: 'terminate', verbs: ['start'], event: 'CampaignTerminated', done: 'Terminated.' },
    { label: 'Restart', path: 'modify', verbs: ['start', 'terminate'], event: 'CampaignRestarted', done: 'Restarted' },
    { label: 'Delete', path: 'delete', verbs: [], event: 'CampaignDeleted', done: 'Deleted' },
  ] as const;

  /** A campaign brought by `verbs` to the status an action is offered in. */
  async function campaignFor(action: (typeof EVERY_ACTION)[number]): Promise<string> {
    const id = await service.createCampaign({ name: `Ready to ${action.label.toLowerCase()}` });
    for (const verb of action.verbs) await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
    return id;
  }

  /** Clicks the action's button, and says yes when it asks first. */
  async function press(page: Page, label: string) {
    await page.getByRole('button', { name: label, exact: true }).click();
    if (label === 'Terminate' || label === 'Delete')
      await page.getByRole('button', { name: `Yes, ${label.toLowerCase()}` }).click();
  }

  const isCampaignRead = (id: string) => (url: URL) => url.pathname.endsWith(`/api/v1/campaigns/${id}`);

  it('sends every action with If-Match of the version shown, and after a 412 shows the campaign as it is, so the next try is made', async () => {
    for (const action of EVERY_ACTION) {
      const id = await campaignFor(action);
      const read = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
      const version = read.version as number;
      // The page read the campaign one version ago: someone changed it since.
      let stale = true;
      const page = await browser.newPage();
      await page.route(isCampaignRead(id), (route) =>
        stale ? route.fulfill({ json: { ...read, version: version - 1 } }) : route.fallback(),
      );
      await page.goto(`${consoleUrl()}#token=${token}`);
      await openCampaign(page, id);
      await page.locator('[data-field="version"] dd', { hasText: new RegExp(`^${version - 1}$`) }).waitFor();
      const sent: Array<{ ifMatch: string | undefined; status: number }> = [];
      page.on('response', (answer) => {
        if (answer.request().method() === 'POST' && answer.url().includes(`/${id}/${action.path}`))
          sent.push({ ifMatch: answer.request().headers()['if-match'], status: answer.status() });
      });

      await press(page, action.label);
      await page.locator('.actions [role="alert"]', { hasText: 'the campaign changed' }).waitFor();
      stale = false;
      await page.locator('[data-field="version"] dd', { hasText: new RegExp(`^${version}$`) }).waitFor();
      await press(page, action.label);
      if (action.label === 'Delete') await page.getByRole('status').filter({ hasText: 'Deleted' }).waitFor();
      else await page.locator('.actions [role="status"]', { hasText: action.done }).waitFor();
      expect(sent, action.label).to.deep.equal([
        { ifMatch: `"${version - 1}"`, status: 412 },
        { ifMatch: `"${version}"`, status: 200 },
      ]);
      await page.close();
    }
  });

  it('keeps the Idempotency-Key and If-Match of any action whose answer came from a gateway, so a retry does it once', async () => {
    for (const [i, action] of EVERY_ACTION.entries()) {
      const id = await campaignFor(action);
      const page = await signedIn();
      await openCampaign(page, id);
      // The page goes on showing the campaign as it was: its reads fail from now on.
      await page.route(isCampaignRead(id), (route) => route.abort());
      const gateway = GATEWAY_ANSWERS[i % GATEWAY_ANSWERS.length]!;
      const sent: Array<{ key: string | undefined; ifMatch: string | undefined; status: number }> = [];
      await page.route(
        (url) => url.pathname.endsWith(`/${id}/${action.path}`),
        async (route) => {
          const answer = await route.fetch();
          const headers = route.request().headers();
          sent.push({ key: headers['idempotency-key'], ifMatch: headers['if-match'], status: answer.status() });
          return sent.length === 1 ? route.fulfill(gateway) : route.fulfill({ response: answer });
        },
      );

      await press(page, action.label);
      const said = page.locator('.actions [role="alert"]', { hasText: 'it may or may not have been made' });
      await said.waitFor();
      expect(await said.textContent(), action.label).to.not.include('refused');
      await press(page, action.label);
      if (action.label === 'Delete') await page.getByRole('status').filter({ hasText: 'Deleted' }).waitFor();
      else await page.locator('.actions [role="status"]', { hasText: action.done }).waitFor();
      expect(sent, action.label).to.have.length(2);
      expect(sent[1], action.label).to.deep.equal({ ...sent[0], status: 200 });
      expect(sent[0]!.ifMatch, action.label).to.match(/^"\d+"$/);
      const events = (await service.outboxRows()).filter(
        (row) => row.aggregate_id === id && row.event_type === action.event,
      );
      expect(events, action.label).to.have.length(1);
      await page.close();
    }
  });

  it('keeps the inputs changed over another client’s change to the same field, shows theirs in the rest, and saves on the version it is at now', async () => {
    const id = await service.createCampaign({ name: 'Read by the form', description: 'As read' });
    const page = await onEditForm(id, 'field-name', 'Read by the form');
    const ifMatches = modifyIfMatches(page, id);
    await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
      body: { name: 'Theirs', description: 'Theirs too' },
    });
    const version = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.version as number;
    await page.getByLabel('Name', { exact: true }).fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone else changed this campaign' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).to.equal('Mine');
    expect(await page.getByLabel('Description').inputValue()).to.equal('Theirs too');

    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('h1.campaign-title', { hasText: 'Mine' }).waitFor();
    expect(ifMatches).to.deep.equal([`"${version - 1}"`, `"${version}"`]);
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body).to.include({
      name: 'Mine',
      description: 'Theirs too',
    });
    await page.close();
  });

  /** The If-Match of the modifies of the campaign that the page sends from now on. */
  function modifyIfMatches(page: Page, id: string): Array<string | undefined> {
    const sent: Array<string | undefined> = [];
    page.on('request', (request) => {
      if (request.url().includes(`/${id}/modify`)) sent.push(request.headers()['if-match']);
    });
    return sent;
  }

  it('shows a campaign the form could not read, with a way to try again, and no form to save on nothing', async () => {
    const id = await service.createCampaign({ name: 'Read on the second try' });
    const page = await signedIn();
    const failures = [
      (route: Route) =>
        route.fulfill({ status: 500, json: { code: 'INTERNAL', message: 'Internal error', requestId: 'r-1' } }),
      (route: Route) => route.fulfill(GATEWAY_ANSWERS[0]!),
      (route: Route) => route.abort(),
    ];
    for (const [i, fail] of failures.entries()) {
      await page.route(isCampaignRead(id), fail, { times: 1 });
      if (i === 0) await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}/edit`);
      else await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('alert').filter({ hasText: 'Could not load the campaign' }).waitFor();
      expect(await page.locator('main input, main textarea, main select').count(), `failure ${i}`).to.equal(0);
      expect(await page.getByRole('button', { name: 'Save changes' }).count(), `failure ${i}`).to.equal(0);
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForFunction(
      () => (document.getElementById('field-name') as HTMLInputElement | null)?.value === 'Read on the second try',
    );
    expect(await page.getByRole('alert').count()).to.equal(0);
    await page.close();
  });

  it('offers no field before the campaign is read, so nothing typed is overwritten by what it reads', async () => {
    const id = await service.createCampaign({ name: 'Read slowly' });
    const page = await signedIn();
    await page.route(isCampaignRead(id), async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.fallback();
    });
    await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}/edit`);
    await page.getByText('Loading…').waitFor();
    expect(await page.locator('main input, main textarea, main select').count()).to.equal(0);
    const name = page.getByLabel('Name', { exact: true });
    await name.waitFor();
    expect(await name.inputValue()).to.equal('Read slowly');
    await name.fill('Typed once it was read');
    await page.waitForTimeout(500);
    expect(await name.inputValue()).to.equal('Typed once it was read');
    await page.close();
  });

  it('keeps the start, end, zone and status set in the form when its dates switch between ISO-8601 and Volt MX', async () => {
    const id = await service.createCampaign({ name: 'Switching styles', zone: '(GMT-05:00) New York' });
    const page = await onEditForm(id, 'field-zone', '(GMT-05:00) New York');
    const field = (label: string) => page.getByLabel(label, { exact: true });
    await field('Start').fill('2031-05-05T10:00:00Z');
    await field('End').fill('2031-06-05T10:00:00Z');
    await field('Zone').fill('(GMT+04:30) Kabul');
    await page.getByLabel('Status').selectOption('draft');
    const shown = async () => ({
      start: await field('Start').inputValue(),
      end: await field('End').inputValue(),
      zone: await field('Zone').inputValue(),
      status: await page.getByLabel('Status').inputValue(),
    });

    await page.getByLabel('Volt MX date strings and zone').check();
    expect(await shown()).to.deep.equal({
      start: '05/05/2031 02:30:00 PM',
      end: '06/05/2031 02:30:00 PM',
      zone: '(GMT+04:30) Kabul',
      status: 'draft',
    });
    await page.getByLabel('ISO-8601').check();
    expect(await shown()).to.deep.equal({
      start: '2031-05-05T10:00:00.000Z',
      end: '2031-06-05T10:00:00.000Z',
      zone: '(GMT+04:30) Kabul',
      status: 'draft',
    });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await statusBadge(page, 'draft').waitFor();
    const stored = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
    expect(stored).to.include({ startAt: '2031-05-05T10:00:00.000Z', zone: '(GMT+04:30) Kabul', status: 'draft' });
    await page.close();
  });

  it('writes a date typed in one style in the other as the service reads it, whatever the date and zone', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        async (date, offset) => {
          const instant = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
          const zone = offset === 0 ? '(GMT) UTC' : `(GMT${offset < 0 ? '-' : '+'}${hhmm}) Somewhere`;
          const written = await page.evaluate(
            async ({ iso, zone }) => {
              const { inDateStyle } = await import(new URL('date-styles.js', location.href).href);
              const volt: string = inDateStyle(iso, 'iso', 'voltmx', zone);
              return { volt, back: inDateStyle(volt, 'voltmx', 'iso', zone) as string };
            },
            { iso: instant.toISOString(), zone },
          );
          expect(written.volt, zone).to.equal(formatVoltMxDate(instant, offset));
          expect(parseVoltMxDate(written.volt, offset)?.toISOString()).to.equal(instant.toISOString());
          expect(written.back).to.equal(instant.toISOString());
        },
      ),
      propertyParameters(DATE_STYLE_RUNS),
    );
    await page.close();
  });

  describe('when an answer does not come', () => {
    /** Holds every request of the API and of /health/ready unanswered while `on`; passes them on after. */
    async function silence(page: Page) {
      const held: string[] = [];
      const silent = { on: true, held };
      await page.route(
        (url) => url.pathname.includes('/api/v1/') || url.pathname === '/health/ready',
        (route) => {
          if (!silent.on) return route.fallback();
          held.push(new URL(route.request().url()).pathname);
        },
      );
      return silent;
    }

    it('gives up a read that gets no answer within 15 s, says so in the list and the health strip, and reads again', async () => {
      const page = await signedInOnClock();
      await page.locator('section.health [data-health="status"]', { hasText: 'ready' }).waitFor();
      const silent = await silence(page);
      await page.clock.fastForward(5_000);
      await eventually('a list read and a readiness read are held', () =>
        ['/api/v1/campaigns', '/health/ready'].every((path) => silent.held.includes(path)),
      );
      await page.clock.fastForward(15_000);
      await page.locator('main .error', { hasText: 'Could not load campaigns: no answer came within 15 s' }).waitFor();
      await page.locator('section.health', { hasText: 'Service unreachable' }).waitFor();
      expect(await page.locator('section.health').textContent()).to.not.match(/Service\s*ready/);

      silent.on = false;
      const id = await service.createCampaign({ name: 'Made once the service answered again' });
      await page.clock.fastForward(5_000);
      await rowOf(page, id).waitFor({ timeout: 5000 });
      await page.locator('section.health [data-health="status"]', { hasText: 'ready' }).waitFor({ timeout: 5000 });
      expect(await page.locator('main .error').count()).to.equal(0);
      await page.close();
    });

    it('shows an action whose answer did not come in time as maybe made, and takes clicks again', async () => {
      const id = await service.createCampaign({ name: 'Paused into silence' });
      await service.request('POST', `/api/v1/campaigns/${id}/start`);
      const page = await signedInOnClock();
      await openCampaign(page, id);
      await statusBadge(page, 'running').waitFor();
      const silent = await silence(page);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await eventually('the pause is held', () => silent.held.some((path) => path.endsWith(`/${id}/pause`)));
      await page.clock.fastForward(15_000);
      const said = page.locator('.actions [role="alert"]', { hasText: 'it may or may not have been made' });
      await said.waitFor();
      expect(await said.textContent())
        .to.include('no answer came within 15 s')
        .and.not.include('refused');
      expect(await page.locator('.actions button[aria-disabled="true"]').count()).to.equal(0);
      expect(await page.locator('.actions .buttons').textContent()).to.not.include('…');

      silent.on = false;
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await statusBadge(page, 'paused').waitFor({ timeout: 5000 });
      await page.locator('.actions [role="status"]', { hasText: 'Paused.' }).waitFor();
      await page.close();
    });
  });

  /** Answers a gateway in front of the service gives of its own: none is the service's `{code, message, requestId}`. */
  const GATEWAY_ANSWERS = [
    { status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
    { status: 504, contentType: 'text/html', body: '<h1>504 Gateway Time-out</h1>' },
    { status: 503, contentType: 'application/json', body: '{"message":"no healthy upstream"}' },
    { status: 500, contentType: 'application/json', body: '{"code":"UPSTREAM","message":"upstream reset"}' },
    { status: 500, contentType: 'text/plain', body: '' },
  ];

  it('keeps the Idempotency-Key of a create whose answer came from a gateway, so a retry makes one campaign', async () => {
    const page = await signedIn();
    for (const [i, gateway] of GATEWAY_ANSWERS.entries()) {
      const name = `Created behind a gateway ${Date.now()} ${i}`;
      const keys: Array<string | undefined> = [];
      await page.route('**/api/v1/campaigns', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        keys.push(route.request().headers()['idempotency-key']);
        const answer = await route.fetch();
        return keys.length === 1 ? route.fulfill(gateway) : route.fulfill({ response: answer });
      });
      await page.evaluate(() => (location.hash = '#/new'));
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Create campaign' }).click();
      const said = page.getByRole('alert').filter({ hasText: 'it may or may not have been made' });
      await said.waitFor();
      expect(await said.textContent(), JSON.stringify(gateway)).to.not.include('Refused');
      await page.getByRole('button', { name: 'Create campaign' }).click();
      await page.locator('h1.campaign-title', { hasText: name }).waitFor();
      await page.unroute('**/api/v1/campaigns');
      expect(keys, JSON.stringify(gateway)).to.have.length(2);
      expect(keys[1]).to.be.a('string').and.equal(keys[0]);
      const listed = await service.request('GET', `/api/v1/campaigns?search=${encodeURIComponent(name)}`);
      expect(listed.body.total, JSON.stringify(gateway)).to.equal(1);
    }
    await page.close();
  });

  describe('under BASE_PATH', () => {
    let mounted: TestService;
    before(async () => {
      mounted = await TestService.start(SQLITE, { env: { BASE_PATH: '/vpns' } });
    });
    after(() => mounted?.stop());

    it('is served at BASE_PATH/console/ and calls the API under BASE_PATH', async () => {
      const id = await mounted.createCampaign({ name: 'Mounted sale' });
      const page = await browser.newPage();
      const apiCalls: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/v1/')) apiCalls.push(new URL(request.url()).pathname);
      });
      await page.goto(`${mounted.url}/vpns/console`);
      expect(new URL(page.url()).pathname).to.equal('/vpns/console/');
      await page.getByLabel('Bearer token').fill(await mounted.token('operator'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await rowOf(page, id).waitFor();
      expect(apiCalls).to.not.be.empty;
      for (const path of apiCalls) expect(path.startsWith('/vpns/api/v1/')).to.equal(true);
      await page.close();
    });
  });
});
