/**
 * Parses the text after `/deploy` into a command. Pure: every malformed input becomes
 * `{ kind: 'usage' }` with a line saying what was expected, never an exception.
 */

export type Command =
  | { kind: 'help' }
  | { kind: 'checklists' }
  | { kind: 'start'; checklist: string; when: string | null; timezone: string | null }
  | { kind: 'status'; run: string | null }
  | { kind: 'schedule'; run: string | null }
  | { kind: 'runs' }
  | { kind: 'abort'; run: string | null; reason: string | null }
  | { kind: 'finish'; run: string | null; waive: string | null }
  /** The reason may be empty: the service refuses it, so the attempt is audited. */
  | { kind: 'waive'; run: string | null; reason: string }
  | { kind: 'rollback'; run: string | null; reason: string }
  | { kind: 'slip'; run: string | null; duration: string; confirm: boolean }
  | { kind: 'reschedule'; run: string | null; when: string; confirm: boolean }
  | { kind: 'role'; run: string | null; role: string; userId: string; remove: boolean }
  | { kind: 'roles'; run: string | null }
  | { kind: 'page'; run: string | null; message: string }
  | { kind: 'oncall'; run: string | null }
  | { kind: 'export'; run: string | null }
  | { kind: 'history'; checklist: string }
  | { kind: 'token'; action: 'create'; name: string; checklist: string | null }
  | { kind: 'token'; action: 'list' }
  | { kind: 'token'; action: 'revoke'; name: string }
  | { kind: 'ref'; run: string | null; section: string | null; part: number }
  | { kind: 'contacts'; run: string | null }
  | { kind: 'usage'; message: string };

export interface CommandHelp {
  usage: string;
  summary: string;
}

/** Every subcommand, in the order `/deploy help` lists them. */
export const COMMANDS: Record<Exclude<Command['kind'], 'usage'>, CommandHelp> = {
  help: { usage: '/deploy help', summary: 'this list' },
  checklists: { usage: '/deploy checklists', summary: 'the checklists you can start, and any that have errors' },
  start: {
    usage: '/deploy start <checklist> [at <time>] [tz <zone>]',
    summary: 'start a run here; T-0 is now unless you give a time (16:00, 4pm, tomorrow 09:00, 2026-11-23 16:00, in 2h)',
  },
  status: { usage: '/deploy status [#run]', summary: 'progress, what is open, overdue and gated' },
  schedule: { usage: '/deploy schedule [#run]', summary: 'the timeline in your timezone, with each phase’s state' },
  runs: { usage: '/deploy runs', summary: 'recent runs in this channel' },
  slip: { usage: '/deploy slip [#run] <duration> [confirm]', summary: 'move T-0 and every later window, e.g. 45m, -15m, 1h30m (lead or approver)' },
  reschedule: { usage: '/deploy reschedule [#run] <time> [confirm]', summary: 'set a new T-0 (lead or approver)' },
  role: {
    usage: '/deploy role [#run] <role> @person  |  /deploy role remove <role> @person',
    summary:
      'give or take a role: lead, approver, on-call, or a sign-off role such as "QA Lead" (the lead; a role the checklist names: its holders or an admin)',
  },
  roles: { usage: '/deploy roles [#run]', summary: 'who holds which role' },
  rollback: { usage: '/deploy rollback [#run] <reason>', summary: 'switch the run to its rollback checklist and page on-call (lead or approver)' },
  finish: {
    usage: '/deploy finish [#run] [waive <reason>]',
    summary: 'complete the run; open items must be done or waived with a reason (lead or approver)',
  },
  waive: {
    usage: '/deploy waive gate [#run] [<gate number or key>] <reason>',
    summary: 'waive an undecided Go/No-Go gate with a reason so the run can finish (its number or key, when several are undecided)',
  },
  abort: { usage: '/deploy abort [#run] [reason]', summary: 'stop the run (lead or approver)' },
  page: { usage: '/deploy page [#run] <message>', summary: 'page the on-call escalation path now' },
  oncall: { usage: '/deploy oncall [#run]', summary: 'who is on call now for the run’s escalation policy' },
  export: { usage: '/deploy export [#run]', summary: 'the run’s audit record' },
  history: { usage: '/deploy history <checklist>', summary: 'past runs of a checklist: duration, phases that overran, outcome' },
  token: {
    usage: '/deploy token create <name> [checklist]  |  /deploy token list  |  /deploy token revoke <name>',
    summary: 'tokens for the pipeline API, scoped to this channel (lead only; shown once)',
  },
  ref: {
    usage: '/deploy ref [#run] [section] [part <n>]',
    summary: 'the checklist’s reference material (contacts, escalation, templates): the list, or one section',
  },
  contacts: {
    usage: '/deploy contacts [#run]',
    summary: 'the people the checklist names: contacts (linked to Slack by e-mail), who is on shift by its rota, the escalation path',
  },
};

