/**
 * Generated hostile input against one running bot: slash-command texts and interaction payloads
 * that are all correctly signed (so they get past the signature check) but that the bot must
 * refuse or ignore. A seeded PRNG makes every run send the same requests; the seed is in the
 * test names and in every failure message, and FUZZ_SEED=<n> replays another sequence.
 *
 * Every generated request is invalid by construction: clicks come only from people who hold no
 * role, never from the channel of a run whose open items they name, and never name an item of
 * the active run that anyone could tick. So for every case the bot must answer below 500, stay
 * up, change nothing in the run tables (audit `denied` rows are expected), answer commands only
 * ephemerally, and post nothing public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorkspace, type SlackBlock, type StoredMessage } from '../support/fakeSlack.js';
import { LEGACY_VERIFICATION_TOKEN, type BotResponse } from '../support/slackClient.js';
import { ALICE, BOB, CHANNEL, ackText, publicPostCount, startHarness, startRun, type Harness } from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eedf00d);
const CONCURRENCY = 8;
const OTHER_CHANNEL = 'C0OTHER';

// ---------------------------------------------------------------- a seeded PRNG

/** mulberry32: small, fast and plenty for picking inputs; the same seed gives the same sequence. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
}

// ---------------------------------------------------------------- hostile strings and values

const FRAGMENTS = [
  'status',
  'start',
  'abort',
  'finish',
  'waive',
  'rollback',
  'slip',
  'role',
  'remove',
  'page',
  'export',
  'runs',
  'help',
  'approver',
  'lead',
  '"QA Lead"',
  '“QA Lead”',
  'tz',
  'at',
  'in',
  'שלום',
  'مرحبا بالعالم',
  '\u202eevil\u202c',
  '\u202d',
  '\u200f',
  'עברית 123',
  '🚀',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🔥🔥🔥',
  '\u{1F9EA}',
  '\u200b',
  '\u200c',
  '\u200d',
  '\ufeff',
  '\u2028',
  '\u2029',
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\u001b[31m',
  '\u007f',
  '\r\n',
  '\t',
  '\ud800',
  '\udfff',
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0MALLORY>',
  '<@U0ALICE|alice>',
  '<#C0OTHER|other>',
  '<@>',
  '<@W0EVE|Eve “the” Auditor>',
  '*bold*',
  '_it_',
  '~s~',
  '`code`',
  '```',
  '> quote',
  '&amp;',
  '&lt;',
  '%00',
  '%',
  '${x}',
  '{{x}}',
  '\\',
  '\\n',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '«',
  '»',
  '""',
  "''",
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE runs;--",
  'null',
  'undefined',
  'NaN',
  'true',
  '#1',
  '#2',
  '#3',
  '#0',
  '#-1',
  '#999999999',
  '#99999999999',
  '#1.5',
  '#abc',
  '##2',
  '#',
];

/** Words a time or time-zone parser can never read: no digits, no English time words. */
const UNREADABLE = ['🙂', 'שעה', 'ظهرا', '\u200b', '¯\\_(ツ)_/¯', 'Mars/Olympus_Mons', 'Europe/Atlantis', 'UTC+🕐', 'ß', 'Ω/Ω'];

function junk(rng: Rng, words = 1 + rng.int(8)): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(rng.pick(FRAGMENTS));
  return out.join(rng.pick([' ', ' ', '', '  ', '\n', '\u00a0']));
}

