import { describe, expect, it } from 'vitest';
import { forecastRun } from '../../../src/domain/forecast.js';
import { computeSchedule } from '../../../src/domain/schedule.js';
import { parseCommand } from '../../../src/slack/commandParser.js';
import { parseSlipSuggestionValue, slipSuggestionValue } from '../../../src/slack/ids.js';
import { forecastLines, standingLine } from '../../../src/slack/views/forecastText.js';
import { FILES_IN_THREAD, missingFilesScopeText, renderRunSummary } from '../../../src/slack/views/runSummaryMessage.js';
import { renderSlipSuggestion } from '../../../src/slack/views/slipSuggestion.js';
import { BlockKitLimits, blocksTextLength, validateBlocks } from '../../support/blockKitRules.js';
import { checklistOf, done, itemId, snapshotOf, T0 } from '../../domain/domainFixtures.js';
import { finishedRun } from '../../report/reportFixture.js';

const at = (hh: number, mm: number): number => Date.UTC(2026, 2, 10, hh, mm);

function lateCanary(now: number, ticked = true) {
  const checklist = checklistOf([
    {
      title: 'Canary <script>',
      sections: [{ title: 'Canary <script>', implicit: true, timing: { clock: { start: 840, end: 870, text: 'x' } }, items: ['c1', 'c2'] }],
    },
    {
      title: 'Rollout',
      sections: [
        {
          title: 'Rollout',
          implicit: true,
          timing: { clock: { start: 870, end: 900, text: 'y' } },
          items: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'],
        },
      ],
    },
  ]);
  const items = ticked ? [done(itemId(checklist, 'c1'), 'U0LEAD001', at(14, 42)), done(itemId(checklist, 'c2'), 'U0LEAD001', at(14, 52))] : [];
  return forecastRun({ snapshot: snapshotOf(checklist, { items }), windows: computeSchedule(checklist, T0, 'UTC'), now });
}

describe('the forecast in words', () => {
  it('says how far behind, which window, and when it closed against its plan, in date tokens with titles escaped', () => {
    const line = standingLine(lateCanary(at(14, 53)));
    expect(line).toMatch(
      /^\*Against plan:\* ⏱ 22 min behind: Canary &lt;script&gt; closed at <!date\^\d+\^\{time\}\|14:52 UTC>, planned <!date\^\d+\^\{time\}\|14:30 UTC>$/,
    );
  });

  it('names the windows projected late, and how it projected them', () => {
    const lines = forecastLines(lateCanary(at(14, 53)));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^⚠️ Rollout projected to close .* at this run’s pace, \d+ min after its planned /);
  });
});

describe('the run summary message', () => {
  it('is valid Block Kit within Slack’s limits even with 60 long waivers, and escapes every reason', () => {
    const { report } = finishedRun();
    report.endReason = 'done <!channel> & out';
    report.items.waived = Array.from({ length: 60 }, (_, i) => ({
      itemId: `s0.i${i}`,
      text: `Item ${i} ${'x'.repeat(150)}`,
      reason: `<@U0EVIL> reason ${i}`,
      by: 'U0ALICE',
    }));
    const message = renderRunSummary(report, FILES_IN_THREAD);
    expect(validateBlocks(message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(BlockKitLimits.messageBlocks);
    expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(BlockKitLimits.messageBlocksText);
    const text = JSON.stringify(message.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0EVIL>');
    expect(text).toContain('<@U0ALICE>');
    expect(text).toContain('and 5');
  });

  it('tells what scope to add when files cannot be attached', () => {
    expect(missingFilesScopeText(12, 'files:write')).toContain('add `files:write` under *OAuth & Permissions');
  });
});

describe('the slip suggestion', () => {
  it('carries a Slip button whose value reads back as the run and the minutes', () => {
    const forecast = lateCanary(at(14, 53));
    const message = renderSlipSuggestion(7, forecast.overruns[0]!, 25);
    expect(validateBlocks(message.blocks)).toEqual([]);
    const button = (message.blocks[1] as { elements: Array<{ action_id: string; value: string; text: { text: string } }> }).elements[0]!;
    expect(button).toMatchObject({ action_id: 'dd_forecast_slip', text: { text: 'Slip 25m' } });
    expect(parseSlipSuggestionValue(button.value)).toEqual({ runId: 7, minutes: 25 });
  });

  it.each(['7:0', '7:99999', '7:-5', 'x:5', '7:5:1', ''])('refuses the value %j', (value) => {
    expect(parseSlipSuggestionValue(value)).toBeNull();
  });

  it('round-trips any slip up to a week', () => {
    expect(parseSlipSuggestionValue(slipSuggestionValue(3, 10_080))).toEqual({ runId: 3, minutes: 10_080 });
  });
});

describe('/deploy history', () => {
  it.each([
    ['history small-release', { kind: 'history', checklist: 'small-release' }],
    ['history small-release.md', { kind: 'history', checklist: 'small-release' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(['history', 'history a b', 'history #3', 'history <script>'])('answers %j with its usage', (text) => {
    expect(parseCommand(text)).toMatchObject({ kind: 'usage', message: expect.stringContaining('/deploy history <checklist>') });
  });
});

describe('the forecast lines of /deploy status', () => {
  it('list the next windows on time too, with their projected and planned close', () => {
    const forecast = lateCanary(at(14, 1), false);
    const lines = forecastLines(forecast, 3);
    expect(lines[0]).toBe('*Against plan:* on plan');
    expect(lines.slice(1).map((l) => l.slice(0, 2))).toEqual(['🕒', '🕒']);
    expect(lines[1]).toMatch(/Canary &lt;script&gt; projected to close .* as planned \(planned /);
  });
});
