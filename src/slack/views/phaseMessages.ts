import { findItem } from '../../domain/findItem.js';
/**
 * Renders one message of a phase, as planned by phasePlan.ts: the sections and items of the part,
 * each item in the form its layout gives it, with what the run says about it now. Section states,
 * gate outcomes and what blocks a section are the domain's answers; this file only shows them.
 */
import type { Item, Phase, Section } from '../../domain/checklist.js';
import { blockedSections, gateItemNeeds, gateItemOutcome } from '../../domain/gates.js';
import type { GateVote, ItemState, RunSnapshot } from '../../domain/run.js';
import type { SectionTimelineState, SectionWindow } from '../../domain/sectionWindow.js';
import { isSettled } from '../../domain/snapshotItems.js';
import { ActionIds, BlockIds, itemRef } from '../ids.js';
import type { KnownBlock } from '@slack/types';
import { actionsBlock, button, checkboxes, checkboxOption, contextBlock, headerBlock, sectionBlock, truncate } from './blockKit.js';
import type { CheckboxOption, SlackMessage } from './blockKit.js';
import { checklistPlain, escapeMrkdwn } from './checklistMrkdwn.js';
import { evidenceNote } from './evidenceText.js';
import { gateDeploymentLine } from './githubText.js';
import { mention } from './noticeText.js';
import { stillNeededText } from './gateNeedsText.js';
import {
  ANNOTATION_MAX,
  BLOCKED_GATE_TEXT_MAX,
  GATE_STATUS_MAX,
  HEADING_STATUS_MAX,
  VOTE_REASON_MAX,
  gateBody,
  headingTitle,
  itemBody,
  notesText,
  timerLabel,
} from './phasePieces.js';
import { unitsInPart, type PhasePart } from './phasePlan.js';
import { currentVotes, itemStateOf, progressText, sectionStateLabel } from './runState.js';
import { itemLabel, optionText } from './sectionLayout.js';
import type { SectionUnit } from './sectionLayout.js';
import { slackDayTime, slackTime, slackWindow } from './slackDate.js';
import { SlackLimits } from './slackLimits.js';

const GO_VOTES_SHOWN = 5;
const NO_GO_VOTES_SHOWN = 3;

export interface RenderPhasePartInput {
  snapshot: RunSnapshot;
  phase: Phase;
  part: PhasePart;
  windows: SectionWindow[];
  now: number;
  /** Section states: the domain's reading (runSectionStates), as the timeline service answers it. */
  stateOf: (sectionId: string) => SectionTimelineState;
}

/** "✓ <@U1> · 14:02" for a checkbox description; "✓ template" for an item done in the template. */
function doneNote(state: ItemState, at: (ms: number) => string): string {
  if (state.waivedReason !== null) {
    const by = state.by === null ? '' : ` by <@${state.by}>`;
    return `waived${by}: ${escapeMrkdwn(state.waivedReason)}`;
  }
  if (state.by === null) return '✓ template';
  return state.at === null ? `✓ ${mention(state.by)}` : `✓ ${mention(state.by)} · ${at(state.at)}`;
}

function optionDescription(snapshot: RunSnapshot, item: Item, state: ItemState): string | undefined {
  if (isSettled(state)) {
    // A waiver reason is worth more than who waived it when space is this short.
    if (state.waivedReason !== null) return `waived: ${escapeMrkdwn(state.waivedReason)}`;
    return evidenceNote(state) ?? doneNote(state, slackTime);
  }
  if (item.kind === 'signoff' && item.role !== undefined) {
    const holders = snapshot.roles[item.role.toLowerCase()] ?? [];
    if (holders.length > 0) return `awaiting ${holders.map((u) => `<@${u}>`).join(' or ')}`;
  }
  // Items with details are never options (sectionLayout.ts): their details show in their own section.
  return undefined;
}

function timerNote(item: Item, state: ItemState, now: number): string {
  if (item.timer === undefined || state.timerStartedAt === null) return '';
  const ends = state.timerStartedAt + item.timer.minutes * 60_000;
  const verb = now >= ends ? 'ended' : 'ends';
  return `⏱ timer started ${slackTime(state.timerStartedAt)}, ${verb} ${slackTime(ends)}`;
}

