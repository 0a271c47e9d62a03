import { describe, it, expect } from 'vitest';
import type { Section } from '../../src/domain/checklist.js';
import {
  blockedSections,
  gateNeeds,
  gateOutcome,
  gateRuleFor,
  gateStatuses,
  heldSections,
  openItemsBeforeGo,
  standingVotes,
  unlockedSections,
  type GateRule,
} from '../../src/domain/gates.js';
import { checklistOf, gatedRelease, gateItem, itemId, MINUTE, sectionId, snapshotOf, T0, voteOf } from './domainFixtures.js';

function sectionAndGate(checklist: ReturnType<typeof gatedRelease>, title: string) {
  const section = checklist.phases.flatMap((p) => p.sections).find((s) => s.title === title) as Section;
  const gate = section.items.find((i) => i.kind === 'gate');
  if (!gate) throw new Error(`no gate in ${title}`);
  return { section, gate };
}

describe('gateRuleFor', () => {
  it('defaults to the approver role alone (not the lead) with a quorum of one when the checklist has no gate settings', () => {
    const checklist = gatedRelease();
    const { section, gate } = sectionAndGate(checklist, 'Canary');
    expect(gateRuleFor(checklist, section, gate)).toEqual({ approvers: ['approver'], quorum: 'one' });
  });

  it.each([
    ['a word of the item text', 'widen to EVERYONE', 'Canary'],
    ['a word of the section title', 'canary', 'Canary'],
  ])('applies a gate setting matched on %s, case-insensitively', (_what, match, title) => {
    const checklist = gatedRelease({ gates: [{ match, approvers: ['Release Manager', 'SRE  Lead'], quorum: 2 }] });
    const { section, gate } = sectionAndGate(checklist, title);
    expect(gateRuleFor(checklist, section, gate)).toEqual({ approvers: ['release manager', 'sre lead'], quorum: 2 });
  });

  it('leaves gates the setting does not match on the defaults', () => {
    const checklist = gatedRelease({ gates: [{ match: 'widen', quorum: 'all' }] });
    const { section, gate } = sectionAndGate(checklist, 'Readiness review');
    expect(gateRuleFor(checklist, section, gate)).toEqual({ approvers: ['approver'], quorum: 'one' });
  });

  it('keeps the default approvers when a setting gives only a quorum', () => {
    const checklist = gatedRelease({ gates: [{ match: 'canary', quorum: 'all' }] });
    const { section, gate } = sectionAndGate(checklist, 'Canary');
    expect(gateRuleFor(checklist, section, gate)).toEqual({ approvers: ['approver'], quorum: 'all' });
  });

  it('uses the first setting that matches when several do', () => {
    const checklist = gatedRelease({
      gates: [
        { match: 'widen', quorum: 3 },
        { match: 'canary', quorum: 'all' },
      ],
    });
    const { section, gate } = sectionAndGate(checklist, 'Canary');
    expect(gateRuleFor(checklist, section, gate).quorum).toBe(3);
  });
});

describe('standingVotes', () => {
  it('keeps only the latest vote of each person on the gate', () => {
    const votes = [
      voteOf('s2.i5', 'U0LEAD001', 'no_go', T0, 'graphs red'),
      voteOf('s2.i5', 'U0APPR001', 'go', T0 + MINUTE),
      voteOf('s2.i5', 'U0LEAD001', 'go', T0 + 2 * MINUTE),
    ];
    const standing = standingVotes(votes, 's2.i5');
    expect(standing).toHaveLength(2);
    expect(standing.find((v) => v.userId === 'U0LEAD001')?.vote).toBe('go');
    expect(standing.find((v) => v.userId === 'U0APPR001')?.vote).toBe('go');
  });

  it('ignores votes on other gates', () => {
    const votes = [voteOf('s1.i3', 'U0LEAD001', 'no_go'), voteOf('s2.i5', 'U0LEAD001', 'go')];
    expect(standingVotes(votes, 's2.i5')).toEqual([voteOf('s2.i5', 'U0LEAD001', 'go')]);
  });

  it('returns nothing for a gate nobody voted on', () => {
    expect(standingVotes([voteOf('s1.i3', 'U0LEAD001', 'go')], 's2.i5')).toEqual([]);
  });
});

