import { allItems } from '../domain/checklist.js';
import { type CommsTemplate, fillTemplate, templatesOf, UPDATE_MAX_CHARS } from '../domain/commsTemplates.js';
import type { RunSnapshot } from '../domain/run.js';
import { appendAudit } from '../store/audit.js';
import { activeRunFor, refuse, requireAllowed } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/**
 * Communication templates' updates (issue 10): the **Post update** button opens a draft with what
 * the run knows filled in; the poster's edited text is posted to the channel by the bot, naming
 * them, and audited. Only people with a role on the run may post; a refusal is audited as denied.
 */
export class UpdatePosting {
  constructor(private readonly deps: UseCaseDeps) {}

  /** The template and its draft, once the person is known to be allowed to post it. */
  async draft(input: Actor & { runId: number; refIndex: number; link: string | null }): Promise<{ template: CommsTemplate; text: string }> {
    const { snapshot, template } = await this.allowed(input);
    const run = snapshot.run;
    const text = fillTemplate(template.text, {
      title: run.checklist.title,
      runId: run.id,
      t0: run.t0,
      timezone: run.timezone,
      status: statusOf(snapshot),
      link: input.link,
    });
    return { template, text };
  }

  async post(input: Actor & { runId: number; refIndex: number; text: string }): Promise<void> {
    const { snapshot, template } = await this.allowed(input);
    const text = input.text.trim();
    if (text === '' || text.length > UPDATE_MAX_CHARS) {
      return await refuse(this.deps, input.runId, input.userId, 'update.post', template.title, {
        code: text === '' ? 'update_empty' : 'update_too_long',
        params: { chars: text.length, max: UPDATE_MAX_CHARS },
      });
    }
    const now = this.deps.clock.now();
    const runId = snapshot.run.id;
    await appendAudit(this.deps.db, {
      runId,
      at: now,
      actor: input.userId,
      action: 'update.post',
      target: template.title,
      detail: { text, edited: text !== template.text },
    });
    await this.deps.timeline.notice(runId, `update@${now}:${input.userId}`, {
      kind: 'update_posted',
      runId,
      by: input.userId,
      title: template.title,
      text,
    });
  }

  private async allowed(input: Actor & { runId: number; refIndex: number }): Promise<{ snapshot: RunSnapshot; template: CommsTemplate }> {
    const { run, snapshot } = await activeRunFor(this.deps, input);
    const template = templatesOf(run.checklist).find((t) => t.refIndex === input.refIndex);
    if (!template) {
      return await refuse(this.deps, run.id, input.userId, 'update.post', `ref:${input.refIndex}`, {
        code: 'unknown_template',
        params: { runId: run.id },
      });
    }
    await requireAllowed(this.deps, snapshot, input.userId, 'update.post', template.title, { kind: 'post_update' });
    return { snapshot, template };
  }
}

/** "in progress: 4 of 12 items done", "rolling back: …", or how it ended. */
function statusOf(snapshot: RunSnapshot): string {
  const { run } = snapshot;
  if (run.status !== 'active') return run.status.replace('_', ' ');
  const items = allItems(run.checklist);
  const done = items.filter((i) => snapshot.items[i.id]?.done).length;
  return `${run.rollbackActive ? 'rolling back' : 'in progress'}: ${done} of ${items.length} items done`;
}