function renderCheckboxes(snapshot: RunSnapshot, section: Section, unit: SectionUnit & { kind: 'checkboxes' }, items: Item[]): KnownBlock {
  const options: CheckboxOption[] = [];
  const selected: CheckboxOption[] = [];
  for (const item of items) {
    const state = itemStateOf(snapshot, item);
    const option = checkboxOption(optionText(item), item.id, optionDescription(snapshot, item, state));
    options.push(option);
    // The very same object: Slack rejects an initial option that differs from its option at all.
    if (isSettled(state)) selected.push(option);
  }
  return actionsBlock([checkboxes(ActionIds.itemCheckboxes, options, selected)], BlockIds.items(snapshot.run.id, section.id, unit.group));
}

function renderLongItem(snapshot: RunSnapshot, item: Item, now: number): KnownBlock[] {
  const runId = snapshot.run.id;
  const state = itemStateOf(snapshot, item);
  const finished = isSettled(state);
  const notes = [finished ? doneNote(state, slackDayTime) : '', timerNote(item, state, now)].filter((n) => n.length > 0);
  const annotation = truncate(notes.join('\n'), ANNOTATION_MAX);
  const body = itemBody(item, finished);
  const label = finished ? 'Undo' : item.kind === 'signoff' ? 'Sign off' : 'Done';
  const blocks: KnownBlock[] = [
    sectionBlock(annotation.length > 0 ? `${body}\n${annotation}` : body, {
      blockId: BlockIds.item(runId, item.id),
      accessory: button({ text: label, actionId: ActionIds.itemButton, value: itemRef(runId, item.id) }),
    }),
  ];
  if (item.timer !== undefined && !finished && state.timerStartedAt === null) {
    blocks.push(
      actionsBlock(
        [
          button({
            text: timerLabel(item, findItem(snapshot.run.checklist, item.id).phase.kind === 'rollback'),
            actionId: ActionIds.timerStart,
            value: itemRef(runId, item.id),
          }),
        ],
        BlockIds.timer(runId, item.id),
      ),
    );
  }
  return blocks;
}

function voteList(votes: GateVote[], shown: number, format: (vote: GateVote) => string): string {
  const listed = votes.slice(0, shown).map(format).join(', ');
  return votes.length > shown ? `${listed} +${votes.length - shown} more` : listed;
}

function gateStatus(snapshot: RunSnapshot, item: Item): string {
  const votes = currentVotes(snapshot, item.id);
  const go = votes.filter((v) => v.vote === 'go');
  const noGo = votes.filter((v) => v.vote === 'no_go');
  const lines: string[] = [];
  const tally: string[] = [];
  const goNote = (v: GateVote): string => (v.reason === null || v.reason.trim() === '' ? '' : ` (${escapeMrkdwn(v.reason.trim())})`);
  if (go.length > 0) tally.push(`*Go:* ${voteList(go, GO_VOTES_SHOWN, (v) => `<@${v.userId}> ${slackTime(v.at)}${goNote(v)}`)}`);
  if (noGo.length > 0) {
    const format = (v: GateVote): string => {
      const reason = v.reason === null || v.reason.trim() === '' ? '' : ` “${truncate(escapeMrkdwn(v.reason.trim()), VOTE_REASON_MAX)}”`;
      return `<@${v.userId}> ${slackTime(v.at)}${reason}`;
    };
    tally.push(`*No-Go:* ${voteList(noGo, NO_GO_VOTES_SHOWN, format)}`);
  }
  lines.push(tally.length > 0 ? tally.join(' · ') : '_No votes yet_');
  const outcome = gateItemOutcome(snapshot, item);
  if (outcome === 'passed') {
    const at = itemStateOf(snapshot, item).at;
    lines.push(`✅ *Go* — gate passed${at === null ? '' : ` ${slackDayTime(at)}`}`);
  } else if (outcome === 'failed') {
    lines.push('⛔ *No-Go* — gate failed, rollback');
  } else {
    const needs = gateItemNeeds(snapshot, item);
    if (needs) lines.push(stillNeededText(needs));
  }
  lines.push(...(snapshot.github ?? []).filter((d) => d.gateItemId === item.id).map(gateDeploymentLine));
  return truncate(lines.join('\n'), GATE_STATUS_MAX);
}

