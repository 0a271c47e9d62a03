/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core (no downloaded
 * browser build; .ci/run installs the package). Fails, never skips, when chromium is missing.
 * A screenshot is left in test-artifacts/ for people to look at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/runReport.js';
import { reportHtml } from '../../src/report/reportHtml.js';
import { REPO_ROOT } from '../support/startBot.js';
import { finishedRun } from '../report/reportFixture.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTEFACTS = join(REPO_ROOT, 'test-artifacts');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the HTML report in a browser', () => {
  let browser: Browser;
  let file: string;
  let audit: AuditRecord[];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`).toBe(true);
    const run = finishedRun();
    // Enough rows that filtering and sorting have something to do.
    audit = [...run.audit];
    for (let i = 0; i < 40; i += 1)
      audit.push({
        id: audit.length + 1,
        at: run.report.createdAt + i * 60_000,
        actor: i % 2 ? 'U0BOB' : 'U0CAROL',
        action: 'denied',
        target: `s0.i${i}`,
        detail: { attempted: 'item.tick', code: 'blocked' },
      });
    mkdirSync(ARTEFACTS, { recursive: true });
    file = join(ARTEFACTS, 'run-report.html');
    writeFileSync(file, reportHtml(run.report, audit));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders without console errors, filters and sorts the audit table, and leaves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href);

    const rows = page.locator('#audit tbody tr');
    const visible = page.locator('#audit tbody tr:not([hidden])');
    expect(await rows.count()).toBe(audit.length);
    expect(await page.locator('.timeline svg [data-kind="actual"]').count()).toBe(2);

    await page.fill('#filter', 'item.tick');
    const ticks = audit.filter((a) => JSON.stringify(a).includes('item.tick')).length;
    expect(await visible.count()).toBe(ticks);
    expect(await page.textContent('#shown')).toBe(String(ticks));
    await page.fill('#filter', 'U0BOB');
    expect(await visible.count()).toBe(audit.filter((a) => a.actor === 'U0BOB').length);
    await page.fill('#filter', '');
    expect(await visible.count()).toBe(audit.length);

    // Sort by actor, then back the other way.
    await page.click('#audit thead th:nth-child(3)');
    const actors = await page.locator('#audit tbody tr td:nth-child(3)').allTextContents();
    expect(actors).toEqual([...actors].sort((a, b) => a.localeCompare(b)));
    await page.click('#audit thead th:nth-child(3)');
    expect(await page.getAttribute('#audit thead th:nth-child(3)', 'aria-sort')).toBe('descending');

    const shot = await page.screenshot({ path: join(ARTEFACTS, 'run-report.png'), fullPage: true });
    expect(shot.length).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#filter')).toBe(false);
    expect(problems).toEqual([]);
  }, 60_000);
});
