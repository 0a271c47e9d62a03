import { describe, it, expect } from 'vitest';
import { desiredPages } from '../../../src/domain/escalationRules.js';
import { noticeText } from '../../../src/slack/views/noticeText.js';
import { canaryChecklist, makeSnapshot, T0 } from './fixtures.js';

const LIVE = /<!(?:channel|here|everyone)|<@U0BOSS/;

describe('noticeText', () => {
  it('quotes a gate’s checklist markdown as its plain words, broadcasts and disguised links shown as text', () => {
    const text = noticeText({
      kind: 'gate_passed',
      runId: 3,
      gateText: '**Go/No-Go** <!channel> [https://good.example.com](https://evil.example)',
      sectionTitle: 'Decide <!everyone>',
    });
    expect(text).toBe('✅ Gate passed on run #3: *Go/No-Go &lt;!channel&gt; https://good.example.com* (Decide &lt;!everyone&gt;).');
    expect(text).not.toMatch(LIVE);
  });

  it('shows the overdue page of an item written with a broadcast as text, not as a live mention', () => {
    const checklist = canaryChecklist();
    checklist.phases[0]!.sections[0]!.items[1]!.text = 'Ping <!channel> and <@U0BOSS>';
    const snapshot = makeSnapshot(checklist);
    const window = { sectionId: 's0', phaseId: 'p0', opensAt: T0 - 7_200_000, closesAt: T0, explicit: true };
    const [page] = desiredPages({ snapshot, windows: [window], states: new Map([['s0', 'overdue']]), rollbackTimeboxes: [], now: T0 + 30 * 60_000 });
    expect(page?.summary).toContain('Ping <!channel> and <@U0BOSS>');
    const text = noticeText({ kind: 'page_sent', action: 'trigger', at: T0, summary: page!.summary });
    expect(text).toContain('Ping &lt;!channel&gt; and &lt;@U0BOSS&gt;');
    expect(text).not.toMatch(LIVE);
  });
});