function huge(rng: Rng): string {
  const unit = rng.pick(['a', '🚀', 'ש', '\u200b', '<!channel> ', '#2 ', `${'x'.repeat(7)} `, '\u0000']);
  const length = rng.pick([2_001, 4_096, 9_999, 10_000]);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Deeply nested arrays and objects, for code that walks a payload. */
function deep(rng: Rng): unknown {
  let value: unknown = rng.pick(['bottom', 0, null]);
  const depth = rng.pick([50, 500, 2_000]);
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { blocks: value };
  return value;
}

const NOT_A_ROLE_HOLDER = ['U0MALLORY', 'W0EVE', 'U0TRUDY', 'USLACKBOT', 'U0BOT', `U${'Z'.repeat(20)}`];
/** Channels a click may claim to come from: never OTHER_CHANNEL, where run B's items are open to anyone. */
const CLICK_CHANNELS = [CHANNEL, 'C0NOWHERE', 'D0MALLORY', 'G0PRIVATE', 'C0DEPLOY ', 'c0deploy'];

function hostileValue(rng: Rng): unknown {
  switch (rng.int(14)) {
    case 0:
      return null;
    case 1:
      return rng.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53]);
    case 2:
      return rng.bool();
    case 3:
      return '';
    case 4:
      return junk(rng);
    case 5:
      return huge(rng);
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return [junk(rng), 5, null, { id: junk(rng) }];
    case 9:
      return JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "id": ${JSON.stringify(junk(rng))}}`) as unknown;
    case 10:
      return deep(rng);
    case 11:
      return rng.pick(NOT_A_ROLE_HOLDER);
    case 12:
      return rng.pick(CLICK_CHANNELS);
    default:
      return '{"type":"block_actions","actions":[]}';
  }
}

// ---------------------------------------------------------------- the world the requests aim at

interface World {
  h: Harness;
  finishedRun: number;
  activeRun: number;
  otherRun: number;
  /** Messages of each run as the fake stores them. */
  messages: { finished: StoredMessage[]; active: StoredMessage[]; other: StoredMessage[] };
}

/** Items of the active run nobody without a role can change now: a gate, gated, rollback-only, a sign-off. */
const ACTIVE_REFUSED_ITEMS = ['s1.i1', 's2.i0', 's2.i1', 's2.i2', 's3.i0', 's3.i1', 's3.i2', 's4.i0'];
const NONEXISTENT_ITEMS = ['s0.i9', 's9.i0', 's999999.i999999', 's0.i', 'S0.I0', 's0.i0 ', 's-1.i0', 's0.i01x'];
const ANY_ITEMS = ['s0.i0', 's0.i1', 's0.i2', 's1.i0', 's0.i30', ...ACTIVE_REFUSED_ITEMS, ...NONEXISTENT_ITEMS];

/** `<runId>:<itemId>` values that can never be acted on by the people and channels used here. */
function itemRef(rng: Rng, w: World): string {
  switch (rng.int(6)) {
    case 0:
      return `${w.activeRun}:${rng.pick([...ACTIVE_REFUSED_ITEMS, ...NONEXISTENT_ITEMS])}`;
    case 1:
      return `${w.otherRun}:${rng.pick(ANY_ITEMS)}`;
    case 2:
      return `${w.finishedRun}:${rng.pick(ANY_ITEMS)}`;
    case 3:
      return `${rng.pick(['999999', '0', '9007199254740993', '123456789012', '-2', '00002', '2.0', '1e3'])}:${rng.pick(ANY_ITEMS)}`;
    case 4:
      return rng.pick([
        '',
        ':',
        `${w.activeRun}:`,
        `:${ANY_ITEMS[0]}`,
        `${w.activeRun}:s0.i0:extra`,
        `${w.activeRun}::s0.i0`,
        ` ${w.activeRun}:s0.i0`,
      ]);
    default:
      return junk(rng, 2);
  }
}

/** `<runId>:<sectionId>` values for the overdue acknowledgement that name no section anyone may acknowledge. */
function sectionRef(rng: Rng, w: World): string {
  switch (rng.int(5)) {
    case 0:
      return `${w.activeRun}:${rng.pick(['s5', 's9', 's99', 's999999', 's0.i0', 'S0', 's'])}`;
    case 1:
      return `${w.otherRun}:${rng.pick(['s0', 's1', 's2'])}`;
    case 2:
      return `${w.finishedRun}:${rng.pick(['s0', 's1', 's2', 's3'])}`;
    case 3:
      return `${rng.pick(['999999', '0', '123456789012'])}:s0`;
    default:
      return junk(rng, 2);
  }
}

/**
 * A checkbox block id. For the active run only sections whose every item is refused here (s2–s4)
 * or that do not exist: a real message of it may hold the s0/s1 blocks, where a click would count.
 */
function itemsBlockId(rng: Rng, w: World): { blockId: string; activeRun: boolean } {
  const run = rng.pick([w.activeRun, w.otherRun, w.finishedRun, 999_999, 0]);
  const section = (): string => (run === w.activeRun ? rng.pick(['s2', 's3', 's4', 's5', 's9']) : `s${rng.int(6)}`);
  switch (rng.int(4)) {
    case 0:
      return { blockId: `dd_items:${run}:${section()}:${rng.int(3)}`, activeRun: run === w.activeRun };
    case 1:
      return { blockId: `dd_items:${run}:${rng.pick([section(), 'x'])}:${rng.pick(['0', '-1', '99999', ''])}`, activeRun: run === w.activeRun };
    case 2:
      return {
        blockId: rng.pick([
          'dd_items',
          'dd_items:',
          'dd_items:::',
          `dd_item:${w.activeRun}:s0.i0`,
          `dd_gate:${w.activeRun}:s1.i1`,
          'DD_ITEMS:2:s0:0',
        ]),
        activeRun: false,
      };
    default:
      return { blockId: junk(rng, 2), activeRun: false };
  }
}

function option(value: unknown): Record<string, unknown> {
  return { text: { type: 'mrkdwn', text: typeof value === 'string' ? value.slice(0, 50) || ' ' : 'x' }, value };
}

function checkboxBlock(blockId: string, values: unknown[], initial: unknown[]): SlackBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [{ type: 'checkboxes', action_id: 'dd_item_toggle', options: values.map(option), initial_options: initial.map(option) }],
  };
}

function subset<T>(rng: Rng, items: readonly T[]): T[] {
  return items.filter(() => rng.bool());
}

function stored(message: StoredMessage): Record<string, unknown> {
  return {
    user: FakeWorkspace.botUserId,
    type: 'message',
    ts: message.ts,
    bot_id: FakeWorkspace.botId,
    app_id: FakeWorkspace.appId,
    text: message.text,
    team: FakeWorkspace.teamId,
    blocks: structuredClone(message.blocks),
  };
}

/** Blocks of the active run's messages in which every checkbox belongs to an item nobody here may change. */
function refusedBlocksOfActiveRun(w: World): Array<{ message: StoredMessage; block: SlackBlock; values: string[] }> {
  const out: Array<{ message: StoredMessage; block: SlackBlock; values: string[] }> = [];
  for (const message of w.messages.active) {
    for (const block of message.blocks) {
      const boxes = (Array.isArray(block['elements']) ? (block['elements'] as Array<Record<string, unknown>>) : []).find(
        (e) => e['type'] === 'checkboxes',
      );
      if (!boxes || !Array.isArray(boxes['options'])) continue;
      const values = (boxes['options'] as Array<{ value: string }>).map((o) => o.value);
      if (values.every((v) => ACTIVE_REFUSED_ITEMS.includes(v))) out.push({ message, block, values });
    }
  }
  return out;
}

/** Checkbox blocks of the runs that are not the active one (their items are refused here whatever they are). */
function blocksOfOtherRuns(w: World): Array<{ message: StoredMessage; block: SlackBlock; values: string[] }> {
  const out: Array<{ message: StoredMessage; block: SlackBlock; values: string[] }> = [];
  for (const message of [...w.messages.finished, ...w.messages.other]) {
    for (const block of message.blocks) {
      const boxes = (Array.isArray(block['elements']) ? (block['elements'] as Array<Record<string, unknown>>) : []).find(
        (e) => e['type'] === 'checkboxes',
      );
      if (boxes && Array.isArray(boxes['options']))
        out.push({ message, block, values: (boxes['options'] as Array<{ value: string }>).map((o) => o.value) });
    }
  }
  return out;
}

// ---------------------------------------------------------------- generated cases

interface Case {
  index: number;
  kind: 'command' | 'block_actions' | 'view_submission' | 'raw';
  what: string;
  body: string;
  contentType?: string;
}

const DELETE = Symbol('delete');

/** Sets (or deletes) a dotted path inside a JSON-ish object; gives up where the path runs into a non-object. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record[key] === undefined) record[key] = /^\d+$/.test(keys[keys.indexOf(key) + 1] ?? '') ? [] : {};
    node = record[key];
  }
  if (typeof node !== 'object' || node === null) return;
  const last = keys[keys.length - 1]!;
  if (value === DELETE) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = value;
}

function describeValue(value: unknown): string {
  if (value === DELETE) return '<deleted>';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…(${text.length})` : text;
}

