/**
 * A rollback phase's message while no rollback has started: posted with the rest of the run so
 * people know the branch and its steps before they need them, as plain text with each step's time
 * box and no controls. It is the same message (and the same part plan) as the interactive form
 * phaseMessages.ts renders once a rollback starts, and costs less than it for every piece: one block
 * per unit whose text is never longer than the unit's interactive text and annotation. So what the
 * plan (phasePlan.ts) fitted, fits here too.
 */
import type { KnownBlock } from '@slack/types';
import type { Item, Phase, Section } from '../../domain/checklist.js';
import type { RunSnapshot } from '../../domain/run.js';
import { contextBlock, headerBlock, sectionBlock, truncate } from './blockKit.js';
import type { SlackMessage } from './blockKit.js';
import { escapeMrkdwn } from './checklistMrkdwn.js';
import { gateBody, HEADING_STATUS_MAX, headingTitle, itemBody, notesText } from './phasePieces.js';
import { phasePartTitle } from './phaseMessages.js';
import { unitsInPart, type PhasePart } from './phasePlan.js';
import { optionText } from './sectionLayout.js';
import { formatMinutes } from './slackDate.js';
import { SlackLimits } from './slackLimits.js';

export const STANDBY_BANNER = '*Rollback: held until a No-Go or `/deploy rollback`*';

/** "⏱ 15 min time box" for a step with one; '' otherwise (at most ~30 characters, inside the annotation's room). */
function timerText(item: Item): string {
  if (item.timer === undefined) return '';
  return item.timer.kind === 'timebox' ? ` · ⏱ ${formatMinutes(item.timer.minutes)} time box` : ` · ⏱ watch ${formatMinutes(item.timer.minutes)}`;
}

function stepLine(item: Item, long: boolean): string {
  if (item.kind === 'gate') return gateBody(item);
  // The ⬜ mark of the interactive form says "tick me"; on standby a step is a bullet.
  const text = long ? itemBody(item, false).replace(/^⬜ /, '• ') : `• ${optionText(item)}`;
  return `${text}${timerText(item)}`;
}

function headingStatus(section: Section, first: boolean, ended: boolean): string {
  const pieces = [first ? (ended ? '*Rollback: not needed* — the run ended without one' : STANDBY_BANNER) : '_held_'];
  if (section.timing?.timebox !== undefined) pieces.push(`⏱ ${formatMinutes(section.timing.timebox)} time box`);
  return truncate(pieces.join(' · '), HEADING_STATUS_MAX);
}

export function renderRollbackStandby(input: { snapshot: RunSnapshot; phase: Phase; part: PhasePart }): SlackMessage {
  const { snapshot, phase, part } = input;
  const ended = snapshot.run.status !== 'active';
  const inPart = new Set(part.itemIds);
  const title = phasePartTitle(snapshot.run.id, phase, part);
  const blocks: KnownBlock[] = [headerBlock(title)];
  let steps = 0;
  part.sectionIds.forEach((sectionId, index) => {
    const section = phase.sections.find((s) => s.id === sectionId);
    if (section === undefined) return;
    const firstItem = section.items[0];
    const startsHere = firstItem === undefined || inPart.has(firstItem.id);
    blocks.push(sectionBlock(`${headingTitle(section)}\n${headingStatus(section, index === 0, ended)}`));
    const notes = notesText(section);
    if (startsHere && notes.length > 0) blocks.push(contextBlock([notes]));
    for (const { unit, items } of unitsInPart(section, inPart)) {
      steps += items.length;
      const text = items.map((item) => stepLine(item, unit.kind === 'item')).join('\n');
      blocks.push(sectionBlock(truncate(text, SlackLimits.sectionText)));
    }
  });
  const state = ended ? 'not needed' : 'on standby';
  return {
    text: truncate(`${escapeMrkdwn(title)} — rollback ${state}, ${steps === 1 ? '1 step' : `${steps} steps`}`, SlackLimits.fallbackText),
    blocks,
  };
}
