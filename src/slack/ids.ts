/**
 * Every action_id, block_id and callback_id deployday puts in a Slack message or modal.
 * Handlers match on these constants only, so a rename here is a rename everywhere.
 *
 * Block ids must be unique within a message and at most 255 characters; the encoders
 * below carry the run id so a click can never be applied to another run.
 */

export const ActionIds = {
  /** A checkboxes element holding up to 10 items of one section. */
  itemCheckboxes: 'dd_item_toggle',
  /** The button beside an item too long for a checkbox option (value: `<runId>:<itemId>`). */
  itemButton: 'dd_item_button',
  /** Start the timer of a "Monitor … for 30 minutes" item (value: `<runId>:<itemId>`). */
  timerStart: 'dd_timer_start',
  /** Go / No-Go on a gate item (value: `<runId>:<itemId>`). */
  gateGo: 'dd_gate_go',
  gateNoGo: 'dd_gate_nogo',
  /** "Go with N open" on the ephemeral that asks to confirm a Go over open items (value: `<runId>:<itemId>`). */
  gateGoConfirm: 'dd_gate_go_confirm',
  /** Acknowledge an overdue reminder so it stops repeating (value: `<runId>:<sectionId>`, or `<runId>:<s0+s1+…>` for a shared one). */
  overdueAck: 'dd_overdue_ack',
  /** "Resolve" on the channel notice of a page by hand (value: the page's dedup key). */
  pageResolve: 'dd_page_resolve',
  /** "Slip 25m" on the forecast's suggestion to the lead (value: `<runId>:<minutes>`). */
  slipSuggested: 'dd_forecast_slip',
  /** "Post update" under a communication template (value: `<runId>:<refIndex>`, read by parseTemplateRef). */
  postUpdate: 'dd_post_update',
  /** The overview's Reference button or menu (value / selected option: `<runId>:<refIndex>`, read by parseTemplateRef). */
  referenceOpen: 'dd_reference_open',
  /** The message input in the Post update modal. */
  updateTextInput: 'dd_update_text_input',
  /** The reason input in the No-Go modal. */
  noGoReasonInput: 'dd_nogo_reason_input',
  /** "Declare rollback" under a list of rollback triggers (value: `<runId>:<triggerId>`). */
  declareRollback: 'dd_declare_rollback',
  /** The checkboxes of the conditions seen, in the Declare rollback modal. */
  triggerConditionsInput: 'dd_trigger_conditions_input',
  /** The reason input in the Declare rollback modal. */
  triggerReasonInput: 'dd_trigger_reason_input',
} as const;

export const CallbackIds = {
  /** The modal that asks for a No-Go reason. private_metadata: `<runId>:<itemId>:<channelId>`. */
  noGoModal: 'dd_nogo_modal',
  /** The Post update modal. private_metadata: `<runId>:<refIndex>:<channelId>` (read by parseUpdateMetadata). */
  updateModal: 'dd_update_modal',
  /** A reference section shown in a modal. private_metadata: `<runId>:<refIndex>:<channelId>` (as updateMetadata). */
  referenceModal: 'dd_reference_modal',
  /** The modal that asks which trigger fired and why. private_metadata: `<runId>:<triggerId>:<channelId>`. */
  declareRollbackModal: 'dd_declare_rollback_modal',
} as const;

