/**
 * Slack's limits on a message, and a checker the tests run over every view. Slack answers a breach
 * with invalid_blocks or msg_blocks_too_long and the whole message is lost, so the views are built to
 * stay inside these by construction; this checker proves it.
 */
import type { SlackMessage } from './blockKit.js';

/** Per-field limits from the Block Kit reference, plus our own margin for the message total. */
export const SlackLimits = {
  blocksPerMessage: 50,
  optionsPerCheckboxes: 10,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  sectionText: 3000,
  sectionField: 2000,
  sectionFields: 10,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  blockId: 255,
  actionId: 255,
  fallbackText: 3000,
  /** Slack fails with msg_blocks_too_long somewhere near 12k characters of block text; we keep margin. */
  totalBlockText: 9000,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | null {
  return isObject(value) && typeof value.text === 'string' ? value.text : null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Every way `message` breaks Slack's limits, as readable sentences; empty when it is fine.
 * The total counts every text a reader sees: section text and fields, option text and description,
 * context elements, header and button text.
 */
export function checkMessageLimits(message: SlackMessage): string[] {
  const problems: string[] = [];
  const blockIds = new Set<string>();

  if (message.text.length > SlackLimits.fallbackText) {
    problems.push(`fallback text has ${message.text.length} characters (max ${SlackLimits.fallbackText})`);
  }
  if (message.text.trim().length === 0) problems.push('fallback text is empty');
  if (message.blocks.length > SlackLimits.blocksPerMessage) {
    problems.push(`message has ${message.blocks.length} blocks (max ${SlackLimits.blocksPerMessage})`);
  }

  const checkText = (where: string, text: string | null, max: number): void => {
    if (text === null) {
      problems.push(`${where}: text is missing`);
      return;
    }
    if (text.trim().length === 0) problems.push(`${where}: text is empty`);
    if (text.length > max) problems.push(`${where}: text has ${text.length} characters (max ${max})`);
  };

  const checkActionId = (where: string, element: Json, actionIds: Set<string>): void => {
    const actionId = element.action_id;
    if (typeof actionId !== 'string') return;
    if (actionId.length > SlackLimits.actionId) {
      problems.push(`${where}: action_id has ${actionId.length} characters (max ${SlackLimits.actionId})`);
    }
    if (actionIds.has(actionId)) problems.push(`${where}: action_id "${actionId}" repeats within its block`);
    actionIds.add(actionId);
  };

  const checkElement = (where: string, element: unknown, actionIds: Set<string>): void => {
    if (!isObject(element)) return;
    checkActionId(where, element, actionIds);
    if (element.type === 'button') {
      checkText(`${where} button`, textOf(element.text), SlackLimits.buttonText);
      if (typeof element.value === 'string' && element.value.length > SlackLimits.buttonValue) {
        problems.push(`${where} button: value has ${element.value.length} characters (max ${SlackLimits.buttonValue})`);
      }
    }
    if (element.type === 'checkboxes') {
      const options = list(element.options);
      if (options.length === 0) problems.push(`${where} checkboxes: no options`);
      if (options.length > SlackLimits.optionsPerCheckboxes) {
        problems.push(`${where} checkboxes: ${options.length} options (max ${SlackLimits.optionsPerCheckboxes})`);
      }
      const values = new Set<string>();
      options.forEach((option, i) => {
        const at = `${where} option ${i + 1}`;
        if (!isObject(option)) return;
        checkText(at, textOf(option.text), SlackLimits.optionText);
        if (option.description !== undefined) {
          checkText(`${at} description`, textOf(option.description), SlackLimits.optionDescription);
        }
        const value = option.value;
        if (typeof value !== 'string' || value.length === 0) problems.push(`${at}: value is missing`);
        else {
          if (value.length > SlackLimits.optionValue) {
            problems.push(`${at}: value has ${value.length} characters (max ${SlackLimits.optionValue})`);
          }
          if (values.has(value)) problems.push(`${at}: value "${value}" repeats`);
          values.add(value);
        }
      });
      // Slack rejects an initial option that is not an exact copy of one of the options.
      const serialised = new Set(options.map((o) => JSON.stringify(o)));
      list(element.initial_options).forEach((initial, i) => {
        if (!serialised.has(JSON.stringify(initial))) {
          problems.push(`${where} checkboxes: initial option ${i + 1} matches none of the options exactly`);
        }
      });
    }
  };

  message.blocks.forEach((raw, index) => {
    const block = raw as unknown as Json;
    const where = `block ${index + 1} (${String(block.type)})`;
    const blockId = block.block_id;
    if (typeof blockId === 'string') {
      if (blockId.length > SlackLimits.blockId) {
        problems.push(`${where}: block_id has ${blockId.length} characters (max ${SlackLimits.blockId})`);
      }
      if (blockIds.has(blockId)) problems.push(`${where}: block_id "${blockId}" is not unique`);
      blockIds.add(blockId);
    }
    const actionIds = new Set<string>();
    switch (block.type) {
      case 'header': {
        const text = block.text;
        if (!isObject(text) || text.type !== 'plain_text') problems.push(`${where}: header text must be plain_text`);
        checkText(where, textOf(text), SlackLimits.headerText);
        break;
      }
      case 'section': {
        const fields = list(block.fields);
        if (block.text === undefined && fields.length === 0) problems.push(`${where}: needs text or fields`);
        if (block.text !== undefined) checkText(where, textOf(block.text), SlackLimits.sectionText);
        if (fields.length > SlackLimits.sectionFields) {
          problems.push(`${where}: ${fields.length} fields (max ${SlackLimits.sectionFields})`);
        }
        fields.forEach((field, i) => checkText(`${where} field ${i + 1}`, textOf(field), SlackLimits.sectionField));
        if (block.accessory !== undefined) checkElement(`${where} accessory`, block.accessory, actionIds);
        break;
      }
      case 'context': {
        const elements = list(block.elements);
        if (elements.length === 0) problems.push(`${where}: no elements`);
        if (elements.length > SlackLimits.contextElements) {
          problems.push(`${where}: ${elements.length} elements (max ${SlackLimits.contextElements})`);
        }
        elements.forEach((element, i) => {
          if (isObject(element) && element.type !== 'image') {
            checkText(`${where} element ${i + 1}`, textOf(element), SlackLimits.contextText);
          }
        });
        break;
      }
      case 'actions': {
        const elements = list(block.elements);
        if (elements.length === 0) problems.push(`${where}: no elements`);
        if (elements.length > SlackLimits.actionsElements) {
          problems.push(`${where}: ${elements.length} elements (max ${SlackLimits.actionsElements})`);
        }
        elements.forEach((element, i) => checkElement(`${where} element ${i + 1}`, element, actionIds));
        break;
      }
      default:
        break;
    }
  });

  const total = blockTextLength(message);
  if (total > SlackLimits.totalBlockText) {
    problems.push(`blocks hold ${total} characters of text (max ${SlackLimits.totalBlockText})`);
  }
  return problems;
}

/** The characters of text a message's blocks hold, counted as checkMessageLimits counts them. */
export function blockTextLength(message: SlackMessage): number {
  let total = 0;
  const add = (value: unknown): void => {
    const text = textOf(value);
    if (text !== null) total += text.length;
  };
  const element = (value: unknown): void => {
    if (!isObject(value)) return;
    if (value.type === 'button') add(value.text);
    if (value.type === 'checkboxes') {
      for (const option of list(value.options)) {
        if (!isObject(option)) continue;
        add(option.text);
        add(option.description);
      }
    }
  };
  for (const raw of message.blocks) {
    const block = raw as unknown as Json;
    if (block.type === 'header') add(block.text);
    if (block.type === 'section') {
      add(block.text);
      list(block.fields).forEach(add);
      element(block.accessory);
    }
    if (block.type === 'context') list(block.elements).forEach((e) => isObject(e) && e.type !== 'image' && add(e));
    if (block.type === 'actions') list(block.elements).forEach(element);
  }
  return total;
}