function commandCase(rng: Rng, w: World, index: number): Case {
  let user = rng.pick(NOT_A_ROLE_HOLDER);
  let channel = rng.pick([CHANNEL, CHANNEL, CHANNEL, OTHER_CHANNEL, 'C0NOWHERE', 'D0MALLORY']);
  let text: string;
  switch (rng.int(12)) {
    case 0:
      text = junk(rng);
      break;
    case 1:
      text = huge(rng);
      break;
    case 2:
      text = `${rng.pick(['status', 'schedule', 'roles', 'export', 'oncall', 'runs', 'help', 'checklists'])} ${rng.bool() ? rng.pick(['#1', '#2', '#3', '#0', '#999', '#-4', `#${'9'.repeat(12)}`]) : ''} ${rng.bool(0.3) ? junk(rng, 2) : ''}`;
      break;
    case 3:
      text = `${rng.pick(['abort', 'finish', 'rollback', 'slip', 'reschedule', 'page'])} ${rng.bool() ? rng.pick(['#1', '#2', '#3', '#77']) : ''} ${rng.pick([junk(rng), huge(rng), '', `waive ${junk(rng)}`, '45m', '-15m', '0m', '1h30m', 'tomorrow 09:00'])}`;
      break;
    case 4:
      text = `role ${rng.bool() ? 'remove ' : ''}${rng.pick(['approver', 'lead', '"QA Lead"', junk(rng, 2), 'x'.repeat(200)])} ${rng.pick(['<@U0MALLORY>', '<@U0ALICE|Alice Example>', 'U0EVE', '<@W0EVE|Eve “the” Auditor>', '<@>', '@everyone', junk(rng, 1)])}`;
      break;
    case 5:
      // Never a start that could succeed: an unknown or broken checklist, or a time or zone no parser reads.
      text = rng.pick([
        `start ${rng.pick(['no-such-list', 'broken', 'small-release.txt', '../small-release', 'small-release/..', 'ＳＭＡＬＬ-release', 'x'.repeat(101), junk(rng, 1)])}`,
        `start small-release tz ${rng.pick(UNREADABLE)}`,
        `start small-release tz=${rng.pick(UNREADABLE)}`,
        `start big-phase at ${rng.pick(UNREADABLE)} ${rng.pick(UNREADABLE)}`,
        `start big-phase in ${rng.pick(UNREADABLE)}`,
        `start small-release ${rng.pick(UNREADABLE)}`,
        'start small-release at',
        'start #2 small-release',
        'start',
      ]);
      break;
    case 6:
      text = `${rng.pick(FRAGMENTS)}${rng.pick(FRAGMENTS)}`;
      break;
    case 7:
      text = `${'\u0000'.repeat(rng.int(5))}${rng.pick(['status', 'STATUS', 'Status', 'sTaTuS'])}${'\u200b'.repeat(rng.int(3))} ${rng.pick(['#2', '#3', '#1'])}`;
      break;
    case 8:
      text = `${rng.pick(['abort', 'finish', 'status'])} ${rng.pick(['#2', '#3'])} ${rng.pick(['#1', '#3', '#2'])}`;
      break;
    case 9:
      text = rng.pick(['', ' ', '\n', '\u0000', '\u200b', '\ufeff', '  \t  ']);
      break;
    case 10: {
      // The lead, with requests that are refused or change nothing.
      user = ALICE;
      channel = CHANNEL;
      text = rng.pick([
        'finish',
        'finish #2',
        'slip 0m',
        `slip ${rng.pick(UNREADABLE)}`,
        'slip 45m 15m',
        `abort #${w.finishedRun}`,
        `finish #${w.finishedRun} waive again`,
        `rollback #${w.otherRun} not my run`,
        `status #${w.otherRun}`,
        'rollback',
        `reschedule ${rng.pick(UNREADABLE)}`,
        'role approver',
        `role ${'r'.repeat(81)} <@U0MALLORY>`,
        `start no-such-checklist-${rng.int(1000)}`,
        // Junk after a reading subcommand only: junk after `rollback` or `abort` is a valid reason.
        `${rng.pick(['status', 'schedule', 'roles', 'export', 'runs', 'help'])} ${junk(rng)}`,
      ]);
      break;
    }
    default:
      text = junk(rng, 20);
  }

  const fields: Array<[string, string]> = [
    ['token', LEGACY_VERIFICATION_TOKEN],
    ['team_id', FakeWorkspace.teamId],
    ['team_domain', FakeWorkspace.domain],
    ['channel_id', channel],
    ['channel_name', 'deploy-room'],
    ['user_id', user],
    ['user_name', user.toLowerCase()],
    ['command', '/deploy'],
    ['text', text],
    ['api_app_id', FakeWorkspace.appId],
    ['is_enterprise_install', 'false'],
    ['response_url', w.h.fake.responseUrl(undefined, { channel, user })],
    ['trigger_id', w.h.fake.issueTriggerId()],
  ];
  const notes: string[] = [];
  // Now and then, the other fields are wrong too: missing, garbage, or sent twice (which parses as an array).
  if (rng.bool(0.3)) {
    for (let n = 1 + rng.int(3); n > 0; n--) {
      const i = rng.int(fields.length);
      const [name] = fields[i]!;
      // A start is never sent with another user or channel, and the user never becomes a role holder.
      const how = rng.int(4);
      if (how === 0) {
        fields.splice(i, 1);
        notes.push(`-${name}`);
      } else if (how === 1) {
        const value =
          name === 'user_id'
            ? rng.pick(NOT_A_ROLE_HOLDER)
            : name === 'command'
              ? rng.pick(['/deploy', '/DEPLOY', '/deploy ', '/other', ''])
              : rng.pick([junk(rng, 2), huge(rng), '']);
        fields[i] = [name, value];
        notes.push(`${name}=${describeValue(value)}`);
      } else if (how === 2) {
        fields.push([name, rng.pick([fields[i]![1], junk(rng, 1)])]);
        notes.push(`${name} twice`);
      } else {
        fields.push([junk(rng, 1), junk(rng, 2)]);
        notes.push('extra field');
      }
    }
  }
  return {
    index,
    kind: 'command',
    what: `/deploy ${describeValue(text)} by ${user} in ${channel}${notes.length ? ` [${notes.join(', ')}]` : ''}`,
    body: new URLSearchParams(fields).toString(),
  };
}