export const BlockIds = {
  noGoReason: 'dd_nogo_reason',
  updateText: 'dd_update_text',
  /** The actions block under a template in `/deploy ref`: `dd_template:<runId>:<refIndex>`. */
  template(runId: number, refIndex: number): string {
    return `dd_template:${runId}:${refIndex}`;
  },
  /** The overview's Reference control: `dd_reference:<runId>`. */
  reference(runId: number): string {
    return `dd_reference:${runId}`;
  },
  triggerReason: 'dd_trigger_reason',
  /** Checkbox group n (10 conditions each) of the Declare rollback modal: `dd_trigger_pick:<n>`. */
  triggerPick(group: number): string {
    return `dd_trigger_pick:${group}`;
  },
  /** The actions block under a list of rollback triggers: `dd_triggers:<runId>:<triggerId>`. */
  triggers(runId: number, triggerId: string): string {
    return `dd_triggers:${runId}:${triggerId}`;
  },
  /** Checkbox group n of a section in a run: `dd_items:<runId>:<sectionId>:<n>`. */
  items(runId: number, sectionId: string, group: number): string {
    return `dd_items:${runId}:${sectionId}:${group}`;
  },
  /** The section block beside an item's button, or a gate's text: `dd_item:<runId>:<itemId>`. */
  item(runId: number, itemId: string): string {
    return `dd_item:${runId}:${itemId}`;
  },
  /** The actions block holding a timer's Start button: `dd_timer:<runId>:<itemId>`. */
  timer(runId: number, itemId: string): string {
    return `dd_timer:${runId}:${itemId}`;
  },
  /** The actions block under an overdue reminder: `dd_overdue:<runId>:<sectionId>`. */
  overdue(runId: number, sectionId: string): string {
    return `dd_overdue:${runId}:${sectionId}`;
  },
  /** The actions block under a slip suggestion: `dd_slip:<runId>:<sectionId>`. */
  slipSuggestion(runId: number, sectionId: string): string {
    return `dd_slip:${runId}:${sectionId}`;
  },
  /** The actions block of the "Go with N open" confirmation: `dd_gate_confirm:<runId>:<itemId>`. */
  gateConfirm(runId: number, itemId: string): string {
    return `dd_gate_confirm:${runId}:${itemId}`;
  },
  /** The actions block under a gate: `dd_gate:<runId>:<itemId>`. */
  gate(runId: number, itemId: string): string {
    return `dd_gate:${runId}:${itemId}`;
  },
} as const;

/** Parses `dd_items:<runId>:<sectionId>:<n>`; null for anything else. */
export function parseItemsBlockId(blockId: string): { runId: number; sectionId: string; group: number } | null {
  const match = /^dd_items:(\d{1,12}):(s\d{1,6}):(\d{1,4})$/.exec(blockId);
  if (!match) return null;
  return { runId: Number(match[1]), sectionId: match[2]!, group: Number(match[3]) };
}

/** Parses a button value `<runId>:<itemId>`; null for anything else. */
export function parseItemRef(value: string): { runId: number; itemId: string } | null {
  const match = /^(\d{1,12}):(s\d{1,6}\.i\d{1,6})$/.exec(value);
  if (!match) return null;
  return { runId: Number(match[1]), itemId: match[2]! };
}

/** Parses an overdue-ack value `<runId>:<sectionId>`; null for anything else. */
export function parseSectionRef(value: string): { runId: number; sectionId: string } | null {
  const match = /^(\d{1,12}):(s\d{1,6})$/.exec(value);
  if (!match) return null;
  return { runId: Number(match[1]), sectionId: match[2]! };
}

/**
 * Parses an overdue-ack value: `<runId>:<sectionId>`, or a shared nudge's `<runId>:<s0+s1+…>`
 * (written by sectionsRef); null for anything else.
 */
export function parseSectionsRef(value: string): { runId: number; sectionIds: string[] } | null {
  const match = /^(\d{1,12}):(s\d{1,6}(?:\+s\d{1,6}){0,99})$/.exec(value);
  if (!match) return null;
  return { runId: Number(match[1]), sectionIds: [...new Set(match[2]!.split('+'))] };
}

/** The value of a shared overdue nudge's Acknowledge button: `<runId>:<s0+s1+…>` (read by parseSectionsRef). */
export function sectionsRef(runId: number, sectionIds: readonly string[]): string {
  return `${runId}:${sectionIds.join('+')}`;
}