function renderGate(snapshot: RunSnapshot, item: Item): KnownBlock[] {
  const runId = snapshot.run.id;
  const blocks: KnownBlock[] = [sectionBlock(`${gateBody(item)}\n${gateStatus(snapshot, item)}`, { blockId: BlockIds.item(runId, item.id) })];
  // Once decided, the result replaces the buttons (it is in the text above).
  if (gateItemOutcome(snapshot, item) === 'pending') {
    const value = itemRef(runId, item.id);
    blocks.push(
      actionsBlock(
        [
          button({ text: 'Go', actionId: ActionIds.gateGo, value, style: 'primary' }),
          button({ text: 'No-Go', actionId: ActionIds.gateNoGo, value, style: 'danger' }),
        ],
        BlockIds.gate(runId, item.id),
      ),
    );
  }
  return blocks;
}

function headingStatus(input: RenderPhasePartInput, section: Section, blockedBy: Item | null, continued: boolean): string {
  const { snapshot } = input;
  const window = input.windows.find((w) => w.sectionId === section.id);
  const state = input.stateOf(section.id);
  const pieces: string[] = [];
  const when = window === undefined ? '' : slackWindow(window.opensAt, window.closesAt);
  if (when.length > 0) pieces.push(when);
  if (state === 'blocked') {
    const gate = blockedBy;
    pieces.push(
      gate === null ? '🔒 Blocked until the previous gate passes' : `🔒 Blocked until “${truncate(itemLabel(gate), BLOCKED_GATE_TEXT_MAX)}” passes`,
    );
  } else if (state !== 'unscheduled') {
    pieces.push(sectionStateLabel(snapshot, section.items, state));
  }
  if (section.items.length > 0) pieces.push(`${progressText(snapshot, section.items).replace(/^(\d+\/\d+)/, '$1 done')}`);
  if (continued) pieces.push('_(continued)_');
  return truncate(pieces.join(' · '), HEADING_STATUS_MAX);
}

/** The header of a part, plain text: "#12 · Phase 1: Canary (10%)", later parts "… (continued 2/3)". */
export function phasePartTitle(runId: number, phase: Phase, part: PhasePart): string {
  const prefix = `#${runId} · `;
  const suffix = part.part > 1 ? ` (continued ${part.part}/${part.of})` : '';
  return `${prefix}${truncate(checklistPlain(phase.title), SlackLimits.headerText - prefix.length - suffix.length)}${suffix}`;
}

export function renderPhasePart(input: RenderPhasePartInput): SlackMessage {
  const { snapshot, phase, part, now } = input;
  // The gate the domain says holds the blocked sections back, to name in their 🔒 badge.
  const blockedBy = blockedSections(snapshot).by?.item ?? null;
  const inPart = new Set(part.itemIds);
  const title = phasePartTitle(snapshot.run.id, phase, part);
  const blocks: KnownBlock[] = [headerBlock(title)];
  let done = 0;
  let total = 0;

  for (const sectionId of part.sectionIds) {
    const section = phase.sections.find((s) => s.id === sectionId);
    if (section === undefined) continue;
    const firstItem = section.items[0];
    const startsHere = firstItem === undefined || inPart.has(firstItem.id);
    const status = headingStatus(input, section, blockedBy, !startsHere);
    blocks.push(sectionBlock(status.length > 0 ? `${headingTitle(section)}\n${status}` : headingTitle(section)));
    const notes = notesText(section);
    if (startsHere && notes.length > 0) blocks.push(contextBlock([notes]));

    for (const { unit, items } of unitsInPart(section, inPart)) {
      for (const item of items) {
        total += 1;
        if (isSettled(itemStateOf(snapshot, item))) done += 1;
      }
      if (unit.kind === 'checkboxes') blocks.push(renderCheckboxes(snapshot, section, unit, items));
      else if (unit.form === 'gate') blocks.push(...renderGate(snapshot, items[0]!));
      else blocks.push(...renderLongItem(snapshot, items[0]!, now));
    }
  }

  // The fallback `text` is mrkdwn like any other: the plain title is escaped there.
  return { text: truncate(`${escapeMrkdwn(title)} — ${done}/${total} done`, SlackLimits.fallbackText), blocks };
}
