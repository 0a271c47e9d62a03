import type { App, Logger, RespondFn } from '@slack/bolt';
import { checklistCounts } from '../domain/checklistCounts.js';
import { rolesNobodyHolds } from '../domain/namedRoles.js';
import { DomainError } from '../domain/errors.js';
import { parseDuration } from '../domain/parseWhen.js';
import type { Run } from '../domain/run.js';
import type { ChecklistCatalog } from '../service/checklistCatalog.js';
import type { Services } from '../service/createServices.js';
import type { PageService } from '../service/pageService.js';
import { tokenCommand } from './tokenCommand.js';
import { helpText, parseCommand, type Command } from './commandParser.js';
import { errorText } from './replyWithError.js';
import { renderAuditText } from './views/auditText.js';
import { joinLinesWithin } from './views/blockKit.js';
import { escapeMrkdwn } from './views/checklistMrkdwn.js';
import { renderRunListText } from './views/runListText.js';
import { renderScheduleText } from './views/scheduleText.js';
import { findReferenceSection, renderReferenceText } from './views/referenceText.js';
import { templateReplyBlocks } from './views/updateModal.js';
import { rotaNowText } from './views/contactsText.js';
import { shiftsAt } from '../domain/shiftsNow.js';
import { templatesOf } from '../domain/commsTemplates.js';
import type { KnownBlock } from '@slack/types';
import type { Checklist } from '../domain/checklist.js';
import { slackDayTime } from './views/slackDate.js';
import { mention } from './views/noticeText.js';
import { renderStatusText } from './views/statusText.js';
import { gateWaivedText, startReplyText } from './views/startReplyText.js';
import { missedWindows } from '../domain/missedWindows.js';
import { unfilledRolesText } from './views/unfilledRolesText.js';
import { renderHistoryText } from './views/historyText.js';
import { channelPageNotice, manualPageText, oncallFoundText, oncallResultText, oncallText } from './views/manualPageText.js';
import { userDisplayName } from './userNames.js';
import { contactsReply } from './contactsCommand.js';
import type { SlackUserDirectory } from './slackUserDirectory.js';

export interface CommandDeps {
  services: Services;
  catalog: ChecklistCatalog;
  pages: PageService;
  now: () => number;
  logger: Logger;
  /** E-mails in checklists → Slack users, for `/deploy contacts`; absent, names are shown as text. */
  directory?: SlackUserDirectory;
}

interface Invocation {
  userId: string;
  channelId: string;
  teamId: string | null;
  enterpriseId: string | null;
  respond: RespondFn;
  userName: string | null;
}

/** What a command answers at once (ephemeral), and optionally work to finish after the ack. */
interface Reply {
  text: string;
  /** Shown to the whole channel (a page from a channel with no run: there are no run notices to tell it). */
  inChannel?: boolean;
  after?: () => Promise<string | null>;
  /** Blocks beside the text (a template's Post update button). */
  blocks?: KnownBlock[];
}

/**
 * `/deploy`: parse, delegate to the services, answer ephemerally inside the ack. Everything
 * public (the run's messages, notices) is posted by the sync loop and the poller, never here.
 */