const PAYLOAD_PATHS = [
  'type',
  'user',
  'user.id',
  'user.team_id',
  'user.name',
  'api_app_id',
  'token',
  'container',
  'container.channel_id',
  'container.message_ts',
  'container.type',
  'trigger_id',
  'team',
  'team.id',
  'enterprise',
  'is_enterprise_install',
  'channel',
  'channel.id',
  'channel.name',
  'message',
  'message.ts',
  'message.blocks',
  'message.blocks.0',
  'message.blocks.0.block_id',
  'message.blocks.0.elements',
  'message.text',
  'state',
  'state.values',
  'response_url',
  'actions',
  'actions.0',
  'actions.1',
  'actions.0.action_id',
  'actions.0.block_id',
  'actions.0.value',
  'actions.0.type',
  'actions.0.text',
  'actions.0.text.text',
  'actions.0.selected_options',
  'actions.0.selected_options.0',
  'actions.0.selected_options.0.value',
  'actions.0.action_ts',
];

/** Values for a mutated path that keep the request invalid (ids only from the safe pools). */
function valueFor(rng: Rng, w: World, path: string): unknown {
  if (rng.bool(0.15)) return DELETE;
  if (rng.bool(0.5)) return hostileValue(rng);
  if (path.endsWith('channel_id') || path === 'channel.id') return rng.pick(CLICK_CHANNELS);
  if (path === 'user.id') return rng.pick(NOT_A_ROLE_HOLDER);
  if (path === 'actions.0.action_id') {
    return rng.pick([
      'dd_item_toggle',
      'dd_item_button',
      'dd_timer_start',
      'dd_gate_go',
      'dd_gate_nogo',
      'dd_overdue_ack',
      'dd_nogo_reason_input',
      'retired_button',
      'dd_item_toggle ',
      'DD_GATE_GO',
      '',
      'dd_.*',
      '(a+)+$',
      junk(rng, 1),
    ]);
  }
  if (path === 'actions.0.value') return rng.bool() ? itemRef(rng, w) : sectionRef(rng, w);
  if (path === 'actions.0.block_id') return itemsBlockId(rng, w).blockId;
  if (path === 'actions.0.text.text') return rng.pick(['Done', 'Undo', 'undo everything', 'UNDO', junk(rng, 1)]);
  if (path === 'type')
    return rng.pick([
      'block_actions',
      'view_submission',
      'interactive_message',
      'shortcut',
      'message_action',
      'view_closed',
      'block_suggestion',
      'dialog_submission',
      'BLOCK_ACTIONS',
      '',
    ]);
  return hostileValue(rng);
}

