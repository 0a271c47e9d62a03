import { describe, expect, it } from 'vitest';
import { fillTemplate, templatesOf } from '../../src/domain/commsTemplates.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { refusalFor } from '../../src/domain/permissions.js';
import { gatedRelease, snapshotOf } from './domainFixtures.js';

function checklistOf(text: string) {
  const result = parseChecklist(text, { name: 't', source: 't.md' });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.checklist;
}

const FACTS = {
  title: 'Ledger Upgrade',
  runId: 7,
  t0: Date.parse('2026-12-02T15:30:00Z'),
  timezone: 'America/New_York',
  status: 'in progress: 2 of 9 items done',
  link: 'https://example.slack.com/archives/C0DEPLOY/p1',
};

describe('communication templates', () => {
  const checklist = checklistOf(
    [
      '# Day',
      '## Work',
      '- [ ] Ship',
      '## Communication Templates',
      '### Go-live mail',
      '```',
      'Hello, we go live on [DATE].',
      '```',
      '### Tone guide',
      'Be brief and kind.',
      '## Status update',
      '> Now: [STATUS]',
      '> More in [URL]',
      '## Contacts',
      '```',
      'not a template: its heading says contacts',
      '```',
    ].join('\n'),
  );

  it('finds fenced and quoted messages under template headings, and nothing else', () => {
    expect(templatesOf(checklist).map((t) => [t.title, t.text])).toEqual([
      ['Go-live mail', 'Hello, we go live on [DATE].'],
      ['Status update', 'Now: [STATUS]\nMore in [URL]'],
    ]);
    const [first] = templatesOf(checklist);
    expect(checklist.reference[first!.refIndex]!.title).toBe('Go-live mail');
  });

  it('fills the placeholders the run knows in the run’s timezone, whatever their case or brackets, and leaves the others', () => {
    const text =
      '[CHECKLIST] [Run] starts [Date] at [time] ({{t-0}}). Status: {{ status }}. [URL] [END] [Customer name] [see the docs](https://d.test)';
    expect(fillTemplate(text, FACTS)).toBe(
      'Ledger Upgrade #7 starts 2026-12-02 at 10:30 EST (2026-12-02 10:30 EST). Status: in progress: 2 of 9 items done. https://example.slack.com/archives/C0DEPLOY/p1 [END] [Customer name] [see the docs](https://d.test)',
    );
    expect(fillTemplate('Follow [URL]', { ...FACTS, link: null })).toBe('Follow [URL]');
  });
});

describe('who may post an update', () => {
  it('lets anyone holding a role on the run post, and refuses everyone else naming the lead', () => {
    const snapshot = snapshotOf(gatedRelease(), { roles: { lead: ['U0LEAD'], 'qa lead': ['U0QA'] } });
    expect(refusalFor(snapshot, 'U0LEAD', { kind: 'post_update' })).toBeNull();
    expect(refusalFor(snapshot, 'U0QA', { kind: 'post_update' })).toBeNull();
    expect(refusalFor(snapshot, 'U0STRANGER', { kind: 'post_update' })).toEqual({
      code: 'no_run_role',
      params: { runId: snapshot.run.id, leads: ['U0LEAD'] },
    });
  });
});