export function registerCommandHandler(app: App, deps: CommandDeps): void {
  app.command('/deploy', async ({ command, ack, respond, client }) => {
    let reply: Reply;
    // A form field sent twice arrives as an array, and a missing one as undefined; either would reach
    // SQLite as the actor (found by test/integration/fuzz.test.ts). Such a command is for nobody.
    const field = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
    const userId = field(command.user_id);
    const channelId = field(command.channel_id);
    if (!userId || !channelId) {
      await ack({ response_type: 'ephemeral', text: 'That command came without a user or channel, so I ignored it.' });
      return;
    }
    const parsed = parseCommand(typeof command.text === 'string' ? command.text : '');
    // A page is read outside Slack, so it names the requester by name (users.info), not by id.
    const userName = parsed.kind === 'page' ? await userDisplayName(client, userId) : null;
    const invocation: Invocation = {
      userId,
      channelId,
      teamId: field(command.team_id),
      enterpriseId: field(command.enterprise_id),
      respond,
      userName,
    };
    try {
      reply =
        parsed.kind === 'contacts'
          ? {
              text: await contactsReply(
                { channelId, run: parsed.run, asker: invocation },
                { queries: deps.services.queries, directory: deps.directory, now: deps.now },
              ),
            }
          : await runCommand(parsed, invocation, deps);
    } catch (error) {
      reply = { text: errorText(error, deps.logger, `/deploy ${parsed.kind}`) };
    }
    await ack({ response_type: reply.inChannel ? 'in_channel' : 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
    if (reply.after) {
      let followUp: string | null;
      try {
        followUp = await reply.after();
      } catch (error) {
        followUp = errorText(error, deps.logger, `/deploy ${parsed.kind} (after ack)`);
      }
      // Without a response_url Bolt gives no respond(); the follow-up then has nowhere to go.
      if (followUp && typeof respond === 'function') {
        await respond({ response_type: 'ephemeral', text: followUp }).catch((e: unknown) => deps.logger.warn('response_url post failed', e));
      } else if (followUp) {
        deps.logger.warn(`/deploy ${parsed.kind}: no response_url to send the follow-up to`);
      }
    }
  });
}

async function runCommand(command: Command, who: Invocation, deps: CommandDeps): Promise<Reply> {
  const { queries: runs, timeline } = deps.services;
  const { starting, ending, t0, roles: roleAssignment } = deps.services;
  const now = deps.now();
  const actor = { userId: who.userId, channelId: who.channelId, teamId: who.teamId };
  switch (command.kind) {
    case 'usage':
      return { text: command.message };
    case 'help':
      return { text: helpText() };
    case 'checklists':
      return { text: checklistsText(deps.catalog) };
    case 'start': {
      const { run, note } = await starting.startRun({
        checklistName: command.checklist,
        when: command.when,
        timezone: command.timezone,
        channelId: who.channelId,
        teamId: who.teamId,
        enterpriseId: who.enterpriseId,
        userId: who.userId,
      });
      return {
        text:
          startReplyText(run, note, missedWindows(run, await timeline.windows(run))) +
          unfilledRolesText(rolesNobodyHolds(await runs.snapshot(run.id))),
      };
    }
    case 'status': {
      const run = await runs.resolveRun(who.channelId, command.run, who, { orLastEnded: true });
      const snapshot = await runs.snapshot(run.id);
      const windows = await timeline.windows(run);
      const states = timeline.sectionStates(snapshot, windows, now);
      return {
        text: renderStatusText(
          snapshot,
          windows,
          now,
          (id) => states.get(id) ?? 'unscheduled',
          await deps.services.reports.sectionHistory(run.checklistName),
        ),
      };
    }
    case 'schedule': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      const snapshot = await runs.snapshot(run.id);
      const windows = await timeline.windows(run);
      const states = timeline.sectionStates(snapshot, windows, now);
      return { text: renderScheduleText(snapshot, windows, now, (id) => states.get(id) ?? 'unscheduled') };
    }
    case 'ref': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      const text = renderReferenceText(run.id, run.checklist, command.section, command.part);
      const template = command.section === null ? undefined : templateFor(run.checklist, command.section);
      return template ? { text, blocks: templateReplyBlocks(text, run.id, template.refIndex) } : { text };
    }
    case 'runs':
      return { text: renderRunListText(await runs.recentRuns(who.channelId), now) };
    case 'abort': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      await ending.abort({ ...actor, runId: run.id, reason: command.reason });
      return { text: `Run #${run.id} aborted. The channel has been told.` };
    }
    case 'finish': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      const ended = await ending.finish({ ...actor, runId: run.id, waiveReason: command.waive });
      return { text: `Run #${run.id} finished: ${ended.status.replace('_', ' ')}. \`/deploy export #${run.id}\` gives its audit record.` };
    }
    case 'waive': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      return { text: gateWaivedText(run.id, await deps.services.gates.waiveGate({ ...actor, runId: run.id, reason: command.reason })) };
    }
    case 'rollback': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      await ending.rollback({ ...actor, runId: run.id, reason: command.reason });
      return { text: `Rollback declared on run #${run.id}. Its steps, on standby until now, are live in their message.` };
    }
    case 'slip': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      // Up to a year here: a slip past a week is read, then asks for `confirm` (service/t0Moves.ts).
      const duration = parseDuration(command.duration, { maxMinutes: 366 * 24 * 60 });
      if (!duration.ok) throw new DomainError('bad_duration', { message: duration.error });
      const moved = await t0.slip({ ...actor, runId: run.id, minutes: duration.minutes, confirmed: command.confirm });
      return { text: `Run #${run.id}: T-0 is now ${slackDayTime(moved.t0)}. The channel has the new schedule.` };
    }
    case 'reschedule': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      const moved = await t0.reschedule({ ...actor, runId: run.id, when: command.when, confirmed: command.confirm });
      return { text: `Run #${run.id}: T-0 is now ${slackDayTime(moved.t0)}. The channel has the new schedule.` };
    }
    case 'role': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      await roleAssignment.setRole({ ...actor, runId: run.id, role: command.role, targetUserId: command.userId, remove: command.remove });
      const person = mention(command.userId);
      const role = escapeMrkdwn(command.role);
      return { text: command.remove ? `${person} no longer holds *${role}* on run #${run.id}.` : `${person} now holds *${role}* on run #${run.id}.` };
    }
    case 'roles': {
      const run = await runs.resolveRun(who.channelId, command.run, who);
      const roles = (await runs.snapshot(run.id)).roles;
      const lines = Object.entries(roles).map(([role, users]) => `• *${escapeMrkdwn(role)}*: ${users.map(mention).join(', ')}`);
      // The same list as the start reply: every role the checklist relies on (named, gate approvers, sign-offs).
      const unassigned = unfilledRolesText(rolesNobodyHolds(await runs.snapshot(run.id)));
      return { text: `*Roles on run #${run.id}*\n${joinLinesWithin(lines, 2_500)}${unassigned}` };
    }
    case 'page': {
      // Paging needs no run: without one in the channel the channel itself is the page's context.
      const run = await runOrNone(async () => await runs.resolveRun(who.channelId, command.run, who), command.run);
      const outcome = await deps.pages.pageByHand({ ...actor, run, message: command.message, userName: who.userName ?? 'someone in Slack' });
      if (outcome.kind === 'sent' && outcome.runId === null) return { text: channelPageNotice(who.userId, command.message), inChannel: true };
      return { text: manualPageText(outcome) };
    }
    case 'oncall': {
      const run = await runOrNone(async () => await runs.resolveRun(who.channelId, command.run, who), command.run);
      const answer = deps.pages.oncall(run);
      // Beside PagerDuty's answer: who the checklist's own rota has on shift now.
      const rota = run ? rotaNowText(run.checklist.people, shiftsAt(run.checklist.people?.shifts ?? [], now, run.timezone)) : '';
      if (answer.kind === 'finding') return { text: oncallText(answer), after: async () => oncallFoundText(answer, await answer.lookup()) + rota };
      if (answer.kind !== 'asking') return { text: oncallText(answer) + rota };
      return { text: oncallText(answer), after: async () => oncallResultText(answer, await answer.lookup()) + rota };
    }
    case 'export': {
      const run = await runs.resolveRun(who.channelId, command.run, who, { orLastEnded: true });
      return { text: renderAuditText(run, await runs.audit(run.id), (await runs.summarise(run)).tally) };
    }
    case 'history':
      return { text: renderHistoryText(command.checklist, await deps.services.reports.history(command.checklist)) };
    case 'token':
      return { text: await tokenCommand(command, actor, deps.services.tokens) };
    case 'contacts':
      // Answered before this switch: its look-ups are asynchronous (contactsCommand.ts).
      return { text: 'Ask again: `/deploy contacts`.' };
  }
}

