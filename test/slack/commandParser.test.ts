import { describe, it, expect } from 'vitest';
import { COMMANDS, helpText, parseCommand, type Command } from '../../src/slack/commandParser.js';

function usageOf(text: string): string {
  const command = parseCommand(text);
  if (command.kind !== 'usage') throw new Error(`expected usage for ${JSON.stringify(text)}, got ${JSON.stringify(command)}`);
  return command.message;
}

describe('parseCommand: commands without arguments', () => {
  it.each<[string, Command]>([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP me', { kind: 'help' }],
    ['checklists', { kind: 'checklists' }],
    ['list', { kind: 'checklists' }],
    ['runs', { kind: 'runs' }],
    ['Runs', { kind: 'runs' }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(['checklists extra', 'runs #4', 'runs mine'])('refuses arguments to %j with its usage', (text) => {
    expect(usageOf(text)).toMatch(/Usage: `\/deploy (checklists|runs)`/);
  });
});

describe('parseCommand: commands that take only a run', () => {
  it.each(['status', 'schedule', 'roles', 'oncall', 'export'] as const)('reads `%s` with and without a run id', (kind) => {
    expect(parseCommand(kind)).toEqual({ kind, run: null });
    expect(parseCommand(`${kind} #12`)).toEqual({ kind, run: '#12' });
  });

  it('refuses anything else after a run-only command', () => {
    expect(usageOf('status #12 please')).toContain('`status` takes only a run id.');
  });

  it('does not read a run id with letters, or one too long, as a run', () => {
    expect(usageOf('status #12a')).toContain('takes only a run id');
    expect(usageOf('status #1234567890')).toContain('takes only a run id');
  });
});

describe('parseCommand: run ids anywhere', () => {
  it.each<[string, Command]>([
    ['rollback #12 error rate is climbing', { kind: 'rollback', run: '#12', reason: 'error rate is climbing' }],
    ['rollback error rate #12 is climbing', { kind: 'rollback', run: '#12', reason: 'error rate is climbing' }],
    ['rollback error rate is climbing #12', { kind: 'rollback', run: '#12', reason: 'error rate is climbing' }],
    ['slip 45m #3', { kind: 'slip', run: '#3', duration: '45m', confirm: false }],
    ['slip -3h confirm', { kind: 'slip', run: null, duration: '-3h', confirm: true }],
    ['abort #9', { kind: 'abort', run: '#9', reason: null }],
    ['page #2 db replica down', { kind: 'page', run: '#2', message: 'db replica down' }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('parseCommand: start', () => {
  it.each<[string, Command]>([
    ['start canary-rollout', { kind: 'start', checklist: 'canary-rollout', when: null, timezone: null }],
    ['start canary-rollout.md', { kind: 'start', checklist: 'canary-rollout', when: null, timezone: null }],
    ['start x at 16:00', { kind: 'start', checklist: 'x', when: '16:00', timezone: null }],
    ['start x at tomorrow 09:00 tz Europe/Berlin', { kind: 'start', checklist: 'x', when: 'tomorrow 09:00', timezone: 'Europe/Berlin' }],
    ['start x tz Europe/Berlin at tomorrow 09:00', { kind: 'start', checklist: 'x', when: 'tomorrow 09:00', timezone: 'Europe/Berlin' }],
    ['start x at 2026-11-23 16:00 tz=America/New_York', { kind: 'start', checklist: 'x', when: '2026-11-23 16:00', timezone: 'America/New_York' }],
    ['start x TZ=UTC', { kind: 'start', checklist: 'x', when: null, timezone: 'UTC' }],
    ['start x in 2h', { kind: 'start', checklist: 'x', when: 'in 2h', timezone: null }],
    ['START x AT 4pm', { kind: 'start', checklist: 'x', when: '4pm', timezone: null }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['start', 'Which checklist?'],
    ['start at 16:00', 'Which checklist?'],
    ['start tz UTC', 'Which checklist?'],
    ['start #4 x', 'A new run has no id yet.'],
    ['start ../../etc/passwd', 'is not a checklist name'],
    ['start x at', 'Give a time after `at`'],
    ['start x in', 'Give a time after `at`'],
    ['start x tz', 'Give a timezone after `tz`'],
    ['start x tz=', 'Give a timezone after `tz`'],
    ['start x tomorrow', 'I did not understand “tomorrow”'],
  ])('refuses %j', (text, problem) => {
    const message = usageOf(text);
    expect(message).toContain(problem);
    expect(message).toContain(COMMANDS.start.usage);
  });
});

describe('parseCommand: finish, abort, rollback, slip, reschedule, page', () => {
  it.each<[string, Command]>([
    ['finish', { kind: 'finish', run: null, waive: null }],
    ['finish waive not needed for this release', { kind: 'finish', run: null, waive: 'not needed for this release' }],
    ['finish #5 WAIVE infra owns it', { kind: 'finish', run: '#5', waive: 'infra owns it' }],
    ['abort', { kind: 'abort', run: null, reason: null }],
    ['abort change window missed', { kind: 'abort', run: null, reason: 'change window missed' }],
    ['slip -15m', { kind: 'slip', run: null, duration: '-15m', confirm: false }],
    ['reschedule tomorrow 10:00', { kind: 'reschedule', run: null, when: 'tomorrow 10:00', confirm: false }],
    ['reschedule 2025-01-01 10:00 confirm', { kind: 'reschedule', run: null, when: '2025-01-01 10:00', confirm: true }],
    ['page db is on fire', { kind: 'page', run: null, message: 'db is on fire' }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['finish now', 'waive them with a reason'],
    ['finish waive', 'waive them with a reason'],
    ['rollback', 'Say why'],
    ['rollback #3', 'Say why'],
    ['slip', 'Give one duration.'],
    ['slip 1h 30m', 'Give one duration.'],
    ['reschedule #3', 'Give the new T-0.'],
    ['page', 'Say what the page is about.'],
  ])('refuses %j', (text, problem) => {
    expect(usageOf(text)).toContain(problem);
  });
});

describe('parseCommand: role', () => {
  it.each<[string, Command]>([
    ['role approver <@U0APPR001>', { kind: 'role', run: null, role: 'approver', userId: 'U0APPR001', remove: false }],
    ['role "QA Lead" <@U123|dana>', { kind: 'role', run: null, role: 'QA Lead', userId: 'U123', remove: false }],
    ['role “QA Lead” <@U123|dana>', { kind: 'role', run: null, role: 'QA Lead', userId: 'U123', remove: false }],
    ['role <@U123|dana> on-call', { kind: 'role', run: null, role: 'on-call', userId: 'U123', remove: false }],
    ['role #8 lead <@W0ENTERPRISE>', { kind: 'role', run: '#8', role: 'lead', userId: 'W0ENTERPRISE', remove: false }],
    ['role remove approver <@U1>', { kind: 'role', run: null, role: 'approver', userId: 'U1', remove: true }],
    ['role approver <@U0APPR001|Dana Smith>', { kind: 'role', run: null, role: 'approver', userId: 'U0APPR001', remove: false }],
    ['role REMOVE approver U0APPR001', { kind: 'role', run: null, role: 'approver', userId: 'U0APPR001', remove: true }],
  ])('reads %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('takes the mentioned person, not a role word that looks like a user id', () => {
    expect(parseCommand('role UAT Lead <@U0QA00001|sam>')).toEqual({
      kind: 'role',
      run: null,
      role: 'UAT Lead',
      userId: 'U0QA00001',
      remove: false,
    });
  });

  it('takes the last id-shaped word as the person when nobody is mentioned', () => {
    expect(parseCommand('role UAT Lead U0QA00001')).toEqual({ kind: 'role', run: null, role: 'UAT Lead', userId: 'U0QA00001', remove: false });
  });

  it.each<[string, string]>([
    ['role approver', 'Mention the person'],
    ['role approver @dana', 'Mention the person'],
    ['role <@U0APPR001>', 'Name the role'],
    ['role remove <@U0APPR001>', 'Name the role'],
    [`role ${'x'.repeat(81)} <@U0APPR001>`, 'Name the role'],
  ])('refuses %j', (text, problem) => {
    expect(usageOf(text)).toContain(problem);
  });
});

describe('parseCommand: malformed input', () => {
  it('answers an unknown subcommand with a pointer to help', () => {
    expect(usageOf('deploy-everything now')).toBe('I don’t know `deploy-everything`. Try `/deploy help` for the list.');
  });

  it('cuts a long unknown subcommand in its answer', () => {
    expect(usageOf('x'.repeat(200))).toContain(`\`${'x'.repeat(30)}\``);
    expect(usageOf('x'.repeat(200))).not.toContain('x'.repeat(31));
  });

  it('refuses over-long text without parsing it', () => {
    expect(usageOf(`page ${'a'.repeat(2_000)}`)).toContain('at most 2000');
  });

  it('accepts text at the length limit', () => {
    const text = `page ${'a'.repeat(2_000 - 5)}`;
    expect(text).toHaveLength(2_000);
    expect(parseCommand(text).kind).toBe('page');
  });

  it('reads control characters as spaces', () => {
    expect(parseCommand('status\u0000#12')).toEqual({ kind: 'status', run: '#12' });
    expect(parseCommand('rollback\u0007 db\u001b down')).toEqual({ kind: 'rollback', run: null, reason: 'db down' });
  });

  it('reads a newline or tab as a word break', () => {
    expect(parseCommand('slip\n#3\t45m')).toEqual({ kind: 'slip', run: '#3', duration: '45m', confirm: false });
  });

  it('treats text that is only control characters as a request for help', () => {
    expect(parseCommand('\u0001\u0002')).toEqual({ kind: 'help' });
  });
});

describe('helpText', () => {
  it('lists the usage and summary of every command', () => {
    const text = helpText();
    for (const [key, help] of Object.entries(COMMANDS)) {
      expect(text, key).toContain(`\`${help.usage}\` — ${help.summary}`);
    }
  });

  it('has one line per command plus a heading and a note on run ids', () => {
    expect(helpText().split('\n')).toHaveLength(Object.keys(COMMANDS).length + 2);
  });

  it('covers every subcommand the parser understands', () => {
    for (const key of Object.keys(COMMANDS)) {
      const command = parseCommand(key);
      expect(command.kind === 'usage' ? command.message : '', key).not.toContain('I don’t know');
    }
  });
});
