import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A real Chromium with a profile of its own, thrown away on close. A missing browser fails the tests that need it. */
export class Browser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<Browser> {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    }
    const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
    return new Browser(context, profile);
  }

  /** A new tab: its own sessionStorage, so nobody is signed in. Page errors fail the test that reads `errors`. */
  async newPage(viewport?: { width: number; height: number }): Promise<Page & { errors: string[] }> {
    const page = (await this.context.newPage()) as Page & { errors: string[] };
    page.errors = [];
    page.on('pageerror', (error) => page.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        page.errors.push(message.text());
    });
    if (viewport) await page.setViewportSize(viewport);
    return page;
  }

  async close(): Promise<void> {
    try {
      await this.context.close();
    } finally {
      rmSync(this.profile, { recursive: true, force: true });
    }
  }
}
