/**
 * The messages that hold a run's checklist: one per phase (a `##` heading), continued in further
 * messages when a phase is too big for one. The store keeps one Slack ts per part, so the parts are
 * planned once per run from the checklist alone, for the worst case: every item done with the longest
 * annotation, every gate with its votes. Rendering then only fills the plan in and cannot overflow.
 */
import type { Item, Phase, Section } from '../../domain/checklist.js';
import type { GateVote, ItemState, RunSnapshot } from '../../domain/run.js';
import type { SectionWindow } from '../../domain/sectionWindow.js';
import { ActionIds, BlockIds, itemRef } from '../ids.js';
import type { KnownBlock } from '@slack/types';
import {
  actionsBlock,
  button,
  checkboxes,
  checkboxOption,
  contextBlock,
  escapeMrkdwn,
  headerBlock,
  sectionBlock,
  truncate,
} from './blockKit.js';
import type { CheckboxOption, SlackMessage } from './blockKit.js';
import { SlackLimits } from './slackLimits.js';
import { blockedSections, gateItemOutcome } from '../../domain/gates.js';
import type { SectionTimelineState } from '../../domain/sectionWindow.js';
import { isSettled } from '../../domain/snapshotItems.js';
import { currentVotes, itemStateOf, sectionProgress, stateLabels } from './runState.js';
import { itemIndent, itemLabel, layoutSection, optionText } from './sectionLayout.js';
import type { SectionUnit } from './sectionLayout.js';
import { formatMinutes, slackDayTime, slackTime, slackWindow } from './slackDate.js';

/**
 * One message of a phase. `part` counts from 1 to `of`. `sectionIds` are the sections shown in it (a
 * long section may appear in several parts), `itemIds` the items it holds. Plain JSON, deterministic.
 */
export interface PhasePart {
  phaseId: string;
  part: number;
  of: number;
  sectionIds: string[];
  itemIds: string[];
}


// Caps on every piece of a phase message. The plan charges each piece its cap (or its exact size
// when the piece depends on the checklist only), and rendering truncates each piece to the same cap.
const TITLE_MAX = 150;
const HEADING_STATUS_MAX = 400;
const NOTES_MAX = 600;
const DETAILS_MAX = 500;
const ANNOTATION_MAX = 250;
const GATE_STATUS_MAX = 700;
const BLOCKED_GATE_TEXT_MAX = 80;
const ITEM_BODY_MAX = SlackLimits.sectionText - 1 - ANNOTATION_MAX;
const GATE_BODY_MAX = SlackLimits.sectionText - 1 - GATE_STATUS_MAX;
const ITEM_BUTTON_LABELS = ['Done', 'Undo', 'Sign off'] as const;
const ITEM_BUTTON_TEXT_MAX = Math.max(...ITEM_BUTTON_LABELS.map((l) => l.length));
const GATE_BUTTONS_TEXT = 'Go'.length + 'No-Go'.length;
const GO_VOTES_SHOWN = 5;
const NO_GO_VOTES_SHOWN = 3;
const VOTE_REASON_MAX = 100;
/** Room left for anything we failed to foresee; Slack's own limit is far above ours anyway. */
const PLAN_TEXT_BUDGET = SlackLimits.totalBlockText - 300;
const PLAN_BLOCK_BUDGET = SlackLimits.blocksPerMessage;

// ---- Static pieces (depend on the checklist only) ----

function headingTitle(section: Section): string {
  return `*${truncate(escapeMrkdwn(section.title), TITLE_MAX)}*`;
}

function notesText(section: Section): string {
  return section.notes.length === 0 ? '' : truncate(section.notes.join('\n'), NOTES_MAX);
}

function detailsText(item: Item): string {
  if (item.details.length === 0) return '';
  const pad = `${itemIndent(item.depth)}\u2003`;
  // Details were bullets under the item in the markdown; they stay bullets here.
  return `\n${truncate(item.details.map((d) => `${pad}${/^[•◦▪-]/.test(d) ? d : `• ${d}`}`).join('\n'), DETAILS_MAX)}`;
}

/** Text of a long-form item: a done mark (always one character), the indent, the text, its details. */
function itemBody(item: Item, finished: boolean): string {
  const mark = finished ? '✅' : '⬜';
  return truncate(`${mark} ${itemIndent(item.depth)}${itemLabel(item)}${detailsText(item)}`, ITEM_BODY_MAX);
}

function gateBody(item: Item): string {
  return truncate(`🚦 *Go/No-Go* · ${itemIndent(item.depth)}${itemLabel(item)}${detailsText(item)}`, GATE_BODY_MAX);
}

function timerLabel(item: Item): string {
  return `Start ${formatMinutes(item.timer?.minutes ?? 0)} timer`;
}

// ---- Worst-case costs ----

interface Cost {
  blocks: number;
  chars: number;
}

const ZERO: Cost = { blocks: 0, chars: 0 };