function blockActionCase(rng: Rng, w: World, index: number): Case {
  const user = rng.pick(NOT_A_ROLE_HOLDER);
  const channel = rng.pick(CLICK_CHANNELS);
  let message: Record<string, unknown>;
  let action: Record<string, unknown>;
  let what: string;
  const ts = `${Math.floor(Date.now() / 1000)}.000${String(100 + rng.int(900))}`;
  switch (rng.int(8)) {
    case 0: {
      // A real message of the active run, on a block whose items are all refused to this person.
      const target = rng.pick(refusedBlocksOfActiveRun(w));
      message = stored(target.message);
      action = {
        type: 'checkboxes',
        action_id: 'dd_item_toggle',
        block_id: target.block.block_id,
        selected_options: subset(rng, target.values).map(option),
        action_ts: ts,
      };
      what = `checkbox on active run block ${target.block.block_id}`;
      break;
    }
    case 1: {
      // A real message of the finished run or of the run in the other channel.
      const target = rng.pick(blocksOfOtherRuns(w));
      message = stored(target.message);
      action = {
        type: 'checkboxes',
        action_id: 'dd_item_toggle',
        block_id: target.block.block_id,
        selected_options: [...subset(rng, target.values), ...(rng.bool(0.2) ? ['s0.i999'] : [])].map(option),
        action_ts: ts,
      };
      what = `checkbox on ${target.block.block_id}`;
      break;
    }
    case 2: {
      // A forged checklist message: block ids and option values pointing anywhere but at what anyone may change.
      const { blockId, activeRun } = itemsBlockId(rng, w);
      const pool = activeRun ? [...ACTIVE_REFUSED_ITEMS, ...NONEXISTENT_ITEMS] : ANY_ITEMS;
      const values = subset(rng, pool);
      const initial = subset(rng, values);
      const selected = [...subset(rng, values), ...(rng.bool(0.3) ? [rng.pick(pool)] : [])];
      message = { type: 'message', ts, text: '', blocks: [checkboxBlock(blockId, values, initial)] };
      action = { type: 'checkboxes', action_id: 'dd_item_toggle', block_id: blockId, selected_options: selected.map(option), action_ts: ts };
      what = `forged checkbox ${blockId} offering ${values.join(',')}`;
      break;
    }
    case 3: {
      const actionId = rng.pick(['dd_item_button', 'dd_timer_start', 'dd_gate_go', 'dd_gate_nogo']);
      const value = itemRef(rng, w);
      message = stored(rng.pick(w.messages.active));
      action = {
        type: 'button',
        action_id: actionId,
        block_id: `dd_item:${value}`,
        value,
        text: { type: 'plain_text', text: rng.pick(['Done', 'Undo', 'Go', 'No-Go', 'Start']) },
        action_ts: ts,
      };
      what = `${actionId} ${describeValue(value)}`;
      break;
    }
    case 4: {
      const value = sectionRef(rng, w);
      message = { type: 'message', ts, text: 'overdue', blocks: [] };
      action = {
        type: 'button',
        action_id: 'dd_overdue_ack',
        block_id: `dd_overdue:${value}`,
        value,
        text: { type: 'plain_text', text: 'Acknowledge' },
        action_ts: ts,
      };
      what = `dd_overdue_ack ${describeValue(value)}`;
      break;
    }
    case 5: {
      const actionId = rng.pick([
        'retired_feature',
        'dd_item_toggle_v2',
        'DD_ITEM_TOGGLE',
        ' dd_gate_go',
        'dd_nogo_reason_input',
        '',
        junk(rng, 1),
        huge(rng),
      ]);
      message = stored(rng.pick(w.messages.active));
      action = {
        type: rng.pick(['button', 'static_select', 'overflow', 'datepicker', 'mystery']),
        action_id: actionId,
        block_id: junk(rng, 1),
        value: itemRef(rng, w),
        action_ts: ts,
      };
      what = `unknown action ${describeValue(actionId)}`;
      break;
    }
    case 6: {
      // Several actions at once: Bolt routes by the first; none may slip through.
      message = stored(rng.pick(w.messages.active));
      action = {
        type: 'button',
        action_id: rng.pick(['dd_item_button', 'dd_gate_go']),
        value: itemRef(rng, w),
        text: { type: 'plain_text', text: 'Done' },
        action_ts: ts,
      };
      what = 'several actions';
      break;
    }
    default: {
      message = stored(rng.pick([...w.messages.finished, ...w.messages.other]));
      action = {
        type: 'button',
        action_id: rng.pick(['dd_item_button', 'dd_timer_start', 'dd_gate_go', 'dd_gate_nogo', 'dd_overdue_ack']),
        value: rng.bool() ? itemRef(rng, w) : sectionRef(rng, w),
        text: { type: 'plain_text', text: 'Done' },
        action_ts: ts,
      };
      what = `button ${String(action['action_id'])} ${describeValue(action['value'])} on another run's message`;
    }
  }
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FakeWorkspace.teamId },
    api_app_id: FakeWorkspace.appId,
    token: LEGACY_VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: message['ts'], channel_id: channel, is_ephemeral: false },
    trigger_id: w.h.fake.issueTriggerId(),
    team: { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'deploy-room' },
    message,
    state: { values: {} },
    response_url: rng.bool(0.9)
      ? w.h.fake.responseUrl(undefined, { channel, user })
      : rng.pick(['', 'not a url', 'http://127.0.0.1:9/nothing', 'javascript:alert(1)', junk(rng, 1)]),
    actions:
      what === 'several actions' ? [action, ...Array.from({ length: 1 + rng.int(40) }, () => ({ ...action, value: itemRef(rng, w) }))] : [action],
  };
  const notes: string[] = [];
  for (let n = rng.pick([0, 0, 1, 1, 2, 3]); n > 0; n--) {
    const path = rng.pick(PAYLOAD_PATHS);
    const value = valueFor(rng, w, path);
    setPath(payload, path, value);
    notes.push(`${path}=${describeValue(value)}`);
  }
  return {
    index,
    kind: 'block_actions',
    what: `${what} by ${user} in ${channel}${notes.length ? ` [${notes.join(', ')}]` : ''}`,
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  };
}

