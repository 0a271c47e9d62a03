/**
 * Reference sections reachable from the run (issue 10): the overview's **Reference** control (a
 * button for one section, a menu for several) and the modal it opens, which renders the section as
 * `/deploy ref` does (tables as rows, templates' fences kept), split into section blocks, never cut
 * silently. A communication template's modal carries its **Post update** button.
 */
import type { ActionsBlock, KnownBlock, PlainTextOption, View } from '@slack/types';
import type { Checklist, ReferenceSection } from '../../domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds, templateRef, updateMetadata } from '../ids.js';
import { actionsBlock, button, contextBlock, headerBlock, sectionBlock, truncate } from './blockKit.js';
import { checklistBlock, checklistPlain, escapeMrkdwn } from './checklistMrkdwn.js';
import { splitIntoParts } from './referenceText.js';
import { SlackLimits } from './slackLimits.js';

/** Blocks a modal may hold (Slack: 100), and what its section text takes (Slack: 3,000). */
const MODAL_BLOCKS_MAX = 100;
const PART_MAX = 2_900;
/** A static_select holds at most 100 options. */
const MENU_OPTIONS_MAX = 100;
/** Characters the menu's options may take of the overview's message budget (Slack sums every block's text). */
export const REFERENCE_MENU_TEXT_MAX = 2_000;

/** The sections worth opening (those with text), with their index in `checklist.reference`. */
export function openableReferences(checklist: Checklist): Array<{ refIndex: number; section: ReferenceSection }> {
  return checklist.reference.flatMap((section, refIndex) => (section.body.trim() === '' ? [] : [{ refIndex, section }]));
}

function optionText(title: string): string {
  return truncate(checklistPlain(title).trim() || 'Untitled section', SlackLimits.optionText);
}

/** The overview's Reference control; null when the checklist has no reference section with text. */
export function referenceControl(runId: number, checklist: Checklist): ActionsBlock | null {
  const sections = openableReferences(checklist);
  if (sections.length === 0) return null;
  if (sections.length === 1) {
    const only = sections[0]!;
    return actionsBlock(
      [
        button({
          text: truncate(`📖 ${checklistPlain(only.section.title).trim()}`, SlackLimits.buttonText),
          actionId: ActionIds.referenceOpen,
          value: templateRef(runId, only.refIndex),
        }),
      ],
      BlockIds.reference(runId),
    );
  }
  const options: PlainTextOption[] = [];
  let used = 0;
  for (const { refIndex, section } of sections.slice(0, MENU_OPTIONS_MAX)) {
    const text = optionText(section.title);
    if (used + text.length > REFERENCE_MENU_TEXT_MAX) break;
    used += text.length;
    options.push({ text: { type: 'plain_text', text }, value: templateRef(runId, refIndex) });
  }
  // Sections the menu has no room for are named, not dropped: `/deploy ref` reaches every one.
  const label =
    options.length < sections.length
      ? `📖 Reference (${options.length} of ${sections.length}; /deploy ref for all)`
      : `📖 Reference (${sections.length} sections)`;
  return actionsBlock(
    [
      {
        type: 'static_select',
        action_id: ActionIds.referenceOpen,
        placeholder: { type: 'plain_text', text: label },
        options,
      },
    ],
    BlockIds.reference(runId),
  );
}

/**
 * Splits rendered mrkdwn into section-sized parts; a code fence cut by a split is closed at the end
 * of its part and opened again at the start of the next, so both halves still read as code.
 */
export function modalParts(text: string): string[] {
  const parts = splitIntoParts(text, PART_MAX - 8);
  let open = false;
  return parts.map((part) => {
    const head = open ? '```\n' : '';
    const fences = part.split('\n').filter((l) => l.trim() === '```').length;
    if (fences % 2 === 1) open = !open;
    return `${head}${part}${open ? '\n```' : ''}`;
  });
}

export function referenceModal(input: { runId: number; refIndex: number; channelId: string; section: ReferenceSection; isTemplate: boolean }): View {
  const { runId, refIndex, section } = input;
  const title = checklistPlain(section.title).trim() || 'Untitled section';
  const tail: KnownBlock[] = input.isTemplate
    ? [
        actionsBlock(
          [button({ text: 'Post update', actionId: ActionIds.postUpdate, value: templateRef(runId, refIndex), style: 'primary' })],
          BlockIds.template(runId, refIndex),
        ),
      ]
    : [];
  const parts = modalParts(checklistBlock(section.body));
  const room = MODAL_BLOCKS_MAX - 2 - tail.length;
  const shown = parts.length > room ? parts.slice(0, room - 1) : parts;
  const rest: KnownBlock[] =
    shown.length < parts.length
      ? [
          contextBlock([
            `This section is longer than a modal holds (${parts.length} blocks): the rest is in \`/deploy ref ${escapeMrkdwn(section.title.trim().slice(0, 80))}\`, part by part.`,
          ]),
        ]
      : [];
  return {
    type: 'modal',
    callback_id: CallbackIds.referenceModal,
    private_metadata: updateMetadata(runId, refIndex, input.channelId),
    title: { type: 'plain_text', text: 'Reference' },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [
      headerBlock(truncate(title, SlackLimits.headerText)),
      contextBlock([`Run #${runId} · from the checklist, as written`]),
      ...shown.map((part) => sectionBlock(part)),
      ...rest,
      ...tail,
    ],
  };
}