function plus(...costs: Cost[]): Cost {
  return costs.reduce((a, b) => ({ blocks: a.blocks + b.blocks, chars: a.chars + b.chars }), ZERO);
}

function minus(a: Cost, b: Cost): Cost {
  return { blocks: a.blocks - b.blocks, chars: a.chars - b.chars };
}

const HEADER_COST: Cost = { blocks: 1, chars: SlackLimits.headerText };

function headingCost(section: Section): Cost {
  return { blocks: 1, chars: headingTitle(section).length + 1 + HEADING_STATUS_MAX };
}

function notesCost(section: Section): Cost {
  const notes = notesText(section);
  return notes.length === 0 ? ZERO : { blocks: 1, chars: notes.length };
}

function unitCost(unit: SectionUnit, itemById: Map<string, Item>): Cost {
  if (unit.kind === 'checkboxes') {
    const chars = unit.itemIds.reduce((sum, id) => {
      const item = itemById.get(id);
      return sum + (item === undefined ? 0 : optionText(item).length + SlackLimits.optionDescription);
    }, 0);
    return { blocks: 1, chars };
  }
  const item = itemById.get(unit.itemId);
  if (item === undefined) return ZERO;
  const body = Math.max(itemBody(item, true).length, itemBody(item, false).length);
  switch (unit.form) {
    case 'button':
      return { blocks: 1, chars: body + 1 + ANNOTATION_MAX + ITEM_BUTTON_TEXT_MAX };
    case 'timer':
      return { blocks: 2, chars: body + 1 + ANNOTATION_MAX + ITEM_BUTTON_TEXT_MAX + timerLabel(item).length };
    case 'gate':
      return { blocks: 2, chars: gateBody(item).length + 1 + GATE_STATUS_MAX + GATE_BUTTONS_TEXT };
  }
}

function unitItemIds(unit: SectionUnit): string[] {
  return unit.kind === 'checkboxes' ? unit.itemIds : [unit.itemId];
}

// ---- Planning ----

interface Draft {
  sections: Array<{ sectionId: string; itemIds: string[] }>;
  cost: Cost;
}

function fits(draft: Draft, cost: Cost): boolean {
  return draft.cost.blocks + cost.blocks <= PLAN_BLOCK_BUDGET && draft.cost.chars + cost.chars <= PLAN_TEXT_BUDGET;
}

function newDraft(): Draft {
  return { sections: [], cost: HEADER_COST };
}

/**
 * Splits a phase into messages. Splits only between units (a checkbox group or a single long item),
 * so between items; keeps a section whole when it fits a message of its own; and when a section must
 * be split, avoids starting a part with a nested item.
 */
export function planPhaseParts(phase: Phase): PhasePart[] {
  const itemById = new Map(phase.sections.flatMap((s) => s.items.map((item): [string, Item] => [item.id, item])));
  const drafts: Draft[] = [];
  let current = newDraft();
  const startNewPart = (): void => {
    drafts.push(current);
    current = newDraft();
  };

  for (const section of phase.sections) {
    const units = layoutSection(section).map((unit) => {
      const first = itemById.get(unitItemIds(unit)[0] ?? '');
      return { unit, cost: unitCost(unit, itemById), nested: (first?.depth ?? 0) > 0 };
    });
    const opening = plus(headingCost(section), notesCost(section));
    const whole = plus(opening, ...units.map((u) => u.cost));

    const wholeFitsAlone = fits(newDraft(), whole);
    if (!fits(current, whole) && current.sections.length > 0 && wholeFitsAlone) startNewPart();
    // (A section without items always fits: its heading and notes are capped far below a message.)
    if (fits(current, whole) || units.length === 0) {
      current.sections.push({ sectionId: section.id, itemIds: units.flatMap((u) => unitItemIds(u.unit)) });
      current.cost = plus(current.cost, whole);
      continue;
    }

    // Too big for one message: fill parts unit by unit, repeating the section heading in each.
    let i = 0;
    let first = true;
    while (i < units.length) {
      const head = first ? opening : headingCost(section);
      if (!fits(current, plus(head, units[i]!.cost)) && current.sections.length > 0) startNewPart();
      const entry = { sectionId: section.id, itemIds: [] as string[] };
      current.sections.push(entry);
      current.cost = plus(current.cost, head);
      const start = i;
      // The first unit always goes in: caps make any single unit fit an otherwise empty message.
      while (i < units.length && (i === start || fits(current, units[i]!.cost))) {
        entry.itemIds.push(...unitItemIds(units[i]!.unit));
        current.cost = plus(current.cost, units[i]!.cost);
        i += 1;
      }
      if (i < units.length && units[i]!.nested) {
        // Move trailing units back out so the next part starts at a top-level item. All of this
        // section's units may go when the part holds other sections; otherwise at least one stays.
        const lowest = current.sections.length > 1 ? start : start + 1;
        for (let k = i - 1; k >= lowest; k -= 1) {
          if (units[k]!.nested) continue;
          for (let m = k; m < i; m += 1) {
            const ids = new Set(unitItemIds(units[m]!.unit));
            entry.itemIds = entry.itemIds.filter((id) => !ids.has(id));
            current.cost = minus(current.cost, units[m]!.cost);
          }
          if (k === start) {
            current.sections.pop();
            current.cost = minus(current.cost, head);
          }
          i = k;
          break;
        }
      }
      // The opening (with the notes) belongs to the part that shows the section's first item.
      if (i > start) first = false;
      if (i < units.length) startNewPart();
    }
  }
  if (current.sections.length > 0 || drafts.length === 0) drafts.push(current);

  return drafts.map((draft, index) => ({
    phaseId: phase.id,
    part: index + 1,
    of: drafts.length,
    sectionIds: draft.sections.map((s) => s.sectionId),
    itemIds: draft.sections.flatMap((s) => s.itemIds),
  }));
}

