/**
 * The fake Slack's own Block Kit validator, written from Slack's published Block Kit limits.
 *
 * It deliberately imports nothing from src/: if deployday's block builders and this checker
 * shared code, a wrong limit would be wrong in both places and every test would still pass.
 *
 * Problems are reported the way Slack reports them in `response_metadata.messages`:
 * `[ERROR] <what is wrong> [json-pointer:/blocks/3/text/text]`.
 *
 * Lengths are counted in UTF-16 code units (String#length), which is never less than the
 * number of characters Slack counts, so the fake errs on the side of rejecting.
 */

type Obj = Record<string, unknown>;

/** Slack's documented limits, in one place so a test can build a payload exactly at or over one. */
export const BlockKitLimits = {
  messageBlocks: 50,
  modalBlocks: 100,
  blockId: 255,
  actionId: 255,
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  checkboxOptions: 10,
  radioOptions: 10,
  selectOptions: 100,
  overflowOptions: 5,
  optionText: 75,
  optionDescription: 75,
  optionValue: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  placeholder: 150,
  imageAltText: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  markdownBlockText: 12000,
  /** `text` argument of chat.postMessage / chat.update. */
  messageText: 40000,
  /** Summed text of every block of one message (`msg_blocks_too_long`). */
  messageBlocksText: 12000,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  callbackId: 255,
  privateMetadata: 3000,
  externalId: 255,
} as const;

export type Surface = 'message' | 'modal';

