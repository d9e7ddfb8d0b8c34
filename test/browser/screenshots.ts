// npm run console:screenshots: the pictures in docs/console.md, taken of a service with a few campaigns.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { Browser } from '../support/browser.js';
import { SQLITE } from '../support/databases.js';
import { inDays, TestService } from '../support/test-service.js';

const OUT = new URL('../../../docs/images/', import.meta.url);

async function seed(service: TestService): Promise<string> {
  const as = async (who: string) => ({ token: await service.token(who) });
  const verb = async (id: string, name: string, who: string) =>
    service.request('POST', `/api/v1/campaigns/${id}/${name}`, await as(who));
  const spring = await service.createCampaign({
    name: 'Spring sale',
    description: 'Push and in-app, all markets',
    zone: '(GMT+01:00) Paris',
  });
  const kabul = await service.createCampaign({
    name: 'Kabul launch',
    startAt: inDays(3),
    endAt: inDays(40),
    zone: '(GMT+04:30) Kabul',
  });
  const loyalty = await service.createCampaign({
    name: 'Loyalty points reminder',
    startAt: inDays(1),
    endAt: inDays(10),
  });
  await service.createCampaign({ name: 'Black Friday teaser', status: 'draft', startAt: null, endAt: null });
  const winter = await service.createCampaign({ name: 'Winter clearance', startAt: inDays(2), endAt: inDays(12) });
  await verb(spring, 'start', 'alice');
  await verb(spring, 'pause', 'bob');
  await verb(spring, 'resume', 'alice');
  await verb(loyalty, 'start', 'scheduler-ops');
  await verb(winter, 'start', 'carol');
  await verb(winter, 'terminate', 'carol');
  await service
    .db('outbox')
    .where('aggregate_id', spring)
    .andWhere('event_type', 'CampaignStarted')
    .update({ published_at: new Date() });
  void kabul;
  return spring;
}

async function shoot(browser: Browser, service: TestService, width: number, id: string): Promise<void> {
  const page: Page = await browser.newPage({ width, height: width > 600 ? 760 : 844 });
  await page.goto(`${service.url}/console/#token=${await service.token('operator')}`);
  await page.locator('table.campaigns').waitFor();
  await page.screenshot({ path: new URL(`console-list-${width}.png`, OUT).pathname, fullPage: true });
  await page.evaluate((hash) => (location.hash = hash), `#/campaigns/${id}`);
  await page.locator('table.events').waitFor();
  await page.screenshot({ path: new URL(`console-campaign-${width}.png`, OUT).pathname, fullPage: true });
  await page.close();
}

const service = await TestService.start(SQLITE);
const browser = await Browser.launch();
try {
  mkdirSync(OUT, { recursive: true });
  const id = await seed(service);
  for (const width of [1280, 390]) await shoot(browser, service, width, id);
} finally {
  await browser.close();
  await service.stop();
}