function viewSubmissionCase(rng: Rng, w: World, index: number): Case {
  const user = rng.pick(NOT_A_ROLE_HOLDER);
  const metadata = rng.pick<unknown>([
    `${w.activeRun}:s1.i1:${CHANNEL}`,
    `${w.activeRun}:s0.i0:${CHANNEL}`,
    `${w.activeRun}:s9.i9:${CHANNEL}`,
    `${w.otherRun}:s0.i0:${CHANNEL}`,
    `${w.otherRun}:s1.i0:C0NOWHERE`,
    `${w.finishedRun}:s1.i1:${CHANNEL}`,
    `999999:s1.i1:${CHANNEL}`,
    `${w.activeRun}:s1.i1:${CHANNEL}:extra`,
    `${w.activeRun}:s1.i1`,
    `${w.activeRun}:s1.i1:${OTHER_CHANNEL.toLowerCase()}`,
    '',
    junk(rng),
    huge(rng),
    hostileValue(rng),
  ]);
  const reason = rng.pick<unknown>(['canary is on fire', junk(rng), huge(rng), '', '  ', 'ab', hostileValue(rng)]);
  const callbackId = rng.pick(['dd_nogo_modal', 'dd_nogo_modal', 'dd_nogo_modal', 'dd_other_modal', '', 'DD_NOGO_MODAL']);
  const payload: Record<string, unknown> = {
    type: 'view_submission',
    team: { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FakeWorkspace.teamId },
    api_app_id: FakeWorkspace.appId,
    token: LEGACY_VERIFICATION_TOKEN,
    trigger_id: w.h.fake.issueTriggerId(),
    view: {
      id: 'V0FUZZ',
      team_id: FakeWorkspace.teamId,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: metadata,
      state: { values: { dd_nogo_reason: { dd_nogo_reason_input: { type: 'plain_text_input', value: reason } } } },
      hash: '1.fuzz',
      app_id: FakeWorkspace.appId,
      bot_id: FakeWorkspace.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const notes: string[] = [];
  const viewPaths = [
    'view',
    'view.state',
    'view.state.values',
    'view.state.values.dd_nogo_reason',
    'view.callback_id',
    'view.private_metadata',
    'user',
    'user.id',
    'team',
    'view.app_installed_team_id',
    'type',
  ];
  for (let n = rng.pick([0, 0, 1, 2]); n > 0; n--) {
    const path = rng.pick(viewPaths);
    const value = path === 'user.id' ? rng.pick(NOT_A_ROLE_HOLDER) : rng.bool(0.2) ? DELETE : hostileValue(rng);
    setPath(payload, path, value);
    notes.push(`${path}=${describeValue(value)}`);
  }
  return {
    index,
    kind: 'view_submission',
    what: `view_submission ${describeValue(callbackId)} metadata ${describeValue(metadata)} reason ${describeValue(reason)} by ${user}${notes.length ? ` [${notes.join(', ')}]` : ''}`,
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  };
}

function rawCase(rng: Rng, _w: World, index: number): Case {
  const form = (payload: string): string => new URLSearchParams({ payload }).toString();
  const choices: Array<() => Case> = [
    () => ({
      index,
      kind: 'raw',
      what: 'malformed JSON in payload=',
      body: form(
        rng.pick([
          '{',
          '{"type":',
          '{"type":"block_actions","actions":[',
          "{'a':1}",
          '{"a":1,}',
          'undefined',
          'NaN',
          '\u0000',
          '',
          '{"a":"\\ud800"',
        ]) + (rng.bool() ? junk(rng, 1) : ''),
      ),
    }),
    () => ({
      index,
      kind: 'raw',
      what: 'payload= that is JSON but not an object',
      body: form(rng.pick(['null', '[]', '[{"type":"block_actions"}]', '"block_actions"', '5', 'true', '-0', '1e999'])),
    }),
    () => {
      const type = rng.pick([
        'block_actionz',
        'view_closed',
        'shortcut',
        'message_action',
        'block_suggestion',
        'interactive_message',
        'dialog_submission',
        'event_callback',
        'url_verification_x',
        'workflow_step_edit',
        '',
        5,
        null,
        ['block_actions'],
      ]);
      const extra = rng.pick<Record<string, unknown>>([
        {},
        { actions: null },
        { actions: 5 },
        { actions: 'dd_item_toggle' },
        { actions: [null] },
        { actions: [] },
        { view: null },
        { event: null },
        { event: 5 },
        { event: { type: 'app_mention', channel: null } },
        { name: null },
        { command: null },
        { user: null, team: null },
        { callback_id: 'x', user: { id: 'U0MALLORY' } },
      ]);
      return {
        index,
        kind: 'raw',
        what: `unknown or odd type ${describeValue(type)} with ${describeValue(extra)}`,
        body: form(JSON.stringify({ type, ...extra })),
      };
    },
    () => ({
      index,
      kind: 'raw',
      what: 'form without payload or command',
      body: rng.pick(['foo=bar', '', 'payload=', 'payload=%7B%7D&payload=%7B%7D', 'text=start+small-release', '=', '&&&', `a=${'b'.repeat(10_000)}`]),
    }),
    () => ({
      index,
      kind: 'raw',
      what: 'signed JSON body that is not an object',
      body: rng.pick(['null', '[]', '5', '"x"', '{"event":null}', '{"actions":5}', '{"type":"view_submission","view":null}', '{']),
      contentType: 'application/json',
    }),
    () => ({
      index,
      kind: 'raw',
      what: 'signed body with an unexpected content type',
      body: form('{"type":"block_actions"}'),
      contentType: rng.pick(['text/plain', 'application/x-www-form-urlencoded; charset=utf-8', 'multipart/form-data', '']),
    }),
  ];
  return rng.pick(choices)();
}

function generate(seed: number, w: World, counts: Record<Case['kind'], number>): Case[] {
  const rng = new Rng(seed);
  const cases: Case[] = [];
  const makers: Record<Case['kind'], (rng: Rng, w: World, index: number) => Case> = {
    command: commandCase,
    block_actions: blockActionCase,
    view_submission: viewSubmissionCase,
    raw: rawCase,
  };
  for (const [kind, count] of Object.entries(counts) as Array<[Case['kind'], number]>) {
    for (let i = 0; i < count; i++) cases.push(makers[kind](rng, w, cases.length));
  }
  return cases;
}

// ---------------------------------------------------------------- what must not change

interface Snapshot {
  /** Table → its rows as JSON, in key order. */
  tables: Record<string, string[]>;
  nonDeniedAudit: number;
  publicPosts: number;
}

async function tablesOf(h: Harness): Promise<Record<string, string[]>> {
  const rows = async (sql: string): Promise<string[]> => (await prepared(h.db, sql).all()).map((row) => JSON.stringify(row));
  return {
    item_states: await rows('SELECT * FROM item_states ORDER BY run_id, item_id'),
    gate_votes: await rows('SELECT * FROM gate_votes ORDER BY id'),
    // The checklist is a copy of the file; everything else about a run is in the other columns.
    runs: await rows(
      'SELECT id, checklist_name, channel_id, started_by, t0, slip_minutes, timezone, status, rollback_active, rollback_reason, rollback_started_at, ended_at, end_reason, length(checklist_json) AS checklist_length FROM runs ORDER BY id',
    ),
    run_roles: await rows('SELECT * FROM run_roles ORDER BY run_id, role, user_id'),
    // Notices (slips, rollbacks, ends, gates passed) and run messages come only from accepted actions.
    notices: await rows(`SELECT key FROM reminders WHERE kind = 'notice' ORDER BY key`),
    run_messages: await rows('SELECT run_id, message_key FROM run_messages ORDER BY run_id, message_key'),
    pager_outbox: await rows('SELECT id, dedup_key, action FROM pager_outbox ORDER BY id'),
  };
}

/** Rows added (+) or gone (-) per table, shortened: an empty list means nothing changed. */
function changes(before: Record<string, string[]>, after: Record<string, string[]>): string[] {
  const out: string[] = [];
  for (const table of Object.keys(before)) {
    const was = new Set(before[table]);
    const now = new Set(after[table]);
    for (const row of now) if (!was.has(row)) out.push(`+ ${table} ${row.slice(0, 300)}`);
    for (const row of was) if (!now.has(row)) out.push(`- ${table} ${row.slice(0, 300)}`);
  }
  return out;
}

async function snapshot(h: Harness): Promise<Snapshot> {
  const nonDenied = (await prepared(h.db, `SELECT COUNT(*) AS n FROM audit WHERE action <> 'denied'`).get()) as { n: number };
  return { tables: await tablesOf(h), nonDeniedAudit: nonDenied.n, publicPosts: publicPostCount(h.fake) };
}

interface Outcome {
  c: Case;
  response: BotResponse | null;
  error: unknown;
  ms: number;
}

async function send(h: Harness, c: Case): Promise<Outcome> {
  const started = performance.now();
  try {
    const headers = h.bot.slack.signedHeaders(c.body);
    if (c.contentType !== undefined) headers['Content-Type'] = c.contentType;
    const response = await h.bot.slack.sendRaw(c.body, headers);
    return { c, response, error: null, ms: performance.now() - started };
  } catch (error) {
    return { c, response: null, error, ms: performance.now() - started };
  }
}

async function healthz(h: Harness): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`, { signal: AbortSignal.timeout(5_000) });
  await response.text();
  return response.status;
}

function label(c: Case): string {
  return `[seed ${SEED} case ${c.index}] ${c.what}`;
}

/**
 * Sends the cases CONCURRENCY at a time; after every batch the run tables must be as they were,
 * so a failure names the batch (and its cases) that changed them.
 */
async function fuzz(h: Harness, cases: Case[], before: Snapshot): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let start = 0; start < cases.length; start += CONCURRENCY) {
    const batch = cases.slice(start, start + CONCURRENCY);
    const results = await Promise.all(batch.map((c) => send(h, c)));
    outcomes.push(...results);
    for (const r of results) {
      expect(r.error, label(r.c)).toBeNull();
      expect(r.response!.status, `${label(r.c)}: HTTP status`).toBeLessThan(500);
      if (r.c.kind === 'command' && r.response!.status === 200 && r.response!.text !== '') {
        const body = r.response!.body as { response_type?: unknown };
        expect(body.response_type, `${label(r.c)}: answered ${r.response!.text.slice(0, 200)}`).toBe('ephemeral');
      }
    }
    const now = await snapshot(h);
    const names = batch.map(label).join('\n');
    expect(changes(before.tables, now.tables), `the run tables changed in this batch:\n${names}`).toEqual([]);
    expect(now.nonDeniedAudit, `an audit row other than 'denied' was written in this batch:\n${names}`).toBe(before.nonDeniedAudit);
    if ((start / CONCURRENCY) % 25 === 0) expect(await healthz(h)).toBe(200);
  }
  if (process.env.FUZZ_DEBUG) {
    for (const o of outcomes.filter((o) => o.ms > 300)) console.log(`${Math.round(o.ms)} ms ${o.response?.status}: ${label(o.c).slice(0, 300)}`);
  }
  return outcomes;
}

// ---------------------------------------------------------------- the test

describe(`generated hostile requests (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  let w: World;
  let before: Snapshot;
  let responsesBefore = 0;
  let logsBefore = 0;

  beforeAll(async () => {
    const h = await startHarness();
    const finished = await startRun(h);
    // `finish waive` waives items, never a decision: the undecided gate is waived on its own first (issue 9).
    ackText(await h.bot.slack.command(`waive gate #${finished.runId} the fuzz needs a finished run`, { user: ALICE }));
    ackText(await h.bot.slack.command(`finish #${finished.runId} waive the fuzz needs a finished run`, { user: ALICE }));
    const active = await startRun(h);
    const other = ackText(await h.bot.slack.command('start big-phase', { user: BOB, channel: OTHER_CHANNEL }));
    const otherRun = Number(/Started run \*#(\d+)\*/.exec(other)?.[1]);
    await h.bot.bot.sync.idle();
    const byRun = (channel: string, runId: number): StoredMessage[] =>
      h.fake.messages(channel).filter((m) => m.metadata?.event_type === 'deployday_message' && m.metadata.event_payload['run_id'] === runId);
    w = {
      h,
      finishedRun: finished.runId,
      activeRun: active.runId,
      otherRun,
      messages: { finished: byRun(CHANNEL, finished.runId), active: byRun(CHANNEL, active.runId), other: byRun(OTHER_CHANNEL, otherRun) },
    };
    expect(w.messages.active.length).toBeGreaterThan(0);
    expect(w.messages.other.length).toBeGreaterThan(0);
    expect(refusedBlocksOfActiveRun(w).length).toBeGreaterThan(0);
    // Wait for the finish notice and the start-up reminders to settle, then take the baseline.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await h.bot.bot.sync.idle();
    before = await snapshot(h);
    responsesBefore = h.fake.responses.length;
    logsBefore = h.bot.logs.length;
  }, 30_000);

  afterAll(async () => {
    if (process.env.FUZZ_DEBUG) {
      const lines = w.h.bot.logs.filter((l) => / (ERROR|WARN) /.test(l)).map((l) => l.slice(25, 260));
      const counts = new Map<string, number>();
      for (const l of lines) counts.set(l.slice(0, 110), (counts.get(l.slice(0, 110)) ?? 0) + 1);
      for (const [l, n] of counts) console.log(n, l);
    }
    await w?.h.close();
  });

  it(`answers 400 generated /deploy commands below 500, only ephemerally, changing nothing (seed ${SEED})`, async () => {
    const cases = generate(SEED, w, { command: 400, block_actions: 0, view_submission: 0, raw: 0 });
    const outcomes = await fuzz(w.h, cases, before);
    expect(outcomes).toHaveLength(400);
    // Most of them were answered by the bot itself, not dropped.
    expect(outcomes.filter((o) => o.response?.status === 200 && o.response.text !== '').length).toBeGreaterThan(300);
  }, 60_000);

  it(`acks 520 generated block_actions payloads below 500 and changes nothing (seed ${SEED})`, async () => {
    const cases = generate(SEED + 1, w, { command: 0, block_actions: 520, view_submission: 0, raw: 0 });
    const outcomes = await fuzz(w.h, cases, before);
    expect(outcomes).toHaveLength(520);
  }, 60_000);

  it(`answers 120 generated view submissions below 500 and changes nothing (seed ${SEED})`, async () => {
    const cases = generate(SEED + 2, w, { command: 0, block_actions: 0, view_submission: 120, raw: 0 });
    const outcomes = await fuzz(w.h, cases, before);
    expect(outcomes).toHaveLength(120);
  }, 60_000);

  it(`answers 80 malformed, mistyped and unknown payloads below 500 (seed ${SEED})`, async () => {
    const cases = generate(SEED + 3, w, { command: 0, block_actions: 0, view_submission: 0, raw: 80 });
    const outcomes = await fuzz(w.h, cases, before);
    expect(outcomes).toHaveLength(80);
  }, 60_000);

  it('posted nothing public, replaced no message, and is still healthy after all of them', async () => {
    const h = w.h;
    await h.bot.bot.sync.idle();
    expect(publicPostCount(h.fake)).toBe(before.publicPosts);
    const answers = h.fake.responses.slice(responsesBefore);
    expect(answers.filter((r) => r.outcome !== 'ephemeral' && r.outcome !== 'rejected').map((r) => `${r.outcome}: ${r.raw.slice(0, 200)}`)).toEqual(
      [],
    );
    expect(h.fake.callsTo('chat.delete')).toEqual([]);
    expect(changes(before.tables, (await snapshot(h)).tables)).toEqual([]);
    expect(await healthz(h)).toBe(200);
    // Hostile input is refused or ignored on purpose, never handled as an unexpected error.
    expect(
      h.bot.logs
        .slice(logsBefore)
        .filter((l) => / ERROR /.test(l))
        .map((l) => l.slice(0, 300)),
    ).toEqual([]);
    // Refused clicks were audited as such: the fuzz did reach the services, not only the parsers.
    expect(((await prepared(h.db, `SELECT COUNT(*) AS n FROM audit WHERE action = 'denied'`).get()) as { n: number }).n).toBeGreaterThan(100);
  });
});