const BLOCK_TYPES = new Set(['actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'video']);

const SELECTS = ['static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select'];
const MULTI_SELECTS = SELECTS.map((s) => `multi_${s}`);

/** Interactive elements allowed in an actions block. */
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

/** Elements allowed as a section's accessory. */
const ACCESSORY_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

/** Elements allowed in an input block. */
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of JSON values, ignoring key order (Slack compares parsed JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

class Problems {
  readonly list: string[] = [];
  add(pointer: string, message: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }
}

interface TextRules {
  max: number;
  plainOnly?: boolean;
}

function checkString(p: Problems, value: unknown, ptr: string, max: number, required: boolean): void {
  if (value === undefined) {
    if (required) p.add(ptr, 'missing required field');
    return;
  }
  if (typeof value !== 'string') {
    p.add(ptr, 'must be a string');
    return;
  }
  if (value.length > max) p.add(ptr, `must be less than ${max + 1} characters`);
}

function checkTextObject(p: Problems, value: unknown, ptr: string, rules: TextRules): void {
  if (!isObj(value)) {
    p.add(ptr, 'must be a text object');
    return;
  }
  const type = value['type'];
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    p.add(`${ptr}/type`, `must be one of plain_text, mrkdwn (got ${JSON.stringify(type)})`);
    return;
  }
  if (rules.plainOnly && type !== 'plain_text') p.add(`${ptr}/type`, 'must be plain_text');
  const text = value['text'];
  if (typeof text !== 'string') {
    p.add(`${ptr}/text`, 'missing required field: text');
  } else if (text.length === 0) {
    p.add(`${ptr}/text`, 'must be more than 0 characters');
  } else if (text.length > rules.max) {
    p.add(`${ptr}/text`, `must be less than ${rules.max + 1} characters`);
  }
  if (type === 'plain_text' && 'verbatim' in value) {
    p.add(`${ptr}/verbatim`, 'verbatim is not allowed on a plain_text object');
  }
  if (type === 'mrkdwn' && 'emoji' in value) {
    p.add(`${ptr}/emoji`, 'emoji is not allowed on a mrkdwn object');
  }
}

function checkOption(p: Problems, value: unknown, ptr: string, plainOnly: boolean): void {
  if (!isObj(value)) {
    p.add(ptr, 'must be an option object');
    return;
  }
  checkTextObject(p, value['text'], `${ptr}/text`, { max: BlockKitLimits.optionText, plainOnly });
  if (typeof value['value'] !== 'string') {
    p.add(`${ptr}/value`, 'missing required field: value');
  } else {
    checkString(p, value['value'], `${ptr}/value`, BlockKitLimits.optionValue, true);
  }
  if (value['description'] !== undefined) {
    checkTextObject(p, value['description'], `${ptr}/description`, {
      max: BlockKitLimits.optionDescription,
      plainOnly,
    });
  }
  checkString(p, value['url'], `${ptr}/url`, BlockKitLimits.url, false);
}

interface OptionRules {
  min: number;
  max: number;
  plainOnly: boolean;
}

/** Checks `options` and returns them (or [] when unusable) so initial options can be matched. */
function checkOptions(p: Problems, value: unknown, ptr: string, rules: OptionRules): unknown[] {
  if (!Array.isArray(value)) {
    p.add(ptr, 'missing required field: options');
    return [];
  }
  if (value.length < rules.min) p.add(ptr, `must provide at least ${rules.min} items`);
  if (value.length > rules.max) p.add(ptr, `must provide no more than ${rules.max} items`);
  value.forEach((option, i) => checkOption(p, option, `${ptr}/${i}`, rules.plainOnly));
  return value;
}

function checkInitialOptions(p: Problems, initial: unknown, options: unknown[], ptr: string): void {
  if (initial === undefined) return;
  if (!Array.isArray(initial)) {
    p.add(ptr, 'must be an array');
    return;
  }
  initial.forEach((chosen, i) => {
    if (!options.some((option) => jsonEqual(option, chosen))) {
      p.add(`${ptr}/${i}`, "must exactly match one of the element's options");
    }
  });
}

function checkInitialOption(p: Problems, initial: unknown, options: unknown[], ptr: string): void {
  if (initial === undefined) return;
  if (!options.some((option) => jsonEqual(option, initial))) {
    p.add(ptr, "must exactly match one of the element's options");
  }
}

function checkConfirm(p: Problems, value: unknown, ptr: string): void {
  if (value === undefined) return;
  if (!isObj(value)) {
    p.add(ptr, 'must be a confirmation dialog object');
    return;
  }
  checkTextObject(p, value['title'], `${ptr}/title`, { max: BlockKitLimits.confirmTitle, plainOnly: true });
  checkTextObject(p, value['text'], `${ptr}/text`, { max: BlockKitLimits.confirmText });
  checkTextObject(p, value['confirm'], `${ptr}/confirm`, { max: BlockKitLimits.confirmButton, plainOnly: true });
  checkTextObject(p, value['deny'], `${ptr}/deny`, { max: BlockKitLimits.confirmButton, plainOnly: true });
}

function checkPlaceholder(p: Problems, value: unknown, ptr: string): void {
  if (value === undefined) return;
  checkTextObject(p, value, ptr, { max: BlockKitLimits.placeholder, plainOnly: true });
}

function checkImageSource(p: Problems, el: Obj, ptr: string): void {
  if (el['image_url'] === undefined && el['slack_file'] === undefined) {
    p.add(ptr, 'must provide image_url or slack_file');
  }
  checkString(p, el['image_url'], `${ptr}/image_url`, BlockKitLimits.url, false);
  checkString(p, el['alt_text'], `${ptr}/alt_text`, BlockKitLimits.imageAltText, true);
}

/**
 * Checks one block element and returns its action_id (if any) so the caller can enforce
 * uniqueness within the block.
 */
function checkElement(p: Problems, value: unknown, ptr: string, allowed: ReadonlySet<string>): string | undefined {
  if (!isObj(value)) {
    p.add(ptr, 'must be a block element object');
    return undefined;
  }
  const type = value['type'];
  if (typeof type !== 'string' || !allowed.has(type)) {
    p.add(`${ptr}/type`, `element type ${JSON.stringify(type)} is not allowed here`);
    return undefined;
  }
  const actionId = value['action_id'];
  if (actionId !== undefined) checkString(p, actionId, `${ptr}/action_id`, BlockKitLimits.actionId, false);
  checkConfirm(p, value['confirm'], `${ptr}/confirm`);

  switch (type) {
    case 'button':
      checkTextObject(p, value['text'], `${ptr}/text`, { max: BlockKitLimits.buttonText, plainOnly: true });
      checkString(p, value['value'], `${ptr}/value`, BlockKitLimits.buttonValue, false);
      checkString(p, value['url'], `${ptr}/url`, BlockKitLimits.url, false);
      checkString(p, value['accessibility_label'], `${ptr}/accessibility_label`, BlockKitLimits.buttonText, false);
      if (value['style'] !== undefined && value['style'] !== 'primary' && value['style'] !== 'danger') {
        p.add(`${ptr}/style`, 'must be one of primary, danger');
      }
      break;
    case 'checkboxes': {
      const options = checkOptions(p, value['options'], `${ptr}/options`, {
        min: 1,
        max: BlockKitLimits.checkboxOptions,
        plainOnly: false,
      });
      checkInitialOptions(p, value['initial_options'], options, `${ptr}/initial_options`);
      break;
    }
    case 'radio_buttons': {
      const options = checkOptions(p, value['options'], `${ptr}/options`, {
        min: 1,
        max: BlockKitLimits.radioOptions,
        plainOnly: false,
      });
      checkInitialOption(p, value['initial_option'], options, `${ptr}/initial_option`);
      break;
    }
    case 'overflow':
      checkOptions(p, value['options'], `${ptr}/options`, {
        min: 1,
        max: BlockKitLimits.overflowOptions,
        plainOnly: true,
      });
      break;
    case 'static_select':
    case 'multi_static_select': {
      checkPlaceholder(p, value['placeholder'], `${ptr}/placeholder`);
      let options: unknown[] = [];
      if (value['option_groups'] !== undefined) {
        const groups = value['option_groups'];
        if (!Array.isArray(groups)) {
          p.add(`${ptr}/option_groups`, 'must be an array');
        } else {
          groups.forEach((group, g) => {
            const gptr = `${ptr}/option_groups/${g}`;
            if (!isObj(group)) {
              p.add(gptr, 'must be an option group object');
              return;
            }
            checkTextObject(p, group['label'], `${gptr}/label`, { max: BlockKitLimits.optionText, plainOnly: true });
            options = options.concat(
              checkOptions(p, group['options'], `${gptr}/options`, {
                min: 1,
                max: BlockKitLimits.selectOptions,
                plainOnly: true,
              }),
            );
          });
        }
      } else {
        options = checkOptions(p, value['options'], `${ptr}/options`, {
          min: 1,
          max: BlockKitLimits.selectOptions,
          plainOnly: true,
        });
      }
      if (type === 'static_select') checkInitialOption(p, value['initial_option'], options, `${ptr}/initial_option`);
      else checkInitialOptions(p, value['initial_options'], options, `${ptr}/initial_options`);
      break;
    }
    case 'image':
      checkImageSource(p, value, ptr);
      break;
    case 'datepicker':
      checkPlaceholder(p, value['placeholder'], `${ptr}/placeholder`);
      if (value['initial_date'] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(value['initial_date']))) {
        p.add(`${ptr}/initial_date`, 'must be in the format YYYY-MM-DD');
      }
      break;
    case 'timepicker':
      checkPlaceholder(p, value['placeholder'], `${ptr}/placeholder`);
      if (value['initial_time'] !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(value['initial_time']))) {
        p.add(`${ptr}/initial_time`, 'must be in the format HH:mm');
      }
      break;
    default:
      // Other elements (selects backed by users/channels, text inputs, ...) only need a placeholder check here.
      checkPlaceholder(p, value['placeholder'], `${ptr}/placeholder`);
      break;
  }
  return typeof actionId === 'string' ? actionId : undefined;
}