describe('gateOutcome', () => {
  const roles = { lead: ['U0LEAD001'], approver: ['U0APPR001', 'U0APPR002'], 'qa lead': ['U0QA00001'] };
  const rule = (quorum: GateRule['quorum'], approvers = ['lead', 'approver']): GateRule => ({ approvers, quorum });
  const go = (userId: string) => voteOf('g', userId, 'go');
  const noGo = (userId: string) => voteOf('g', userId, 'no_go', T0, 'error rate up');

  it.each<[string, GateRule, ReturnType<typeof go>[], 'pending' | 'passed' | 'failed']>([
    ['is pending with no votes', rule('one'), [], 'pending'],
    ['passes on one Go from an approver with quorum one', rule('one'), [go('U0APPR002')], 'passed'],
    ['passes on one Go from the lead with quorum one', rule('one'), [go('U0LEAD001')], 'passed'],
    ['stays pending with quorum all until every holder says Go', rule('all'), [go('U0LEAD001'), go('U0APPR001')], 'pending'],
    ['passes with quorum all once every holder says Go', rule('all'), [go('U0LEAD001'), go('U0APPR001'), go('U0APPR002')], 'passed'],
    ['stays pending below a numeric quorum', rule(2), [go('U0APPR001')], 'pending'],
    ['passes at a numeric quorum', rule(2), [go('U0APPR001'), go('U0LEAD001')], 'passed'],
    ['fails on one approver No-Go even when others said Go', rule('one'), [go('U0LEAD001'), go('U0APPR001'), noGo('U0APPR002')], 'failed'],
    ['fails on a No-Go with quorum all', rule('all'), [noGo('U0LEAD001')], 'failed'],
    ['does not count a Go from someone without an approver role', rule('one'), [go('U0QA00001'), go('U0RANDOM1')], 'pending'],
    ['does not fail on a No-Go from someone without an approver role', rule('one'), [noGo('U0RANDOM1'), go('U0LEAD001')], 'passed'],
    ['counts only the roles the rule names', rule('one', ['qa lead']), [go('U0LEAD001')], 'pending'],
    ['passes on a Go from a holder of a custom approver role', rule('one', ['qa lead']), [go('U0QA00001')], 'passed'],
  ])('%s', (_name, gateRule, votes, expected) => {
    expect(gateOutcome(gateRule, votes, roles)).toBe(expected);
  });

  it('with quorum all and nobody holding an approver role, still needs at least one Go and so stays pending', () => {
    expect(gateOutcome(rule('all', ['release manager']), [], roles)).toBe('pending');
    expect(gateOutcome(rule('all', ['release manager']), [go('U0LEAD001')], roles)).toBe('pending');
  });

  it('counts a person holding two approver roles once for quorum all', () => {
    const shared = { lead: ['U0LEAD001'], approver: ['U0LEAD001', 'U0APPR001'] };
    expect(gateOutcome(rule('all'), [go('U0LEAD001')], shared)).toBe('pending');
    expect(gateOutcome(rule('all'), [go('U0LEAD001'), go('U0APPR001')], shared)).toBe('passed');
  });

  it('does not let one person who holds both named roles pass a quorum all gate alone', () => {
    const both = { qa: ['U0LEAD001'], security: ['U0LEAD001'] };
    expect(gateOutcome(rule('all', ['qa', 'security']), [go('U0LEAD001')], both)).toBe('pending');
  });

  it('passes a quorum all gate over two roles once a different person says Go for each', () => {
    const overlapping = { qa: ['U0LEAD001', 'U0QA00001'], security: ['U0LEAD001'] };
    const votes = [go('U0LEAD001'), go('U0QA00001')];
    expect(gateOutcome(rule('all', ['qa', 'security']), votes, overlapping)).toBe('passed');
  });
});

describe('gateStatuses', () => {
  it('lists every gate of the normal flow in file order with its outcome and standing votes', () => {
    const checklist = gatedRelease();
    const first = itemId(checklist, 'Go/No-Go: ship to canary?');
    const second = itemId(checklist, 'Go/No-Go: widen to everyone?');
    const snapshot = snapshotOf(checklist, {
      votes: [voteOf(first, 'U0APPR001', 'no_go', T0), voteOf(first, 'U0APPR001', 'go', T0 + MINUTE)],
    });
    const statuses = gateStatuses(snapshot);
    expect(statuses.map((s) => [s.item.id, s.section.title, s.outcome])).toEqual([
      [first, 'Readiness review', 'passed'],
      [second, 'Canary', 'pending'],
    ]);
    expect(statuses[0]?.votes).toEqual([voteOf(first, 'U0APPR001', 'go', T0 + MINUTE)]);
  });

  it('leaves out gates in rollback phases', () => {
    const checklist = checklistOf([
      { title: 'Deploy', sections: [{ title: 'Ship', items: ['Ship it'] }] },
      { title: 'Rollback', kind: 'rollback', sections: [{ title: 'Decide', items: [gateItem('Go/No-Go: revert?')] }] },
    ]);
    expect(gateStatuses(snapshotOf(checklist))).toEqual([]);
  });

  it('applies the front-matter rule to each gate', () => {
    const checklist = gatedRelease({ gates: [{ match: 'widen', quorum: 'all' }] });
    const second = itemId(checklist, 'Go/No-Go: widen to everyone?');
    const snapshot = snapshotOf(checklist, { votes: [voteOf(second, 'U0LEAD001', 'go')] });
    const status = gateStatuses(snapshot).find((s) => s.item.id === second);
    expect(status?.rule.quorum).toBe('all');
    expect(status?.outcome).toBe('pending');
  });
});

