import type { Logger } from '@slack/bolt';

/** A Bolt logger that says nothing: for jobs under test whose log lines are not what the test proves. */
export const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => 'error' as never,
  setName: () => undefined,
};