function checkBlock(p: Problems, block: unknown, ptr: string): void {
  if (!isObj(block)) {
    p.add(ptr, 'must be a block object');
    return;
  }
  const type = block['type'];
  if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) {
    p.add(`${ptr}/type`, `unknown block type ${JSON.stringify(type)}`);
    return;
  }
  switch (type) {
    case 'section': {
      const text = block['text'];
      const fields = block['fields'];
      const hasFields = Array.isArray(fields) && fields.length > 0;
      if (text === undefined && !hasFields) {
        p.add(ptr, 'must provide text or fields');
      }
      if (text !== undefined) checkTextObject(p, text, `${ptr}/text`, { max: BlockKitLimits.sectionText });
      if (fields !== undefined) {
        if (!Array.isArray(fields)) {
          p.add(`${ptr}/fields`, 'must be an array');
        } else {
          if (fields.length > BlockKitLimits.sectionFields) {
            p.add(`${ptr}/fields`, `must provide no more than ${BlockKitLimits.sectionFields} items`);
          }
          fields.forEach((field, i) => checkTextObject(p, field, `${ptr}/fields/${i}`, { max: BlockKitLimits.sectionFieldText }));
        }
      }
      if (block['accessory'] !== undefined) {
        checkElement(p, block['accessory'], `${ptr}/accessory`, ACCESSORY_ELEMENTS);
      }
      break;
    }
    case 'header':
      checkTextObject(p, block['text'], `${ptr}/text`, { max: BlockKitLimits.headerText, plainOnly: true });
      break;
    case 'actions': {
      const elements = block['elements'];
      if (!Array.isArray(elements)) {
        p.add(`${ptr}/elements`, 'missing required field: elements');
        break;
      }
      if (elements.length < 1) p.add(`${ptr}/elements`, 'must provide at least 1 items');
      if (elements.length > BlockKitLimits.actionsElements) {
        p.add(`${ptr}/elements`, `must provide no more than ${BlockKitLimits.actionsElements} items`);
      }
      const seen = new Set<string>();
      elements.forEach((element, i) => {
        const actionId = checkElement(p, element, `${ptr}/elements/${i}`, ACTIONS_ELEMENTS);
        if (actionId === undefined) return;
        if (seen.has(actionId)) {
          p.add(`${ptr}/elements/${i}/action_id`, `action_id ${JSON.stringify(actionId)} is already used in this block`);
        }
        seen.add(actionId);
      });
      break;
    }
    case 'context': {
      const elements = block['elements'];
      if (!Array.isArray(elements)) {
        p.add(`${ptr}/elements`, 'missing required field: elements');
        break;
      }
      if (elements.length < 1) p.add(`${ptr}/elements`, 'must provide at least 1 items');
      if (elements.length > BlockKitLimits.contextElements) {
        p.add(`${ptr}/elements`, `must provide no more than ${BlockKitLimits.contextElements} items`);
      }
      elements.forEach((element, i) => {
        const eptr = `${ptr}/elements/${i}`;
        if (isObj(element) && element['type'] === 'image') checkImageSource(p, element, eptr);
        else checkTextObject(p, element, eptr, { max: BlockKitLimits.textObject });
      });
      break;
    }
    case 'image':
      checkImageSource(p, block, ptr);
      if (block['title'] !== undefined) {
        checkTextObject(p, block['title'], `${ptr}/title`, { max: BlockKitLimits.imageAltText, plainOnly: true });
      }
      break;
    case 'input':
      checkTextObject(p, block['label'], `${ptr}/label`, { max: BlockKitLimits.inputLabel, plainOnly: true });
      if (block['hint'] !== undefined) {
        checkTextObject(p, block['hint'], `${ptr}/hint`, { max: BlockKitLimits.inputHint, plainOnly: true });
      }
      if (block['element'] === undefined) p.add(`${ptr}/element`, 'missing required field: element');
      else checkElement(p, block['element'], `${ptr}/element`, INPUT_ELEMENTS);
      break;
    case 'markdown':
      if (typeof block['text'] !== 'string') p.add(`${ptr}/text`, 'missing required field: text');
      else checkString(p, block['text'], `${ptr}/text`, BlockKitLimits.markdownBlockText, true);
      break;
    case 'rich_text':
      if (!Array.isArray(block['elements'])) p.add(`${ptr}/elements`, 'missing required field: elements');
      break;
    case 'video':
      for (const field of ['video_url', 'thumbnail_url', 'alt_text']) {
        if (typeof block[field] !== 'string') p.add(`${ptr}/${field}`, `missing required field: ${field}`);
      }
      checkTextObject(p, block['title'], `${ptr}/title`, { max: 200, plainOnly: true });
      break;
    case 'file':
      if (block['source'] !== 'remote') p.add(`${ptr}/source`, 'must be remote');
      if (typeof block['external_id'] !== 'string') p.add(`${ptr}/external_id`, 'missing required field: external_id');
      break;
    default:
      break; // divider
  }
}

