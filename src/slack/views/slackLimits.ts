/**
 * Slack's limits on a message. Slack answers a breach with invalid_blocks or msg_blocks_too_long and
 * the whole message is lost, so the views are built to stay inside these by construction (the tests
 * check rendered messages with the fake Slack's own rules, test/support/blockKitRules.ts).
 */

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
