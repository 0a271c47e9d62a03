import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { allItems, allSections } from '../../src/domain/checklist.js';
import type { Checklist, ChecklistProblem, Item, ParseResult } from '../../src/domain/checklist.js';
import { detectTimer } from '../../src/domain/itemClassifier.js';
import { parseChecklist } from '../../src/domain/parseChecklist.js';
import { sharedSamplesDir } from '../support/sharedSamples.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const fixturesDir = path.resolve(repoRoot, 'test/fixtures/checklists');
const checklistsDir = path.resolve(repoRoot, 'checklists');

function parse(text: string, source = 'test.md'): ParseResult {
  return parseChecklist(text, { name: 'test', source });
}

function parseOk(text: string, source = 'test.md'): { checklist: Checklist; warnings: ChecklistProblem[] } {
  const result = parse(text, source);
  if (!result.ok) throw new Error(`expected a checklist, got ${JSON.stringify(result.problems)}`);
  return result;
}

function parseFile(file: string): ParseResult {
  return parseChecklist(readFileSync(file, 'utf8'), { name: path.basename(file, '.md'), source: file });
}

function problemsOf(text: string): ChecklistProblem[] {
  const result = parse(text);
  return result.ok ? result.warnings : result.problems;
}

function counts(checklist: Checklist) {
  const sections = allSections(checklist);
  const items = allItems(checklist);
  return {
    phases: checklist.phases.length,
    sections: sections.length,
    items: items.length,
    signoffs: items.filter((i) => i.kind === 'signoff').length,
    gates: items.filter((i) => i.kind === 'gate').length,
    timedSections: sections.filter(({ section }) => section.timing !== null).length,
    rollbackPhases: checklist.phases.filter((p) => p.kind === 'rollback').length,
  };
}

function item(checklist: Checklist, id: string): Item {
  const found = allItems(checklist).find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
}

function itemByText(checklist: Checklist, text: string): Item {
  const found = allItems(checklist).find((i) => i.text.includes(text));
  if (!found) throw new Error(`no item with ${text}`);
  return found;
}

