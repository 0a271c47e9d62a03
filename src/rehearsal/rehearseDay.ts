import { tallyItems, type ItemTally } from '../domain/itemTally.js';
import { allSections, type Checklist } from '../domain/checklist.js';
import { heldSections } from '../domain/gates.js';
import type { Run } from '../domain/run.js';
import type { SectionWindow } from '../domain/sectionWindow.js';
import { computeSchedule } from '../domain/schedule.js';
import { isSettled } from '../domain/snapshotItems.js';
import { RedactingLogger } from '../logger.js';
import { ReminderPoller, type ReminderPoster } from '../jobs/reminderPoller.js';
import { createServices } from '../service/createServices.js';
import type { RunService } from '../service/runService.js';
import { messageLayout } from '../slack/messageLayout.js';
import { renderOutgoing } from '../slack/reminderPoster.js';
import { openDatabase } from '../store/db.js';
import { listReminders, nextPendingDueAt } from '../store/reminders.js';
import { formatOffset } from './formatOffset.js';
import { pageObserver, postObserver } from './rehearsalObservers.js';
import { createRehearsalPaging, type RehearsalPaging, type RehearsalPagingFactory } from './rehearsalPaging.js';
import { REHEARSAL_CHANNEL, REHEARSAL_USER, RehearsalTeam } from './rehearsalTeam.js';
import { SingleChecklistCatalog } from './singleChecklistCatalog.js';
import { VirtualClock } from './virtualClock.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;

/**
 * `on_time`: the team finishes each timed section a minute before its window closes (ticks, sign-offs,
 * Go votes), so the timeline shows the announcements a smooth day gets. `idle`: nobody does anything,
 * so it shows every overdue nudge (and page) a checklist can produce.
 */
export type Participation = 'on_time' | 'idle';

export interface RehearsalOptions {
  checklist: Checklist;
  /** T-0, epoch ms (UTC). */
  t0: number;
  /** IANA zone of the run: its clock windows and the printed times. */
  timezone: string;
  /** Where the SQL migrations are, for the in-memory database. */
  migrationsDir: string;
  participation?: Participation;
  /** Minutes from T-0 at which the lead declares a rollback; unset: no rollback. */
  rollbackAtMinutes?: number | null;
  /** The paging layer; default the real one (see rehearsalPaging.ts), null for none. */
  paging?: RehearsalPagingFactory | null;
  /** A hard stop for the simulation loop, whatever the checklist. */
  maxSteps?: number;
}

/**
 * What the bot did, or what the rehearsal's team did, at one moment.
 * - `post`: a checklist message posted for the first time (detail: its key, e.g. `phase:p0:1`);
 * - `reminder`: detail is its kind (`opens_soon`, `overdue`, …); `notice`: a notice to the channel;
 * - `page`: detail `trigger` or `resolve`, as decided by the paging layer;
 * - `action`: what the rehearsal's people did; `error`: something the bot logged as a problem;
 * - `end`: why the rehearsal stopped (always the last event).
 */
export type RehearsalEventKind = 'post' | 'reminder' | 'notice' | 'page' | 'action' | 'error' | 'end';

export interface RehearsalEvent {
  at: number;
  /** The run's T-0 at that moment, for the T± column. */
  t0: number;
  runId: number;
  kind: RehearsalEventKind;
  detail: string;
  sectionTitle: string | null;
  /** Slack mrkdwn as the bot would send it (for `post`: what the message is). */
  text: string;
  late: boolean;
  /** On the `end` event: where the run's items stand, done, waived, skipped and open apart. */
  tally?: ItemTally;
}

/**
 * Runs a deployment day on a virtual clock through the real services: RunService starts the run
 * and takes the team's clicks, TimelineService plans and prepares the reminders, ReminderPoller sends
 * them (to a recorder instead of Slack, rendered by the same renderOutgoing), and the paging layer
 * decides pages into the database. The loop jumps the clock from one moment something can happen to
 * the next: a reminder falling due, a team action, a moment the escalation rules may change their mind.
 */
