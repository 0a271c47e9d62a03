import { DomainError } from '../domain/errors.js';
import { parseStartTime } from '../domain/parseWhen.js';
import { LEAD, normaliseRole } from '../domain/roles.js';
import type { Run } from '../domain/run.js';
import { isValidTimeZone } from '../domain/zonedTime.js';
import { appendAudit } from '../store/audit.js';
import { assignRole } from '../store/roles.js';
import { insertRunMessages } from '../store/runMessages.js';
import { insertRun } from '../store/runs.js';
import type { UseCaseDeps } from './useCaseDeps.js';

export interface StartRunInput {
  checklistName: string;
  when: string | null;
  timezone: string | null;
  channelId: string;
  teamId: string | null;
  enterpriseId?: string | null;
  userId: string;
}

/** `/deploy start`: a run of a checklist, its roles from the front matter, its messages and reminders planned. */
export class StartRun {
  constructor(private readonly deps: UseCaseDeps) {}

  async startRun(input: StartRunInput): Promise<{ run: Run; note: string | null }> {
    const { db, clock, catalog, layout, timeline, events, queries } = this.deps;
    const checklist = catalog.get(input.checklistName);
    const timezone = input.timezone ?? checklist.settings.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone)) throw new DomainError('bad_timezone', { timezone });
    const now = clock.now();
    let t0 = now;
    let note: string | null = null;
    if (input.when) {
      const parsed = parseStartTime(input.when, { now, timezone });
      if (!parsed.ok) throw new DomainError('bad_time', { message: parsed.error });
      t0 = parsed.t0;
      note = parsed.note ?? null;
    }
    const runId = await db.tx(async () => {
      const id = await insertRun(db, {
        checklist,
        channelId: input.channelId,
        teamId: input.teamId,
        enterpriseId: input.enterpriseId ?? null,
        startedBy: input.userId,
        t0,
        timezone,
        now,
      });
      for (const [role, users] of Object.entries(checklist.settings.roles ?? {})) {
        for (const user of users) await assignRole(db, id, role, user, 'checklist', now);
      }
      if (!(checklist.settings.roles && Object.keys(checklist.settings.roles).some((r) => normaliseRole(r) === LEAD))) {
        await assignRole(db, id, LEAD, input.userId, input.userId, now);
      }
      await insertRunMessages(db, id, input.channelId, layout.keysFor(checklist));
      await appendAudit(db, {
        runId: id,
        at: now,
        actor: input.userId,
        action: 'run.start',
        detail: { checklist: checklist.name, source: checklist.source, t0, timezone, channel: input.channelId },
      });
      return id;
    });
    await timeline.planRun(runId);
    events.messagesChanged(runId);
    events.stateChanged(runId);
    return { run: await queries.requireRun(runId), note };
  }
}