describe('parseChecklist on the shared sample checklists', () => {
  it('parses canary-rollout.md with the counts counted by hand', () => {
    const result = parseFile(path.join(sharedSamplesDir(), 'canary-rollout.md'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.checklist;
    // 7 `##` minus Notes; 15 `###` plus the implicit Sign-offs section, minus "Immediate Rollback
    // Triggers" (a trigger list, issue 10); 94 task lines minus its 5 conditions, plus 5 table rows.
    expect(counts(c)).toEqual({
      phases: 6,
      sections: 15,
      items: 94,
      signoffs: 5,
      gates: 2,
      timedSections: 2,
      rollbackPhases: 1,
    });
    expect(c.title).toBe('QuDAG Optimization Deployment Checklist');
    expect(c.phases.map((p) => p.kind)).toEqual(['normal', 'normal', 'rollback', 'normal', 'normal', 'signoff']);
    expect(allItems(c).filter((i) => i.initiallyDone)).toHaveLength(9);

    const monitor = itemByText(c, 'Monitor key metrics for 30 minutes');
    expect(monitor.timer).toEqual({ kind: 'watch', minutes: 30 });
    const nested = allItems(c).filter((i) => i.parentId === monitor.id);
    expect(nested.map((i) => i.text)).toEqual(['Response time < baseline + 10%', 'Error rate < 0.1%', 'Memory usage stable', 'CPU usage normal']);
    expect(nested.every((i) => i.depth === 1)).toBe(true);
    expect(itemByText(c, 'Monitor for 1 hour').timer).toEqual({ kind: 'watch', minutes: 60 });
    expect(itemByText(c, 'Monitor for 2 hours').timer).toEqual({ kind: 'watch', minutes: 120 });

    const recovered = itemByText(c, 'If not recovered in 5 minutes');
    expect(recovered.timer).toEqual({ kind: 'timebox', minutes: 5 });
    expect(
      allItems(c)
        .filter((i) => i.parentId === recovered.id)
        .map((i) => i.text),
    ).toEqual(['Initiate code rollback', 'Restore from last known good state']);
    expect(itemByText(c, 'Disable feature flags').timer).toBeUndefined();
    expect(itemByText(c, 'Rollback plan reviewed').kind).toBe('task');

    const preDeploy = allSections(c).find(({ section }) => section.title === 'Pre-Deployment (T-2 hours)');
    expect(preDeploy?.section.timing).toEqual({ offset: -120, offsetText: 'T-2 hours', offsetIsDays: false });
    const post = allSections(c).find(({ section }) => section.title.startsWith('Post-Deployment'));
    expect(post?.section.timing?.offset).toBe(1440);

    const signoffs = c.phases[5]!.sections[0]!;
    expect(signoffs.implicit).toBe(true);
    expect(signoffs.items.map((i) => [i.role, i.text])).toEqual([
      ['DevOps Lead', 'DevOps Lead sign-off'],
      ['Engineering Manager', 'Engineering Manager sign-off'],
      ['QA Lead', 'QA Lead sign-off'],
      ['Security Officer', 'Security Officer sign-off'],
      ['Product Manager', 'Product Manager sign-off'],
    ]);

    expect(c.reference.map((r) => r.title)).toEqual(['Notes']);
    expect(c.reference[0]!.body).toContain('- Metrics dashboards: [link]');
    expect(c.settings.timezone).toBe('UTC');
    expect(result.warnings).toEqual([
      expect.objectContaining({ line: 150, severity: 'warning', message: expect.stringContaining('inferred as "UTC"') }),
    ]);
  });

  it('parses timed-deployment-day.md with the counts counted by hand', () => {
    const result = parseFile(path.join(sharedSamplesDir(), 'timed-deployment-day.md'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.checklist;
    // 8 `##` minus three reference-only ones; 13 `###` with items plus two implicit sections;
    // 109 task lines plus 3 rollback steps and their 11 sub-steps.
    expect(counts(c)).toEqual({
      phases: 5,
      sections: 15,
      items: 123,
      signoffs: 5,
      gates: 0,
      timedSections: 9,
      rollbackPhases: 1,
    });
    expect(c.phases.map((p) => [p.title, p.kind])).toEqual([
      ['Pre-Deployment (T-7 days)', 'normal'],
      ['Deployment Day (T-0)', 'normal'],
      ['Post-Deployment (T+1 day)', 'normal'],
      ['Rollback Procedure', 'rollback'],
      ['Final Sign-Off', 'signoff'],
    ]);
    expect(c.phases[0]!.timing).toEqual({ offset: -10080, offsetText: 'T-7 days', offsetIsDays: true });
    expect(c.phases[2]!.timing).toEqual({ offset: 1440, offsetText: 'T+1 day', offsetIsDays: true });
    const goLive = c.phases[1]!.sections.find((s) => s.title.startsWith('Go-Live'));
    expect(goLive?.timing?.clock).toEqual({ start: 1320, end: 1440, text: '10:00 PM - 12:00 AM' });

    const rollback = c.phases[3]!.sections[0]!;
    expect(rollback.notes).toEqual(['If critical issues arise:']);
    const steps = rollback.items.filter((i) => i.depth === 0);
    expect(steps.map((i) => [i.text, i.timer])).toEqual([
      ['**Decision Point** (15 minutes)', { kind: 'timebox', minutes: 15 }],
      ['**Rollback Execution** (30 minutes)', { kind: 'timebox', minutes: 30 }],
      ['**Post-Rollback** (1 hour)', { kind: 'timebox', minutes: 60 }],
    ]);
    expect(rollback.items.filter((i) => i.parentId === steps[0]!.id).map((i) => i.text)).toEqual([
      'Assess issue severity',
      'Attempt quick fix',
      'Make rollback decision',
    ]);

    expect(c.phases[4]!.sections[0]!.items.map((i) => i.role)).toEqual([
      'Deployment Lead',
      'Technical Lead',
      'Operations Manager',
      'Customer Success',
      'Executive Sponsor',
    ]);
    expect(itemByText(c, 'Sign-off obtained').kind).toBe('task');

    expect(c.reference.map((r) => [r.level, r.title])).toEqual([
      [2, 'Success Criteria'],
      [3, 'Performance'],
      [3, 'Functionality'],
      [3, 'User Experience'],
      [2, 'Emergency Contacts'],
      [2, 'Communication Templates'],
      [3, 'Pre-Deployment Notice'],
      [3, 'Post-Deployment Success'],
    ]);
    expect(c.reference[1]!.body).toContain('- ✓ Response time < 200ms (p50)');
    expect(c.reference[4]!.body).toContain('| Deployment Lead | John Smith | +1-555-0100 | john@company.com |');
    expect(c.reference[6]!.body.startsWith('```\nSubject: Manufacturing Analytics Platform Upgrade')).toBe(true);
    expect(c.reference[6]!.body.endsWith('```')).toBe(true);
    // The only zone word is "EDT" in the customer notice template.
    expect(c.settings.timezone).toBe('America/New_York');
    expect(result.warnings.map((w) => w.line)).toEqual([198]);
  });
});

describe('parseChecklist on the project checklists', () => {
  it('parses standard-release.md without problems, showing every feature', () => {
    const result = parseFile(path.join(checklistsDir, 'standard-release.md'));
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
    const c = result.checklist;
    expect(counts(c)).toEqual({
      phases: 5,
      sections: 8,
      items: 34,
      signoffs: 3,
      gates: 1,
      timedSections: 5,
      rollbackPhases: 1,
    });
    expect(c.settings).toEqual({
      timezone: 'America/New_York',
      roles: { 'release lead': [], approver: [], sre: [] },
      escalation: [{ name: 'On-call SRE' }, { name: 'Release lead' }, { name: 'Engineering manager' }],
      gates: [{ match: 'Go/No-Go', approvers: ['release lead', 'approver'], quorum: 2 }],
      reminderLeadMinutes: 10,
      overdueRepeatMinutes: 20,
      pageGraceMinutes: 30,
      sectionGraceMinutes: { 'Evening watch': 45 },
    });
    expect(allSections(c).some(({ section }) => section.timing?.clock?.end === 1440)).toBe(true);
    expect(itemByText(c, 'Release branch').initiallyDone).toBe(true);
    expect(itemByText(c, 'Changelog drafted').details).toEqual(['Group entries by team', 'Link every ticket']);
    expect(itemByText(c, 'Changelog drafted').text).toContain('[release notes doc](https://wiki.example.com/releases)');
    expect(itemByText(c, 'Monitor error rate').timer).toEqual({ kind: 'watch', minutes: 30 });
    expect(itemByText(c, 'If the error rate').timer).toEqual({ kind: 'timebox', minutes: 10 });
    expect(c.reference.map((r) => r.title)).toEqual(['Standard Release', 'Contacts', 'Escalation Path']);
  });

  it('parses hotfix.md without problems, showing every feature', () => {
    const result = parseFile(path.join(checklistsDir, 'hotfix.md'));
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
    const c = result.checklist;
    expect(counts(c)).toEqual({
      phases: 5,
      sections: 6,
      items: 19,
      signoffs: 2,
      gates: 1,
      timedSections: 2,
      rollbackPhases: 1,
    });
    expect(c.phases.map((p) => [p.id, p.title, p.kind])).toEqual([
      ['p0', 'Prepare (T-30m)', 'normal'],
      ['p1', 'Ship (T-0)', 'normal'],
      ['p2', 'Rollback plan', 'rollback'],
      ['p3', 'Verify (T+2h)', 'normal'],
      ['p4', 'Sign-off', 'signoff'],
    ]);
    // "Ship decision" in front matter matches the section title, so its last item is the gate.
    expect(itemByText(c, 'Decide whether to ship now').kind).toBe('gate');
    expect(itemByText(c, 'Redeploy the previous tag').timer).toEqual({ kind: 'timebox', minutes: 5 });
    expect(c.settings.escalation).toEqual([{ name: 'Incident commander' }, { name: 'Service owner' }, { name: 'Head of engineering' }]);
    // Shipped without placeholder ids: the roles are named, and given per run with /deploy role.
    expect(c.settings.roles).toEqual({ 'incident commander': [], 'service owner': [] });
  });
});

describe('parseChecklist structure', () => {
  const listStyles = (): Checklist => {
    const result = parseFile(path.join(fixturesDir, 'list-styles.md'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.checklist;
  };

  it('accepts *, +, numbered and [X] task lines', () => {
    const [build] = listStyles().phases;
    expect(build!.sections[0]!.implicit).toBe(true);
    expect(build!.sections[0]!.title).toBe('Build (T-1 day)');
    expect(build!.sections[0]!.timing).toEqual(build!.timing);
    expect(build!.sections[0]!.items.map((i) => [i.text, i.initiallyDone])).toEqual([
      ['Star bullet', false],
      ['Plus bullet, upper-case X', true],
      ['Numbered item', false],
      ['Numbered with a parenthesis', false],
    ]);
  });

  it('nests by tabs and by four spaces, and keeps continuation lines and code as details', () => {
    const c = listStyles();
    expect(item(c, 's1.i1')).toMatchObject({ text: 'Tab child', depth: 1, parentId: 's1.i0' });
    expect(item(c, 's1.i2')).toMatchObject({ text: 'Tab grandchild', depth: 2, parentId: 's1.i1' });
    expect(item(c, 's1.i4')).toMatchObject({
      text: 'Four-space child',
      depth: 1,
      parentId: 's1.i3',
      details: ['Continuation under the child'],
    });
    expect(item(c, 's1.i5').details).toEqual(['```\nmake deploy ENV=prod\n```']);
  });

  it('flattens deeper headings into sections and keeps prose and plain tables as notes', () => {
    const section = listStyles().phases[0]!.sections[2]!;
    expect(section.title).toBe('Deep heading flattened');
    expect(section.notes).toEqual(['Closing remark for the section.', '| Service | Owner |\n|---------|-------|\n| api | Team A |']);
    expect(section.items.map((i) => [i.kind, i.role, i.initiallyDone])).toEqual([
      ['task', undefined, false],
      ['signoff', 'Tech Lead', true],
      ['signoff', 'Duty Manager', false],
    ]);
  });

  it('moves a rollback section out of a normal phase into its own rollback phase right after it', () => {
    const c = listStyles();
    expect(c.phases.map((p) => [p.id, p.title, p.kind, p.sections.map((s) => s.id)])).toEqual([
      ['p0', 'Build (T-1 day)', 'normal', ['s0', 's1', 's2']],
      ['p1', 'Deploy (T-0)', 'normal', ['s3', 's5']],
      ['p2', 'Rollback steps', 'rollback', ['s4']],
    ]);
    expect(item(c, 's3.i1').kind).toBe('gate');
  });

  it('ignores HTML comments', () => {
    expect(JSON.stringify(listStyles())).not.toContain('Editors');
  });

  it('gives the same ids for the same text', () => {
    const text = readFileSync(path.join(fixturesDir, 'list-styles.md'), 'utf8');
    expect(parse(text)).toEqual(parse(text));
  });

  it('treats an ordered list without checkboxes under a normal heading as reference text', () => {
    const { checklist } = parseOk('# T\n\n## Deploy\n- [ ] Ship\n\n## How to deploy\n1. Build\n2. Ship\n');
    expect(checklist.reference).toEqual([{ title: 'How to deploy', line: 6, level: 2, body: '1. Build\n2. Ship' }]);
  });

  it("keeps a phase heading's own prose as a reference section when its items are in sub-sections", () => {
    const { checklist } = parseOk('# T\n\n## Deploy\nAll hands on deck.\n\n### Steps\n- [ ] Ship\n');
    expect(checklist.phases[0]!.sections.map((s) => s.title)).toEqual(['Steps']);
    expect(checklist.reference).toEqual([{ title: 'Deploy', line: 3, level: 2, body: 'All hands on deck.' }]);
  });

  it('makes a whole phase the rollback phase when all its sections are about rollback', () => {
    const { checklist } = parseOk('# T\n\n## Deploy\n- [ ] Ship\n\n## Contingency\n### Roll back\n- [ ] Revert\n');
    expect(checklist.phases.map((p) => [p.title, p.kind])).toEqual([
      ['Deploy', 'normal'],
      ['Contingency', 'rollback'],
    ]);
  });

  it('makes every item whose text contains a front-matter gate match a gate', () => {
    const text = [
      '---',
      'gates:',
      '  - match: final approval',
      '    quorum: all',
      '---',
      '# T',
      '## Deploy',
      '- [ ] Ship',
      '- [ ] **Final approval** from QA',
    ].join('\n');
    const { checklist } = parseOk(text);
    expect(allItems(checklist).map((i) => i.kind)).toEqual(['task', 'gate']);
  });

  it('reads "Role: ____" sign-off lines, bold roles included', () => {
    const { checklist } = parseOk('# T\n## Sign-off\n- [ ] **QA Lead**: ________ Date: ____\n- [x] Ops: ______\n');
    expect(allItems(checklist).map((i) => [i.kind, i.role, i.text, i.initiallyDone])).toEqual([
      ['signoff', 'QA Lead', 'QA Lead sign-off', false],
      ['signoff', 'Ops', 'Ops sign-off', true],
    ]);
    expect(checklist.phases[0]!.kind).toBe('signoff');
  });

  it('recognises the spellings of Go/No-Go', () => {
    const { checklist } = parseOk('# T\n## D\n- [ ] go / no-go call\n- [ ] Go-No-Go\n- [ ] GO/NOGO vote\n- [ ] Go-live\n');
    expect(allItems(checklist).map((i) => i.kind)).toEqual(['gate', 'gate', 'gate', 'task']);
  });

  it('reads files saved with CRLF line endings and a byte-order mark', () => {
    const text = '\uFEFF---\r\ntimezone: UTC\r\n---\r\n# Windows\r\n## D (T-0)\r\n- [ ] Ship\r\n  - [ ] Check\r\n';
    const { checklist, warnings } = parseOk(text);
    expect(warnings).toEqual([]);
    expect(checklist.title).toBe('Windows');
    expect(checklist.settings.timezone).toBe('UTC');
    expect(allItems(checklist).map((i) => [i.text, i.depth, i.line])).toEqual([
      ['Ship', 0, 6],
      ['Check', 1, 7],
    ]);
  });

  it('puts items under a # title with no ## into a phase titled like the checklist', () => {
    const { checklist, warnings } = parseOk('# Quick fix\n- [ ] Ship\n');
    expect(warnings).toEqual([]);
    expect(checklist.phases.map((p) => [p.title, p.sections[0]!.title, p.sections[0]!.implicit])).toEqual([['Quick fix', 'Quick fix', true]]);
  });
});

describe('item timers', () => {
  it.each([
    ['Monitor key metrics for 30 minutes', { kind: 'watch', minutes: 30 }],
    ['Monitor for 1 hour', { kind: 'watch', minutes: 60 }],
    ['Monitor for 2 hours', { kind: 'watch', minutes: 120 }],
    ['Watch dashboards for the next 45 mins', { kind: 'watch', minutes: 45 }],
    ['Soak in staging for 2 days', { kind: 'watch', minutes: 2880 }],
    ['If not recovered in 5 minutes:', { kind: 'timebox', minutes: 5 }],
    ['Error rate must drop within 10 min', { kind: 'timebox', minutes: 10 }],
    ['Decision Point (15 minutes)', { kind: 'timebox', minutes: 15 }],
    ['Post-Rollback (1 hour)', { kind: 'timebox', minutes: 60 }],
    ['Disable feature flags (< 30 seconds)', null],
    ['Monitor for 30 seconds', null],
    ['24-hour monitoring review', null],
    ['99.9% uptime in first 24 hours', null],
    ['Expand to 50% of traffic', null],
  ] as const)('%j → %j', (text, timer) => {
    expect(detectTimer(text)).toEqual(timer);
  });
});

describe('parseChecklist front matter', () => {
  it('lower-cases role names, accepts a single id, and keeps file line numbers for problems', () => {
    const { checklist } = parseOk(['---', 'roles:', '  DevOps Lead: U0AB12CD', '---', '# T', '## D', '- [ ] x'].join('\n'));
    expect(checklist.settings.roles).toEqual({ 'devops lead': ['U0AB12CD'] });
  });

  it.each([
    ['timezone: Mars/Olympus', 2, /IANA time zone/],
    ['roles:\n  lead: [bob]', 3, /Slack user id/],
    ['pageGraceMinutes: -5', 2, /more than 0/],
    ['reminderLeadMinutes: soon', 2, /minutes/],
    ['gates:\n  - match: Ship\n    quorum: most', 4, /"one", "all"/],
    ['gates:\n  - quorum: 2', 3, /match/],
    ['timezone: [UTC', 2, /not valid YAML/],
  ])('reports %j as an error on the line it is written', (yaml, line, message) => {
    const result = parse(`---\n${yaml}\n---\n# T\n## D\n- [ ] x\n`, 'fm.md');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([{ file: 'fm.md', line, severity: 'error', message: expect.stringMatching(message) }]);
  });

  it('reports front matter that is never closed', () => {
    expect(problemsOf('---\ntimezone: UTC\n# T\n## D\n- [ ] x\n')).toContainEqual(
      expect.objectContaining({ line: 1, severity: 'error', message: expect.stringMatching(/closing/) }),
    );
  });

  it('warns about unknown settings and gate matches that match nothing, at their lines', () => {
    const result = parse('---\ntimezon: UTC\ngates:\n  - match: nothing like this\n---\n# T\n## D\n- [ ] x\n');
    expect(result.ok).toBe(true);
    expect(problemsOf('---\ntimezon: UTC\ngates:\n  - match: nothing like this\n---\n# T\n## D\n- [ ] x\n')).toEqual([
      { file: 'test.md', line: 2, severity: 'warning', message: expect.stringMatching(/unknown .*"timezon"/) },
      { file: 'test.md', line: 4, severity: 'warning', message: expect.stringMatching(/matches no item/) },
    ]);
  });

  it('infers the timezone from prose only when front matter has none', () => {
    const prose = '# T\n## D\n- [ ] Ship at 9:00 PT\n\nAll times in UTC\n';
    expect(parseOk(prose).checklist.settings.timezone).toBe('America/Los_Angeles');
    expect(parseOk(prose).warnings).toEqual([
      { file: 'test.md', line: 3, severity: 'warning', message: expect.stringMatching(/inferred as "America\/Los_Angeles" from "PT"/) },
    ]);
    const explicit = parseOk(`---\ntimezone: Europe/Berlin\n---\n${prose}`);
    expect(explicit.checklist.settings.timezone).toBe('Europe/Berlin');
    expect(explicit.warnings).toEqual([]);
  });
});

describe('parseChecklist problems name file and line', () => {
  it('reports a code fence that is never closed at its opening line', () => {
    expect(problemsOf('# T\n## D\n- [ ] x\n\n```\ncode\n')).toEqual([
      { file: 'test.md', line: 5, severity: 'error', message: expect.stringMatching(/never closed/) },
    ]);
  });

  it.each([['- [ x] spaced box'], ['-[ ] no space'], ['- [] empty box'], ['- [x]glued text'], ['1.[ ] numbered']])(
    'reports the malformed box in %j',
    (line) => {
      expect(problemsOf(`# T\n## D\n- [ ] fine\n${line}\n`)).toEqual([
        { file: 'test.md', line: 4, severity: 'error', message: expect.stringMatching(/malformed task box/) },
      ]);
    },
  );

  it('does not mistake links or tags in brackets for task boxes', () => {
    expect(problemsOf('# T\n## D\n- [ ] x\n- [runbook](https://x.example.com)\n- [WIP] draft\n')).toEqual([]);
  });

  it('reports a task with no text', () => {
    expect(problemsOf('# T\n## D\n- [ ] x\n- [ ]\n')).toEqual([
      { file: 'test.md', line: 4, severity: 'error', message: expect.stringMatching(/no text/) },
    ]);
  });

  it('accepts items before any heading with a warning, in an implicit phase', () => {
    const result = parse('- [ ] Early item\n# Title\n## D\n- [ ] x\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([{ file: 'test.md', line: 1, severity: 'warning', message: expect.stringMatching(/before any heading/) }]);
    expect(result.checklist.phases[0]!.title).toBe('Title');
    expect(result.checklist.phases[0]!.sections[0]!.items[0]!.text).toBe('Early item');
  });

  it('reports a clock window whose times do not parse, naming the heading line', () => {
    expect(problemsOf('# T\n## D\n### Cutover (25:00 PM - 2 PM)\n- [ ] x\n')).toEqual([
      { file: 'test.md', line: 3, severity: 'error', message: expect.stringMatching(/25:00 PM/) },
    ]);
  });

  it('reports a checklist with no items', () => {
    expect(problemsOf('# Empty\n\n## Notes\nNothing yet.\n')).toEqual([
      { file: 'test.md', line: 1, severity: 'error', message: expect.stringMatching(/no items/) },
    ]);
  });

  it('warns about duplicate phase titles at the second one', () => {
    expect(problemsOf('# T\n## Deploy\n- [ ] a\n## Deploy\n- [ ] b\n')).toEqual([
      { file: 'test.md', line: 4, severity: 'warning', message: expect.stringMatching(/duplicate .*line 2/) },
    ]);
  });

  it('warns when there is no # title and uses the file name', () => {
    const result = parseChecklist('## D\n- [ ] x\n', { name: 'release', source: 'checklists/release.md' });
    expect(result.ok && result.checklist.title).toBe('release');
    expect(result.ok && result.warnings).toEqual([
      { file: 'checklists/release.md', line: 1, severity: 'warning', message: expect.stringMatching(/no `#` title/) },
    ]);
  });

  it('reports every problem of a broken file, in line order', () => {
    const result = parseFile(path.join(fixturesDir, 'broken.md'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.severity])).toEqual([
      [2, 'error'],
      [4, 'error'],
      [5, 'error'],
      [9, 'error'],
      [10, 'error'],
      [11, 'error'],
      [14, 'error'],
    ]);
    expect(result.problems.every((p) => p.file === path.join(fixturesDir, 'broken.md'))).toBe(true);
  });
});
