import type { ItemState } from '../../domain/run.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { mention } from './noticeText.js';
import { SlackLimits } from './slackLimits.js';

const NOTE_MAX = 40;

/**
 * "✓ by ci:github-actions · build #512" under a box a pipeline ticked, the note linking to the
 * evidence URL when the link still fits Slack's 75 characters (a cut link would be broken mrkdwn).
 * Null for a person's tick, which keeps its usual "✓ @who · time".
 */
export function evidenceNote(state: ItemState): string | null {
  if (!state.done || state.by === null || state.evidence === undefined) return null;
  const who = `✓ by ${mention(state.by)}`;
  const { url, note } = state.evidence;
  const label = escapeMrkdwn(shorten(note ?? (url === null ? '' : 'evidence')));
  if (label === '') return who;
  const linked = url !== null && /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${label}>` : label;
  const full = `${who} · ${linked}`;
  return full.length <= SlackLimits.optionDescription ? full : `${who} · ${label}`;
}

function shorten(text: string): string {
  return text.length <= NOTE_MAX ? text : `${text.slice(0, NOTE_MAX - 1)}…`;
}