const MAX_TEXT = 2_000;

function usage(kind: keyof typeof COMMANDS, problem?: string): Command {
  return { kind: 'usage', message: `${problem ? `${problem} ` : ''}Usage: \`${COMMANDS[kind].usage}\`` };
}

/** Pulls a `#12` (or `run 12`) run reference out of the words, wherever it is. */
function takeRunRef(words: string[]): { run: string | null; rest: string[] } {
  const index = words.findIndex((w) => /^#\d{1,9}$/.test(w));
  if (index === -1) return { run: null, rest: words };
  return { run: words[index]!, rest: [...words.slice(0, index), ...words.slice(index + 1)] };
}

/** `<@U123|name>`: Slack's escaped mention, unambiguous whatever the id's length. */
function mentionedUserId(word: string): string | null {
  const match = /^<@([UW][A-Z0-9]{1,20})(?:\|[^>]*)?>$/.exec(word);
  return match ? match[1]! : null;
}

/** A bare `U0123ABC`; only a fallback, as a role word such as "UAT" has the same shape. */
function bareUserId(word: string): string | null {
  const match = /^([UW][A-Z0-9]{2,20})$/.exec(word);
  return match ? match[1]! : null;
}

export function parseCommand(raw: string): Command {
  if (raw.length > MAX_TEXT)
    return { kind: 'usage', message: `That is ${raw.length} characters; /deploy takes at most ${MAX_TEXT}. Try \`/deploy help\`.` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this replaces.
  const text = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  if (text === '') return { kind: 'help' };
  const [head, ...tail] = text.split(/\s+/);
  const sub = head!.toLowerCase();
  const { run, rest } = takeRunRef(tail);
  const restText = rest.join(' ').trim();

  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'checklists':
    case 'list':
      return rest.length ? usage('checklists') : { kind: 'checklists' };
    case 'runs':
      return rest.length || run ? usage('runs') : { kind: 'runs' };
    case 'status':
    case 'schedule':
    case 'roles':
    case 'oncall':
    case 'export':
    case 'contacts':
      return rest.length ? usage(sub, `\`${sub}\` takes only a run id.`) : { kind: sub, run };
    case 'start': {
      if (run) return usage('start', 'A new run has no id yet.');
      const words = [...rest];
      const name = words.shift();
      if (!name || /^(at|tz)$/i.test(name)) return usage('start', 'Which checklist? `/deploy checklists` lists them.');
      if (!/^[\w.-]{1,100}$/.test(name)) return usage('start', `“${name.slice(0, 40)}” is not a checklist name.`);
      let timezone: string | null = null;
      const tzIndex = words.findIndex((w) => /^tz(=.*)?$/i.test(w));
      if (tzIndex !== -1) {
        const word = words[tzIndex]!;
        timezone = word.includes('=') ? word.slice(word.indexOf('=') + 1) : (words[tzIndex + 1] ?? '');
        words.splice(tzIndex, word.includes('=') ? 1 : 2);
        if (!timezone) return usage('start', 'Give a timezone after `tz`, e.g. `tz Europe/Berlin`.');
      }
      let when: string | null = null;
      if (words.length) {
        if (words[0]!.toLowerCase() !== 'at' && words[0]!.toLowerCase() !== 'in') {
          return usage('start', `I did not understand “${words.join(' ').slice(0, 60)}”.`);
        }
        const isIn = words[0]!.toLowerCase() === 'in';
        when = words.slice(1).join(' ');
        if (!when) return usage('start', 'Give a time after `at`, e.g. `at 16:00`.');
        if (isIn) when = `in ${when}`;
      }
      return { kind: 'start', checklist: name.replace(/\.md$/, ''), when, timezone };
    }
    case 'abort':
      return { kind: 'abort', run, reason: restText || null };
    case 'finish': {
      if (!restText) return { kind: 'finish', run, waive: null };
      const match = /^waive\s+(.+)$/i.exec(restText);
      return match ? { kind: 'finish', run, waive: match[1]!.trim() } : usage('finish', 'To finish with open items, waive them with a reason.');
    }
    case 'waive': {
      if (!/^gate\b/i.test(restText))
        return usage('waive', 'Items are waived when the run finishes (`/deploy finish waive <reason>`); a gate with `waive gate`.');
      return { kind: 'waive', run, reason: restText.replace(/^gate\b/i, '').trim() };
    }
    case 'rollback':
      return restText ? { kind: 'rollback', run, reason: restText } : usage('rollback', 'Say why: the reason goes in the audit and the page.');
    case 'slip': {
      // A trailing `confirm` accepts a move into the past or by more than a week (service/t0Moves.ts).
      const confirm = rest.length === 2 && rest[1]!.toLowerCase() === 'confirm';
      return rest.length === 1 || confirm ? { kind: 'slip', run, duration: rest[0]!, confirm } : usage('slip', 'Give one duration.');
    }
    case 'reschedule': {
      const confirm = /\s+confirm$/i.test(restText);
      const when = confirm ? restText.replace(/\s+confirm$/i, '') : restText;
      return when ? { kind: 'reschedule', run, when, confirm } : usage('reschedule', 'Give the new T-0.');
    }
    case 'role': {
      // A mention's label may hold spaces (`<@U123|Dana Smith>`); only the id matters, so drop it before splitting.
      const words = restText
        .replace(/<@([UW][A-Z0-9]{1,20})\|[^>]*>/g, '<@$1>')
        .split(' ')
        .filter((w) => w !== '');
      let remove = false;
      if (words[0]?.toLowerCase() === 'remove') {
        remove = true;
        words.shift();
      }
      const mentionIndex = words.findIndex((w) => mentionedUserId(w) !== null);
      // Without a mention, the person is the last id-shaped word (`<role> @person`), so "UAT Lead U0AB12" works.
      const userIndex = mentionIndex !== -1 ? mentionIndex : words.findLastIndex((w) => bareUserId(w) !== null);
      if (userIndex === -1) return usage('role', 'Mention the person, e.g. `/deploy role approver @dana`.');
      const userId = mentionedUserId(words[userIndex]!) ?? bareUserId(words[userIndex]!)!;
      words.splice(userIndex, 1);
      const role = words
        .join(' ')
        .replace(/^["“]|["”]$/g, '')
        .trim();
      if (!role || role.length > 80) return usage('role', 'Name the role, e.g. approver or "QA Lead".');
      return { kind: 'role', run, role, userId, remove };
    }
    case 'history':
      return rest.length === 1 && !run && /^[\w.-]{1,100}$/.test(rest[0]!)
        ? { kind: 'history', checklist: rest[0]!.replace(/\.md$/, '') }
        : usage('history', 'Name one checklist.');
    case 'ref':
    case 'reference': {
      // "Key Contacts part 2": a long section comes in parts (views/referenceText.ts).
      const partMatch = /^(.*?)\s*\bpart\s+(\d{1,3})$/i.exec(restText);
      const section = (partMatch ? partMatch[1]! : restText).trim();
      return { kind: 'ref', run, section: section === '' ? null : section, part: partMatch ? Number(partMatch[2]) : 1 };
    }
    case 'page':
      return restText ? { kind: 'page', run, message: restText } : usage('page', 'Say what the page is about.');
    case 'token':
      return parseTokenCommand(run === null ? rest : tail);
    default:
      return { kind: 'usage', message: `I don’t know \`${sub.slice(0, 30)}\`. Try \`/deploy help\` for the list.` };
  }
}

function parseTokenCommand(words: string[]): Command {
  const [action, name, checklist, ...extra] = words;
  const nameOk = (n: string | undefined): n is string => n !== undefined && /^[a-z0-9][a-z0-9._-]{0,39}$/.test(n);
  switch (action?.toLowerCase()) {
    case 'list':
      return words.length === 1 ? { kind: 'token', action: 'list' } : usage('token');
    case 'revoke':
      return words.length === 2 && nameOk(name) ? { kind: 'token', action: 'revoke', name } : usage('token', 'Name the token to revoke.');
    case 'create':
      if (!nameOk(name) || extra.length > 0 || (checklist !== undefined && !/^[\w.-]{1,100}$/.test(checklist))) {
        return usage('token', 'Name the token in lower case (letters, digits, . _ -), e.g. `github-actions`, then optionally one checklist.');
      }
      return { kind: 'token', action: 'create', name, checklist: checklist === undefined ? null : checklist.replace(/\.md$/, '') };
    default:
      return usage('token');
  }
}

export function helpText(): string {
  return [
    '*deployday* runs deployment day from a markdown checklist. Commands:',
    ...Object.values(COMMANDS).map((c) => `• \`${c.usage}\` — ${c.summary}`),
    'Run ids look like `#12`; you need one only when several runs are active in a channel.',
  ].join('\n');
}