/** The part holding an item, so a change to that item re-renders only its own message. */
export function partOfItem(parts: PhasePart[], itemId: string): PhasePart | null {
  return parts.find((part) => part.itemIds.includes(itemId)) ?? null;
}

// ---- Rendering ----

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
  return state.at === null ? `✓ <@${state.by}>` : `✓ <@${state.by}> · ${at(state.at)}`;
}

function optionDescription(snapshot: RunSnapshot, item: Item, state: ItemState): string | undefined {
  if (isSettled(state)) {
    // A waiver reason is worth more than who waived it when space is this short.
    if (state.waivedReason !== null) return `waived: ${escapeMrkdwn(state.waivedReason)}`;
    return doneNote(state, slackTime);
  }
  if (item.kind === 'signoff' && item.role !== undefined) {
    const holders = snapshot.roles[item.role.toLowerCase()] ?? [];
    if (holders.length > 0) return `awaiting ${holders.map((u) => `<@${u}>`).join(' or ')}`;
  }
  return item.details[0];
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
  return actionsBlock(
    [checkboxes(ActionIds.itemCheckboxes, options, selected)],
    BlockIds.items(snapshot.run.id, section.id, unit.group),
  );
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
        [button({ text: timerLabel(item), actionId: ActionIds.timerStart, value: itemRef(runId, item.id) })],
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
  if (go.length > 0) tally.push(`*Go:* ${voteList(go, GO_VOTES_SHOWN, (v) => `<@${v.userId}> ${slackTime(v.at)}`)}`);
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
  }
  return truncate(lines.join('\n'), GATE_STATUS_MAX);
}

function renderGate(snapshot: RunSnapshot, item: Item): KnownBlock[] {
  const runId = snapshot.run.id;
  const blocks: KnownBlock[] = [
    sectionBlock(`${gateBody(item)}\n${gateStatus(snapshot, item)}`, { blockId: BlockIds.item(runId, item.id) }),
  ];
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
      gate === null
        ? '🔒 Blocked until the previous gate passes'
        : `🔒 Blocked until “${truncate(itemLabel(gate), BLOCKED_GATE_TEXT_MAX)}” passes`,
    );
  } else if (state !== 'unscheduled') {
    pieces.push(stateLabels[state]);
  }
  const progress = sectionProgress(snapshot, section);
  if (progress.total > 0) pieces.push(`${progress.done}/${progress.total} done`);
  if (continued) pieces.push('_(continued)_');
  return truncate(pieces.join(' · '), HEADING_STATUS_MAX);
}

/** The header of a part: "#12 · Phase 1: Canary (10%)", later parts "… (continued 2/3)". */
export function phasePartTitle(runId: number, phase: Phase, part: PhasePart): string {
  const prefix = `#${runId} · `;
  const suffix = part.part > 1 ? ` (continued ${part.part}/${part.of})` : '';
  return `${prefix}${truncate(phase.title, SlackLimits.headerText - prefix.length - suffix.length)}${suffix}`;
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

    const itemById = new Map(section.items.map((item) => [item.id, item]));
    for (const unit of layoutSection(section)) {
      const items = unitItemIds(unit)
        .filter((id) => inPart.has(id))
        .map((id) => itemById.get(id))
        .filter((item): item is Item => item !== undefined);
      if (items.length === 0) continue;
      for (const item of items) {
        total += 1;
        if (isSettled(itemStateOf(snapshot, item))) done += 1;
      }
      if (unit.kind === 'checkboxes') blocks.push(renderCheckboxes(snapshot, section, unit, items));
      else if (unit.form === 'gate') blocks.push(...renderGate(snapshot, items[0]!));
      else blocks.push(...renderLongItem(snapshot, items[0]!, now));
    }
  }

  return { text: truncate(`${title} — ${done}/${total} done`, SlackLimits.fallbackText), blocks };
}