/** The run a command names or the channel's one active run; null when the channel has none and none was named. */
async function runOrNone(resolve: () => Promise<Run>, ref: string | null): Promise<Run | null> {
  try {
    return await resolve();
  } catch (error) {
    if (!ref && error instanceof DomainError && error.code === 'no_active_run') return null;
    throw error;
  }
}

function checklistsText(catalog: ChecklistCatalog): string {
  const entries = catalog.load();
  if (entries.length === 0) return 'There are no checklists yet: add a markdown file to the checklists folder.';
  const lines = entries.map((e) => {
    if (!e.checklist) {
      const first = e.problems.find((p) => p.severity === 'error');
      return `• \`${e.name}\` ⚠️ cannot start: ${first ? `line ${first.line}: ${escapeMrkdwn(first.message)}` : 'errors'}`;
    }
    const c = checklistCounts(e.checklist);
    return `• \`${e.name}\` — ${escapeMrkdwn(e.checklist.title)} (${c.phases} phases, ${c.items} items, ${c.timedSections} timed sections)`;
  });
  return `*Checklists* (start one with \`/deploy start <name> [at <time>]\`)\n${joinLinesWithin(lines, 2_800)}`;
}

export type { Reply };

/** The communication template `/deploy ref <section>` shows, if the section it finds is one. */
function templateFor(checklist: Checklist, query: string) {
  const section = findReferenceSection(checklist, query);
  const refIndex = section ? checklist.reference.indexOf(section) : -1;
  return templatesOf(checklist).find((t) => t.refIndex === refIndex);
}
