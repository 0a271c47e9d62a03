import type { Checklist } from '../checklist.js';

/**
 * How big a checklist may be. A deploy day is run by people reading Slack: far past these sizes a
 * file is a mistake or an attack (a 50,000-item file planned 2,274 messages), and each limit keeps
 * the cost of reading, parsing and posting a file bounded. Documented in docs/checklist-format.md.
 */
export interface ChecklistLimits {
  /** Size of the file in bytes; a bigger file is not read at all. */
  maxFileBytes: number;
  /** Characters on one line; a longer line is reported and not parsed. */
  maxLineChars: number;
  /** Items (tasks, sign-offs, gates) in the whole checklist. */
  maxItems: number;
  /** Slack messages one run may post: the overview and every part of every phase, rollback included. */
  maxMessages: number;
}

export const DEFAULT_CHECKLIST_LIMITS: Readonly<ChecklistLimits> = {
  maxFileBytes: 512 * 1024,
  maxLineChars: 4_000,
  maxItems: 1_000,
  maxMessages: 40,
};

/** Counts the messages a run of a checklist posts. The exact count depends on the Slack layout. */
export type CountRunMessages = (checklist: Checklist) => number;

/**
 * The fewest messages any layout can post: the overview and one message per phase. Used when the
 * caller gives no exact count (the domain does not know how items are packed into Slack messages).
 */
export const minimumRunMessages: CountRunMessages = (checklist) => 1 + checklist.phases.length;

/** "512 KiB", "4,000": limits as people read them. */
export function formatBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${(bytes / 1024).toLocaleString('en-US')} KiB` : `${bytes.toLocaleString('en-US')} bytes`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