export function itemRef(runId: number, itemId: string): string {
  return `${runId}:${itemId}`;
}

/** The value of an overdue reminder's Acknowledge button: `<runId>:<sectionId>` (read by parseSectionRef). */
export function sectionRef(runId: number, sectionId: string): string {
  return `${runId}:${sectionId}`;
}

/** The No-Go modal's private_metadata: `<runId>:<itemId>:<channelId>` (read by parseNoGoMetadata). */
export function noGoMetadata(runId: number, itemId: string, channelId: string): string {
  return `${runId}:${itemId}:${channelId}`;
}

/** Parses the No-Go modal's private_metadata; null for anything else. */
export function parseNoGoMetadata(metadata: string): { runId: number; itemId: string; channelId: string } | null {
  const match = /^(\d{1,12}):(s\d{1,6}\.i\d{1,6}):([CGD][A-Z0-9]{2,20})$/.exec(metadata);
  if (!match) return null;
  return { runId: Number(match[1]), itemId: match[2]!, channelId: match[3]! };
}

/** The value of a slip suggestion's button: `<runId>:<minutes>`. */
export function slipSuggestionValue(runId: number, minutes: number): string {
  return `${runId}:${minutes}`;
}

/** Parses a slip suggestion's value `<runId>:<minutes>`; null for anything else (at most a week). */
export function parseSlipSuggestionValue(value: string): { runId: number; minutes: number } | null {
  const match = /^(\d{1,12}):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const minutes = Number(match[2]);
  return minutes > 0 && minutes <= 10_080 ? { runId: Number(match[1]), minutes } : null;
}

/** The value of a template's Post update button: `<runId>:<refIndex>`. */
export function templateRef(runId: number, refIndex: number): string {
  return `${runId}:${refIndex}`;
}

/** Parses a Post update button's value; null for anything else. */
export function parseTemplateRef(value: string): { runId: number; refIndex: number } | null {
  const match = /^(\d{1,12}):(\d{1,4})$/.exec(value);
  return match ? { runId: Number(match[1]), refIndex: Number(match[2]) } : null;
}

/** The Post update modal's private_metadata: `<runId>:<refIndex>:<channelId>`. */
export function updateMetadata(runId: number, refIndex: number, channelId: string): string {
  return `${runId}:${refIndex}:${channelId}`;
}

export function parseUpdateMetadata(metadata: string): { runId: number; refIndex: number; channelId: string } | null {
  const match = /^(\d{1,12}):(\d{1,4}):([CGD][A-Z0-9]{2,20})$/.exec(metadata);
  return match ? { runId: Number(match[1]), refIndex: Number(match[2]), channelId: match[3]! } : null;
}

/** The value of a Declare rollback button: `<runId>:<triggerId>` (read by parseTriggerRef). */
export function triggerRef(runId: number, triggerId: string): string {
  return `${runId}:${triggerId}`;
}

/** Parses a Declare rollback value `<runId>:<triggerId>`; null for anything else. */
export function parseTriggerRef(value: string): { runId: number; triggerId: string } | null {
  const match = /^(\d{1,12}):(t\d{1,6})$/.exec(value);
  if (!match) return null;
  return { runId: Number(match[1]), triggerId: match[2]! };
}

/** The Declare rollback modal's private_metadata: `<runId>:<triggerId>:<channelId>`. */
export function declareRollbackMetadata(runId: number, triggerId: string, channelId: string): string {
  return `${runId}:${triggerId}:${channelId}`;
}

/** Parses the Declare rollback modal's private_metadata; null for anything else. */
export function parseDeclareRollbackMetadata(metadata: string): { runId: number; triggerId: string; channelId: string } | null {
  const match = /^(\d{1,12}):(t\d{1,6}):([CGD][A-Z0-9]{2,20})$/.exec(metadata);
  if (!match) return null;
  return { runId: Number(match[1]), triggerId: match[2]!, channelId: match[3]! };
}
