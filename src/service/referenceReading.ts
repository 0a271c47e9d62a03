import type { ReferenceSection } from '../domain/checklist.js';
import { templatesOf } from '../domain/commsTemplates.js';
import type { Run } from '../domain/run.js';
import { refuse, requireChannel } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/**
 * Reading a run's reference sections (issue 10): anyone in the run's channel may, during the run
 * and after it. A run of another channel or workspace, or a section the run's checklist does not
 * have, is refused and audited like any other bad click.
 */
export class ReferenceReading {
  constructor(private readonly deps: UseCaseDeps) {}

  async section(input: Actor & { runId: number; refIndex: number }): Promise<{ run: Run; section: ReferenceSection; isTemplate: boolean }> {
    const run = await this.deps.queries.findRun(input.runId);
    if (!run)
      return await refuse(this.deps, null, input.userId, 'reference.read', `run:${input.runId}`, {
        code: 'unknown_run',
        params: { runId: input.runId },
      });
    await requireChannel(this.deps, run, input);
    const section = run.checklist.reference[input.refIndex];
    if (!section || section.body.trim() === '') {
      return await refuse(this.deps, run.id, input.userId, 'reference.read', `ref:${input.refIndex}`, {
        code: 'unknown_reference',
        params: { runId: run.id },
      });
    }
    const isTemplate = templatesOf(run.checklist).some((t) => t.refIndex === input.refIndex);
    return { run, section, isTemplate };
  }
}