function checkBlockList(p: Problems, blocks: unknown, ptr: string, surface: Surface): void {
  if (!Array.isArray(blocks)) {
    p.add(ptr, 'must be an array of blocks');
    return;
  }
  const max = surface === 'modal' ? BlockKitLimits.modalBlocks : BlockKitLimits.messageBlocks;
  if (blocks.length > max) p.add(ptr, `must provide no more than ${max} items`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const bptr = `${ptr}/${i}`;
    if (isObj(block) && block['block_id'] !== undefined) {
      const blockId = block['block_id'];
      if (typeof blockId !== 'string') {
        p.add(`${bptr}/block_id`, 'must be a string');
      } else {
        if (blockId.length === 0) p.add(`${bptr}/block_id`, 'must be more than 0 characters');
        if (blockId.length > BlockKitLimits.blockId) {
          p.add(`${bptr}/block_id`, `must be less than ${BlockKitLimits.blockId + 1} characters`);
        }
        if (blockIds.has(blockId)) p.add(`${bptr}/block_id`, `duplicate block_id ${JSON.stringify(blockId)}`);
        blockIds.add(blockId);
      }
    }
    checkBlock(p, block, bptr);
  });
}

/**
 * Problems with a message's `blocks` (empty when Slack would accept them).
 * `surface: 'modal'` raises the block count limit to 100.
 */