export async function rehearseDay(options: RehearsalOptions): Promise<RehearsalEvent[]> {
  const { checklist, timezone } = options;
  const participation = options.participation ?? 'on_time';
  const maxSteps = options.maxSteps ?? 20_000;
  const events: RehearsalEvent[] = [];
  const logLines: string[] = [];
  const logger = new RedactingLogger([], { write: (line) => logLines.push(line) }, 'warn');

  const clock = new VirtualClock(rehearsalStart(checklist, options.t0, timezone));
  const db = openDatabase(':memory:', options.migrationsDir);
  let paging: RehearsalPaging | null = null;
  // Slack messages are not rendered: which ones exist is read from run_messages (observePosts).
  const services = createServices({
    db,
    catalog: new SingleChecklistCatalog(checklist),
    clock,
    layout: messageLayout,
    events: { messagesChanged: () => {}, stateChanged: (runId) => paging?.evaluate(runId) },
    // The poller is ticked by the loop below, so "something was queued" needs no poke.
    onQueued: () => {},
  });
  const { queries: runs, timeline } = services;
  paging = options.paging === null ? null : (options.paging ?? createRehearsalPaging)({ db, runs, timeline, clock, logger });

  let sent = 0;
  const record = async (event: Omit<RehearsalEvent, 'at' | 't0' | 'late'> & { late?: boolean }): Promise<void> => {
    const run = await runs.requireRun(event.runId);
    events.push({ at: clock.now(), t0: run.t0, late: false, ...event });
  };
  const poster: ReminderPoster = async (outgoing) => {
    const c = outgoing.content;
    await record({
      runId: outgoing.row.runId,
      kind: c.type,
      detail: c.type === 'reminder' ? c.kind : '',
      // A shared reminder names its sections in its text; the label says how many.
      sectionTitle: c.type === 'reminder' ? (c.shared ? `${c.shared.length} sections` : c.section.title) : null,
      text: (await renderOutgoing(outgoing, async () => null)).text,
      late: outgoing.late,
    });
    sent += 1;
    return { ok: true, ts: `${Math.floor(clock.now() / 1000)}.${String(sent).padStart(6, '0')}` };
  };
  const poller = new ReminderPoller(
    timeline,
    poster,
    logger,
    () => clock.now(),
    () => paging?.evaluateAll(),
  );

  try {
    const { run } = await services.starting.startRun({
      checklistName: checklist.name,
      when: new Date(options.t0).toISOString(),
      timezone,
      channelId: REHEARSAL_CHANNEL,
      teamId: null,
      userId: REHEARSAL_USER,
    });
    const runId = run.id;
    const team = new RehearsalTeam(services, runId);
    const observePosts = postObserver(db, runId, checklist, record);
    const observePages = pageObserver(db, runId, record);
    let logged = 0;
    const step = async (): Promise<void> => {
      observePosts();
      await poller.tick();
      observePosts();
      observePages();
      for (; logged < logLines.length; logged += 1) await record({ runId, kind: 'error', detail: '', sectionTitle: null, text: logLines[logged]! });
    };
    await step();

    const finished = new Set<string>();
    let rollbackAt = options.rollbackAtMinutes == null ? null : run.t0 + options.rollbackAtMinutes * MINUTE_MS;
    for (let steps = 0; ; steps += 1) {
      const current = await runs.requireRun(runId);
      const now = clock.now();
      const windows = await timeline.windows(current);
      const work = participation === 'on_time' ? await sectionsToFinish(runs, windows, current, finished, now) : [];
      const candidates = [
        await nextPendingDueAt(db),
        ...work.map((w) => w.at),
        rollbackAt,
        ...(paging ? pagingCheckpoints(windows, current).filter((at) => at > now) : []),
      ].filter((at): at is number => at !== null);
      const end = async (why: string): Promise<void> => await record({ runId, kind: 'end', detail: '', sectionTitle: null, text: why });
      if (candidates.length === 0) {
        // Dated at the last thing that happened: the quiet checks after it are not news.
        const last = events[events.length - 1];
        events.push({
          at: last?.at ?? now,
          t0: current.t0,
          runId,
          kind: 'end',
          detail: '',
          sectionTitle: null,
          text: 'nothing more would happen: no reminder is pending',
          late: false,
        });
        break;
      }
      const next = Math.max(now, Math.min(...candidates));
      // A rollback asked for after the last window still happens; the horizon then follows its windows.
      const horizon = Math.max(horizonOf(windows, current), rollbackAt ?? -Infinity);
      if (next > horizon) {
        const pending = (await listReminders(db, runId)).filter((r) => r.status === 'pending').length;
        clock.advanceTo(horizon);
        await end(
          `stopped one day after the last window closed${pending > 0 ? `; ${pending} reminder${pending === 1 ? ' is' : 's are'} still pending` : ''}`,
        );
        break;
      }
      if (steps >= maxSteps) {
        await end(`stopped after ${maxSteps} steps`);
        break;
      }
      clock.advanceTo(next);
      // What falls due now goes out first: the poller would have sent it the second it was due.
      await step();
      let acted = false;
      for (const w of work.filter((w) => w.at <= clock.now())) {
        finished.add(w.sectionId);
        await record({ runId, kind: 'action', detail: '', sectionTitle: null, text: await team.finishSection(w.sectionId) });
        acted = true;
      }
      if (rollbackAt !== null && rollbackAt <= clock.now()) {
        rollbackAt = null;
        const reason = `declared by the rehearsal at ${formatOffset(clock.now(), current.t0)}`;
        await record({ runId, kind: 'action', detail: '', sectionTitle: null, text: await team.declareRollback(reason) });
        acted = true;
      }
      if (acted) await step();
    }
    const ended = events.findLast((e) => e.kind === 'end');
    if (ended) ended.tally = tallyItems(await runs.snapshot(runId));
  } finally {
    await paging?.stop?.();
    await db.close();
  }
  return events;
}

