/**
 * Reading a timed day back from the fake Slack for the failover test (test/integration/failover.test.ts):
 * where each checkbox is, when each reminder reached the channel, how late that was against its due
 * time, and whether every checklist message ends showing the items done.
 */
import type pg from 'pg';
import type { FakeSlack, StoredMessage } from './fakeSlack.js';

/** The bots' accelerated clock (src/service/clock.ts) from the test's side, and its way back to real time. */
export interface VirtualClock {
  now(): number;
  /** The real moment the bots' clock reads `virtual`. */
  realOf(virtual: number): number;
  /** What the bots' clock read at the real moment `real`. */
  virtualOf(real: number): number;
}

export function virtualClock(epoch: number, scale: number): VirtualClock {
  const virtualOf = (real: number) => epoch + (real - epoch) * scale;
  return { now: () => virtualOf(Date.now()), virtualOf, realOf: (virtual) => epoch + (virtual - epoch) / scale };
}

export interface CheckboxTarget {
  ts: string;
  blockId: string;
  itemId: string;
}

/** Every checkbox of the channel's checklist messages, by the item's title (the option's text). */
export function checklistTargets(messages: StoredMessage[]): Map<string, CheckboxTarget> {
  const targets = new Map<string, CheckboxTarget>();
  for (const message of messages) {
    for (const { blockId, option } of checkboxOptions(message)) {
      const text = (option['text'] as { text?: string } | undefined)?.text ?? '';
      targets.set(text.replace(/[*_~]/g, '').trim(), { ts: message.ts, blockId, itemId: String(option['value']) });
    }
  }
  return targets;
}

function checkboxOptions(message: Pick<StoredMessage, 'blocks'>): Array<{ blockId: string; option: Record<string, unknown>; checked: boolean }> {
  const found: Array<{ blockId: string; option: Record<string, unknown>; checked: boolean }> = [];
  for (const block of message.blocks) {
    const elements = Array.isArray(block['elements']) ? (block['elements'] as Array<Record<string, unknown>>) : [];
    for (const element of elements) {
      if (element['type'] !== 'checkboxes') continue;
      const checked = new Set(((element['initial_options'] as Array<{ value: string }> | undefined) ?? []).map((o) => o.value));
      for (const option of element['options'] as Array<Record<string, unknown>>) {
        found.push({ blockId: String(block.block_id), option, checked: checked.has(String(option['value'])) });
      }
    }
  }
  return found;
}

/**
 * The checkboxes whose shown state differs from the database's (`done`: the item ids done), as
 * "item: shown checked/unchecked" lines; empty when every message converged.
 */
export function messagesShowState(fake: FakeSlack, channel: string, done: ReadonlySet<string>): string[] {
  const wrong: string[] = [];
  for (const message of fake.messages(channel)) {
    for (const { option, checked } of checkboxOptions(message)) {
      const itemId = String(option['value']);
      if (checked !== done.has(itemId)) wrong.push(`${itemId}: shown ${checked ? 'checked' : 'unchecked'}`);
    }
  }
  return wrong;
}

/** A reminder as it reached the channel: its key and when the post arrived (real ms). */
export interface ReminderPost {
  key: string;
  at: number;
}

/** Every reminder post the fake accepted in `channel`, by the key in its metadata, in arrival order. */
export function reminderPosts(fake: FakeSlack, channel: string): ReminderPost[] {
  return fake
    .callsTo('chat.postMessage')
    .filter((call) => call.ok && call.args['channel'] === channel)
    .flatMap((call) => {
      const meta = call.args['metadata'] as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
      return meta?.event_type === 'deployday_reminder' ? [{ key: String(meta.event_payload?.key), at: call.at }] : [];
    });
}

export interface ReminderFigure {
  key: string;
  kind: string;
  /** Due, on the bots' clock. */
  dueAt: number;
  /** How long after its due moment the post reached Slack, in real ms (and in minutes of the day). */
  lateRealMs: number;
  lateDayMinutes: number;
}

/** Lateness of each reminder row that reached the channel. */
export function reminderFigures(
  rows: ReadonlyArray<{ key: string; kind: string; due_at: string | number }>,
  posts: readonly ReminderPost[],
  clock: VirtualClock,
): ReminderFigure[] {
  return rows.flatMap((row) => {
    const post = posts.find((p) => p.key === row.key);
    if (!post) return [];
    const dueAt = Number(row.due_at);
    const lateRealMs = Math.max(0, post.at - clock.realOf(dueAt));
    return [{ key: row.key, kind: row.kind, dueAt, lateRealMs, lateDayMinutes: (clock.virtualOf(post.at) - dueAt) / 60_000 }];
  });
}

export interface FailoverFigures {
  scale: number;
  boundMs: number;
  figures: ReminderFigure[];
  firstKill: { replica: number; heldKeys: string[]; takenOverAfterMs: number };
  secondKill: { replica: number; held: Array<{ message: string; holder: number | undefined }> };
  duplicates: number;
  pages: Array<{ key: string; state: string; triggers: number }>;
  clicks: number;
}

/** The figures the README quotes, printed once at the end of the test. */
export function printFigures(f: FailoverFigures): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `failover: x${f.scale} clock, lateness bound ${seconds(f.boundMs)} (one poll, the lease, one post pace)`,
    ...f.figures.map(
      (r) => `  ${r.key.padEnd(48)} ${r.kind.padEnd(11)} late ${seconds(r.lateRealMs).padStart(8)} (${r.lateDayMinutes.toFixed(1)} min of the day)`,
    ),
    `  max lateness ${seconds(Math.max(0, ...f.figures.map((r) => r.lateRealMs)))}; of rows not held by a dying replica ${seconds(
      Math.max(0, ...f.figures.filter((r) => !f.firstKill.heldKeys.includes(r.key)).map((r) => r.lateRealMs)),
    )}`,
    `  kill 1: replica ${f.firstKill.replica} held ${f.firstKill.heldKeys.join(', ')}; taken over ${seconds(f.firstKill.takenOverAfterMs)} after the kill`,
    `  kill 2: replica ${f.secondKill.replica}; updates in flight: ${f.secondKill.held.map((h) => `${h.message} (leased by replica ${h.holder ?? '?'})`).join(', ')}`,
    `  reminders posted ${f.figures.length}, duplicates ${f.duplicates}; clicks acknowledged ${f.clicks}`,
    ...f.pages.map((p) => `  page ${p.key}: ${p.state}, ${p.triggers} trigger(s)`),
  ];
  console.log(lines.join('\n'));
}

/** The ids of the items the database holds done, read by the test's own client. */
export async function doneItems(db: pg.Client): Promise<Set<string>> {
  const rows = (await db.query('SELECT item_id FROM item_states WHERE done = 1')).rows as Array<{ item_id: string }>;
  return new Set(rows.map((r) => r.item_id));
}
