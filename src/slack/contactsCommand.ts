import { shiftsAt } from '../domain/shiftsNow.js';
import type { RunQueries } from '../service/runQueries.js';
import type { SlackUserDirectory } from './slackUserDirectory.js';
import { emailsToResolve, renderContactsText } from './views/contactsText.js';

/**
 * `/deploy contacts [#run]`: the checklist's people, with e-mails resolved to Slack users before
 * the ack (bounded: see LOOKUP_BUDGET_MS). Throws DomainError for a run that cannot be found.
 */
export async function contactsReply(
  /** asker: who asked, so another workspace's run is answered as missing (issue 11). */
  input: { channelId: string; run: string | null; asker: { userId: string; teamId: string | null } },
  deps: { queries: RunQueries; directory: SlackUserDirectory | undefined; now: () => number },
): Promise<string> {
  const run = await deps.queries.resolveRun(input.channelId, input.run, input.asker);
  const people = run.checklist.people;
  const emails = emailsToResolve(people);
  const { found, unknown, note } =
    deps.directory && emails.length > 0 ? await deps.directory.resolve(emails) : { found: new Map<string, string>(), unknown: [], note: null };
  const onShift = people ? shiftsAt(people.shifts, deps.now(), run.timezone) : [];
  return renderContactsText({ runId: run.id, people, onShift, timezone: run.timezone, found, unknown, note });
}