/**
 * The run is started before anything on its timeline (a section opening or closing, or T-0), with
 * room for the first "opens soon", so the rehearsal shows every reminder the checklist can produce.
 */
function rehearsalStart(checklist: Checklist, t0: number, timezone: string): number {
  const moments = computeSchedule(checklist, t0, timezone).flatMap((w) => [w.opensAt, w.closesAt]);
  const earliest = Math.min(t0, ...moments.filter((m): m is number => m !== null));
  const margin = Math.max(60, (checklist.settings.reminderLeadMinutes ?? 15) + 15) * MINUTE_MS;
  return Math.floor((earliest - margin) / MINUTE_MS) * MINUTE_MS;
}

/** One day after the last window closes (rollback windows included once they exist), or after T-0. */
function horizonOf(windows: SectionWindow[], run: Run): number {
  const closes = windows.flatMap((w) => [w.opensAt, w.closesAt]).filter((m): m is number => m !== null);
  return Math.max(run.t0, ...closes) + DAY_MS;
}

/** Each timed section the team has not finished yet, with the moment they will: a minute before it closes. */
async function sectionsToFinish(
  runs: RunService,
  windows: SectionWindow[],
  run: Run,
  finished: Set<string>,
  now: number,
): Promise<Array<{ sectionId: string; at: number }>> {
  const snapshot = await runs.snapshot(run.id);
  const held = heldSections(snapshot);
  const byId = new Map(windows.map((w) => [w.sectionId, w]));
  const work: Array<{ sectionId: string; at: number }> = [];
  for (const { phase, section } of allSections(run.checklist)) {
    if (finished.has(section.id) || held.has(section.id)) continue;
    if (run.rollbackActive && phase.kind !== 'rollback') continue;
    if (section.items.every((i) => isSettled(snapshot.items[i.id]))) continue;
    const closesAt = byId.get(section.id)?.closesAt ?? null;
    if (closesAt === null) continue;
    work.push({ sectionId: section.id, at: Math.max(now, closesAt - MINUTE_MS) });
  }
  return work;
}

/**
 * Moments the escalation rules may decide differently with nothing else happening: each window's
 * close plus every grace period the checklist names. A superset of the real moments is harmless
 * (a pass with nothing due sends nothing) and needs no copy of the rules here.
 */
function pagingCheckpoints(windows: SectionWindow[], run: Run): number[] {
  const settings = run.checklist.settings;
  const graces = new Set([15, settings.pageGraceMinutes ?? 15, ...Object.values(settings.sectionGraceMinutes ?? {})]);
  return windows.flatMap((w) => (w.closesAt === null ? [] : [...graces].map((g) => w.closesAt! + g * MINUTE_MS)));
}
