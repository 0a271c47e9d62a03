import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/sharedSamples.js';
import { ackText, harnessPerTest, startRun } from './checklistHarness.js';

const open = harnessPerTest();
const PEOPLE_DIR = path.join(repoRoot, 'test/fixtures/people');

/** The bot's clock reads 2026-12-02 15:30 UTC at the start of the test (the rota's evening shift) and runs on from there. */
function evening(): { now: () => number } {
  const offset = Date.parse('2026-12-02T15:30:00Z') - Date.now();
  return { now: () => Date.now() + offset };
}

describe('/deploy contacts', () => {
  it('lists the checklist’s contacts with mentions for e-mails Slack knows, names as text for the rest, who is on shift, and the escalation path', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: evening() });
    h.fake.addUserWithEmail('U0MARTA', 'Marta@Ledger.test');
    h.fake.addUserWithEmail('U0PLAT', 'plat-lead@ledger.test');
    await startRun(h, 'people-day');

    const text = ackText(await h.bot.slack.command('contacts'));
    expect(text).toContain('*Release owner*: Marta Kowalczyk (<@U0MARTA>) · marta@ledger.test · +44 20 7946 0011');
    // Not in the workspace: shown by name, never dropped.
    expect(text).toContain('*Primary on-call*: Idris Mensah · idris@ledger.test · +1 415 555 0142');
    expect(text).toContain('*Finance liaison*: Olu Adeyemi');
    expect(text).toContain('*On shift now* (by the checklist’s rota, in your time)\n• Evening: Zoë Lindqvist, <!date^');
    expect(text).toContain('• Dec 1-3 · Morning 6AM-2PM: Idris Mensah');
    expect(text).toContain(
      '*Escalation path*\n1. First line: Support engineer on shift\n2. Second line: Platform lead (<@U0PLAT>)\n3. Third line: Head of platform',
    );
    expect(text).not.toContain('shown as text');
    expect(text).toContain('_No member of this Slack workspace has these e-mails, so their people are shown by name: ');
    expect(text).toContain('idris@ledger.test');
    const asked = h.fake.callsTo('users.lookupByEmail').map((c) => c.args['email']);
    expect(asked).toContain('idris@ledger.test');
    expect(
      h.fake
        .callsTo('users.lookupByEmail')
        .filter((c) => c.ok)
        .map((c) => c.args['email'])
        .sort(),
    ).toEqual(['marta@ledger.test', 'plat-lead@ledger.test']);
  });

  it('asks Slack once per e-mail: the second listing is answered from the cache, misses included', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: evening() });
    h.fake.addUserWithEmail('U0MARTA', 'marta@ledger.test');
    await startRun(h, 'people-day');
    ackText(await h.bot.slack.command('contacts'));
    const first = h.fake.callsTo('users.lookupByEmail').length;
    expect(first).toBeGreaterThan(1);
    const again = ackText(await h.bot.slack.command('contacts'));
    expect(again).toContain('Marta Kowalczyk (<@U0MARTA>)');
    expect(h.fake.callsTo('users.lookupByEmail')).toHaveLength(first);
  });

  it('when Slack rate-limits the look-ups, shows every name as text and says when to ask again, then links them once Slack answers', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: evening() });
    h.fake.addUserWithEmail('U0MARTA', 'marta@ledger.test');
    await startRun(h, 'people-day');
    h.fake.failNext('users.lookupByEmail', 1, { status: 429, retryAfter: 1 });

    const limited = ackText(await h.bot.slack.command('contacts'));
    expect(limited).toContain('*Release owner*: Marta Kowalczyk');
    expect(limited).toContain('Idris Mensah');
    expect(limited).toContain('Slack asked deployday to slow down looking people up, so some names are shown as text; ask again in 1 s.');
    const during = h.fake.callsTo('users.lookupByEmail').length;
    // Inside Retry-After nothing more is asked.
    ackText(await h.bot.slack.command('contacts'));
    expect(h.fake.callsTo('users.lookupByEmail').length).toBe(during);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = ackText(await h.bot.slack.command('contacts'));
    expect(later).toContain('Marta Kowalczyk (<@U0MARTA>)');
    expect(later).not.toContain('slow down');
  });

  it('without the users:read.email scope, shows names as text and says which scope to add', async () => {
    const { startFakeSlack } = await import('../support/fakeSlack.js');
    const fake = await startFakeSlack({ scopes: ['commands', 'chat:write', 'chat:write.public', 'users:read'] });
    const h = await open({ fake, checklistsDir: PEOPLE_DIR, clock: evening() });
    fake.addUserWithEmail('U0MARTA', 'marta@ledger.test');
    await startRun(h, 'people-day');
    const text = ackText(await h.bot.slack.command('contacts'));
    expect(text).toContain('*Release owner*: Marta Kowalczyk · marta@ledger.test');
    expect(text).toContain('add the `users:read.email` scope');
    expect(h.fake.callsTo('users.lookupByEmail').every((c) => c.error === 'missing_scope')).toBe(true);
  });

  it('/deploy oncall shows who the checklist’s rota has on shift now beside what PagerDuty can say', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: evening() });
    await startRun(h, 'people-day');
    const text = ackText(await h.bot.slack.command('oncall'));
    expect(text).toContain('set PAGERDUTY_API_TOKEN');
    expect(text).toMatch(
      /\n\*On shift by the checklist’s rota\*\n• Evening: Zoë Lindqvist, <!date\^\d+\^\{time\}\|14:00 UTC>–<!date\^\d+\^\{time\}\|22:00 UTC>$/,
    );
  });

  it('is listed by /deploy help, and says plainly when the checklist names nobody', async () => {
    const h = await open();
    expect(ackText(await h.bot.slack.command('help'))).toContain('`/deploy contacts [#run]`');
    await startRun(h, 'small-release');
    expect(ackText(await h.bot.slack.command('contacts'))).toContain('checklist names no contacts, rota or escalation path');
    expect(h.fake.callsTo('users.lookupByEmail')).toHaveLength(0);
  });

  it('escapes what the checklist wrote: a contact cannot mention the channel or disguise a link', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'deployday-people-'));
    try {
      writeFileSync(
        path.join(dir, 'sly.md'),
        '# Sly\n\n## Work\n- [ ] Ship\n\n### Contacts\n- Owner: <!channel> Eve <https://evil.test|bank> (eve@sly.test)\n',
      );
      const h = await open({ checklistsDir: dir });
      await startRun(h, 'sly');
      const text = ackText(await h.bot.slack.command('contacts'));
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.test|bank>');
      expect(text).toContain('*Owner*: !channel Eve https //evil.test bank · eve@sly.test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