export function validateBlocks(blocks: unknown, options: { surface?: Surface; pointer?: string } = {}): string[] {
  const p = new Problems();
  checkBlockList(p, blocks, options.pointer ?? '/blocks', options.surface ?? 'message');
  return p.list;
}

/** Problems with a modal view as passed to views.open / views.update / views.push. */
export function validateView(view: unknown, pointer = '/view'): string[] {
  const p = new Problems();
  if (!isObj(view)) {
    p.add(pointer, 'must be a view object');
    return p.list;
  }
  if (view['type'] !== 'modal') p.add(`${pointer}/type`, 'must be modal');
  checkTextObject(p, view['title'], `${pointer}/title`, { max: BlockKitLimits.viewTitle, plainOnly: true });
  if (view['close'] !== undefined) {
    checkTextObject(p, view['close'], `${pointer}/close`, { max: BlockKitLimits.viewClose, plainOnly: true });
  }
  const blocks = view['blocks'];
  const hasInput = Array.isArray(blocks) && blocks.some((b) => isObj(b) && b['type'] === 'input');
  if (view['submit'] !== undefined) {
    checkTextObject(p, view['submit'], `${pointer}/submit`, { max: BlockKitLimits.viewSubmit, plainOnly: true });
  } else if (hasInput) {
    p.add(`${pointer}/submit`, 'submit is required when the view has input blocks');
  }
  checkString(p, view['callback_id'], `${pointer}/callback_id`, BlockKitLimits.callbackId, false);
  checkString(p, view['private_metadata'], `${pointer}/private_metadata`, BlockKitLimits.privateMetadata, false);
  checkString(p, view['external_id'], `${pointer}/external_id`, BlockKitLimits.externalId, false);
  checkBlockList(p, blocks, `${pointer}/blocks`, 'modal');
  return p.list;
}

/**
 * Total text carried by a list of blocks: every text object, markdown block and rich-text run
 * (initial options are not counted again).
 * Slack rejects a message whose blocks carry more than 12,000 characters (`msg_blocks_too_long`).
 */
export function blocksTextLength(blocks: unknown): number {
  let total = 0;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!isObj(value)) return;
    const type = value['type'];
    const text = value['text'];
    if (typeof text === 'string' && (type === 'plain_text' || type === 'mrkdwn' || type === 'markdown' || type === 'text')) {
      total += text.length;
    }
    for (const [key, child] of Object.entries(value)) {
      // Initial options repeat options already counted; counting them twice would make the fake stricter than Slack.
      if (key === 'initial_options' || key === 'initial_option') continue;
      if (key !== 'text' || typeof child !== 'string') walk(child);
    }
  };
  walk(blocks);
  return total;
}