describe('blockedSections', () => {
  const checklist = gatedRelease();
  const first = itemId(checklist, 'Go/No-Go: ship to canary?');
  const second = itemId(checklist, 'Go/No-Go: widen to everyone?');
  const ids = (...titles: string[]) => new Set(titles.map((t) => sectionId(checklist, t)));

  it('blocks every later section after the first gate that has not passed, except rollback sections', () => {
    const blocked = blockedSections(snapshotOf(checklist));
    expect(blocked.ids).toEqual(ids('Canary', 'Full rollout', 'Sign-off'));
    expect(blocked.by?.item.id).toBe(first);
  });

  it('does not block the section that holds the gate or any before it', () => {
    const blocked = blockedSections(snapshotOf(checklist)).ids;
    expect(blocked.has(sectionId(checklist, 'Readiness review'))).toBe(false);
    expect(blocked.has(sectionId(checklist, 'Freeze'))).toBe(false);
  });

  it('moves the block to the next gate once the first passes', () => {
    const blocked = blockedSections(snapshotOf(checklist, { votes: [voteOf(first, 'U0APPR001', 'go')] }));
    expect(blocked.ids).toEqual(ids('Full rollout', 'Sign-off'));
    expect(blocked.by?.item.id).toBe(second);
  });

  it('keeps blocking after a gate failed', () => {
    const blocked = blockedSections(snapshotOf(checklist, { votes: [voteOf(first, 'U0APPR001', 'no_go')] }));
    expect(blocked.ids).toEqual(ids('Canary', 'Full rollout', 'Sign-off'));
    expect(blocked.by?.outcome).toBe('failed');
  });

  it('blocks nothing once every gate has passed', () => {
    const snapshot = snapshotOf(checklist, { votes: [voteOf(first, 'U0APPR001', 'go'), voteOf(second, 'U0APPR001', 'go')] });
    expect(blockedSections(snapshot)).toEqual({ ids: new Set(), by: null });
  });

  it('blocks nothing in a checklist without gates', () => {
    const plain = checklistOf([
      {
        title: 'Deploy',
        sections: [
          { title: 'A', items: ['x'] },
          { title: 'B', items: ['y'] },
        ],
      },
    ]);
    expect(blockedSections(snapshotOf(plain)).ids.size).toBe(0);
  });
});

describe('heldSections', () => {
  const checklist = gatedRelease();

  it('holds every rollback section while no rollback is active', () => {
    expect(heldSections(snapshotOf(checklist))).toEqual(new Set([sectionId(checklist, 'Decide'), sectionId(checklist, 'Revert')]));
  });

  it('holds nothing once the rollback is active', () => {
    expect(heldSections(snapshotOf(checklist, { run: { rollbackActive: true } })).size).toBe(0);
  });
});

describe('quorum all over named roles', () => {
  const rule: GateRule = { approvers: ['incident commander', 'service owner'], quorum: 'all' };
  const go = (userId: string) => voteOf('g', userId, 'go');

  it('stays pending while a role it names is held by nobody, even after every holder said Go', () => {
    expect(gateOutcome(rule, [go('U0IC00001')], { 'incident commander': ['U0IC00001'] })).toBe('pending');
  });

  it('passes once both named roles are held and both holders said Go', () => {
    const roles = { 'incident commander': ['U0IC00001'], 'service owner': ['U0SO00001'] };
    expect(gateOutcome(rule, [go('U0IC00001'), go('U0SO00001')], roles)).toBe('passed');
  });
});

describe('gateNeeds', () => {
  const go = (userId: string) => voteOf('g', userId, 'go');

  it('names the approvers who have not said Go and the roles nobody holds, for quorum all', () => {
    const rule: GateRule = { approvers: ['qa', 'security'], quorum: 'all' };
    expect(gateNeeds(rule, [go('U0QA00001')], { qa: ['U0QA00001', 'U0QA00002'] })).toEqual({
      people: ['U0QA00002'],
      unfilledRoles: ['security'],
      moreGo: 2,
      quorum: 'all',
    });
  });

  it('counts the Go votes still missing for a numeric quorum', () => {
    const rule: GateRule = { approvers: ['approver'], quorum: 2 };
    expect(gateNeeds(rule, [go('U0APPR001')], { approver: ['U0APPR001', 'U0APPR002'] })).toMatchObject({ people: ['U0APPR002'], moreGo: 1 });
  });
});

describe('openItemsBeforeGo and unlockedSections', () => {
  const checklist = gatedRelease();
  const first = itemId(checklist, 'Go/No-Go: ship to canary?');
  const section = checklist.phases.flatMap((p) => p.sections).find((s) => s.items.some((i) => i.id === first)) as Section;

  it('lists the open items of a gate’s section, the gate itself left out', () => {
    const open = openItemsBeforeGo(snapshotOf(checklist), section);
    expect(open.map((i) => i.id)).toEqual(section.items.filter((i) => i.kind !== 'gate' && !i.initiallyDone).map((i) => i.id));
    expect(open.some((i) => i.id === first)).toBe(false);
  });

  it('names the sections a passing gate let through, up to the next gate that has not passed', () => {
    const before = snapshotOf(checklist);
    const after = snapshotOf(checklist, { votes: [voteOf(first, 'U0APPR001', 'go')] });
    expect(unlockedSections(before, after).map((s) => s.title)).toEqual(['Canary']);
  });
});
