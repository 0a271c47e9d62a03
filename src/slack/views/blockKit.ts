/**
 * Tiny typed Block Kit builders. Every builder clamps its strings to Slack's per-field limits, so a
 * view can never produce a field Slack rejects; the views still plan their sizes so that clamping is
 * a safety net, not the normal path.
 */
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  Checkboxes,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  Option,
  PlainTextElement,
  SectionBlock,
  View,
} from '@slack/types';
import { SlackLimits } from './slackLimits.js';

/** A message as chat.postMessage / chat.update take it. `text` is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const ELLIPSIS = '…';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Shortens mrkdwn to at most `max` characters, ending in "…". Never cuts inside a `<…>` token
 * (mention, link, date) or an `&…;` entity, because a half token renders as garbage or breaks the
 * rest of the text; the whole token is dropped instead.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let cut = max - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  const open = text.lastIndexOf('<', cut - 1);
  if (open !== -1) {
    const close = text.indexOf('>', open);
    if (close === -1 || close >= cut) cut = open;
  }
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp <= 6 && !text.slice(amp, cut).includes(';')) cut = amp;
  return `${text.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/**
 * Joins lines into at most `max` characters. When lines have to go, the last line says how many
 * ("…and 12 more") so a reader knows the list is cut, not complete.
 */
export function joinLinesWithin(lines: string[], max: number, separator = '\n'): string {
  const full = lines.join(separator);
  if (full.length <= max) return full;
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const more = `…and ${lines.length - i - 1} more`;
    const add = (kept.length > 0 ? separator.length : 0) + line.length;
    // Keep this line only if the "…and N more" line for the rest still fits after it.
    if (used + add + separator.length + more.length > max) break;
    kept.push(line);
    used += add;
  }
  const rest = lines.length - kept.length;
  const moreLine = `…and ${rest} more`;
  if (kept.length === 0) return truncate(moreLine, max);
  return `${kept.join(separator)}${separator}${moreLine}`;
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

export function plainText(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function headerBlock(text: string): HeaderBlock {
  return { type: 'header', text: plainText(truncate(text, SlackLimits.headerText) || ' ') };
}

export function sectionBlock(text: string, options: { blockId?: string; accessory?: Button } = {}): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(truncate(text, SlackLimits.sectionText) || ' ') };
  if (options.blockId !== undefined) block.block_id = options.blockId;
  if (options.accessory !== undefined) block.accessory = options.accessory;
  return block;
}

export function contextBlock(texts: string[], blockId?: string): ContextBlock {
  const elements = texts
    .filter((t) => t.length > 0)
    .slice(0, SlackLimits.contextElements)
    .map((t) => mrkdwn(truncate(t, SlackLimits.contextText)));
  const block: ContextBlock = { type: 'context', elements: elements.length > 0 ? elements : [mrkdwn(' ')] };
  if (blockId !== undefined) block.block_id = blockId;
  return block;
}

export function actionsBlock(elements: ActionsBlockElement[], blockId?: string): ActionsBlock {
  const block: ActionsBlock = { type: 'actions', elements: elements.slice(0, SlackLimits.actionsElements) };
  if (blockId !== undefined) block.block_id = blockId;
  return block;
}

export function dividerBlock(): DividerBlock {
  return { type: 'divider' };
}

export function button(input: { text: string; actionId: string; value: string; style?: 'primary' | 'danger' }): Button {
  const element: Button = {
    type: 'button',
    text: plainText(truncate(input.text, SlackLimits.buttonText)),
    action_id: input.actionId,
    value: input.value,
  };
  if (input.style !== undefined) element.style = input.style;
  return element;
}

/**
 * A checkbox option with mrkdwn text and description. Slack accepts mrkdwn descriptions in checkbox
 * groups (the option object reference says so) although @slack/types only types plain_text there.
 */
export interface CheckboxOption {
  text: MrkdwnElement;
  value: string;
  description?: MrkdwnElement;
}

export function checkboxOption(text: string, value: string, description?: string): CheckboxOption {
  const option: CheckboxOption = { text: mrkdwn(truncate(text, SlackLimits.optionText)), value };
  const desc = description === undefined ? '' : truncate(description, SlackLimits.optionDescription);
  if (desc.length > 0) option.description = mrkdwn(desc);
  return option;
}

/**
 * A checkboxes element. `selected` must hold the very objects found in `options`: Slack rejects
 * initial_options that differ from their option in any field.
 */
export function checkboxes(actionId: string, options: CheckboxOption[], selected: CheckboxOption[]): Checkboxes {
  const element: Checkboxes = {
    type: 'checkboxes',
    action_id: actionId,
    options: options as unknown as Option[],
  };
  if (selected.length > 0) element.initial_options = selected as unknown as Option[];
  return element;
}

/**
 * A form in a modal: the title, the submit label, Cancel, a short intro line (mrkdwn, cut to fit),
 * then the form's own blocks. private_metadata carries what the submission needs to find its run.
 */
export function formModal(input: {
  callbackId: string;
  privateMetadata: string;
  title: string;
  submit: string;
  intro: string;
  blocks: KnownBlock[];
}): View {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    private_metadata: input.privateMetadata,
    title: { type: 'plain_text', text: input.title },
    submit: { type: 'plain_text', text: input.submit },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [sectionBlock(truncate(input.intro, 2_900)), ...input.blocks],
  };
}
