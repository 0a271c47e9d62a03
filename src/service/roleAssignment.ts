import { normaliseRole } from '../domain/roles.js';
import { appendAudit } from '../store/audit.js';
import { assignRole, unassignRole } from '../store/roles.js';
import { bumpRunMessages } from '../store/runMessages.js';
import { requireAllowed, requireChannel } from './runGuard.js';
import type { Actor } from './runService.js';
import type { UseCaseDeps } from './useCaseDeps.js';

/** `/deploy role`: giving and taking roles, under the separation-of-duties rule in domain/permissions.ts. */
export class RoleAssignment {
  constructor(private readonly deps: UseCaseDeps) {}

  async setRole(input: Actor & { runId: number; role: string; targetUserId: string; remove: boolean }): Promise<{ changed: boolean }> {
    const { db, clock, queries, events, admins } = this.deps;
    const run = await queries.requireRun(input.runId);
    await requireChannel(this.deps, run, input);
    const role = normaliseRole(input.role);
    const attempted = input.remove ? 'role.remove' : 'role.assign';
    await requireAllowed(this.deps, await queries.snapshot(run.id), input.userId, attempted, role, {
      kind: 'change_role',
      role: input.role,
      admins,
      remove: input.remove,
    });
    const now = clock.now();
    const changed = await db.tx(async () => {
      const changed = input.remove
        ? await unassignRole(db, run.id, role, input.targetUserId)
        : await assignRole(db, run.id, role, input.targetUserId, input.userId, now);
      if (changed) {
        // Every change says who made it, to whom, and which role: the record a separation-of-duties review reads.
        await appendAudit(db, {
          runId: run.id,
          at: now,
          actor: input.userId,
          action: attempted,
          target: role,
          detail: { user: input.targetUserId, role },
        });
        await bumpRunMessages(db, run.id, 'all');
      }
      return changed;
    });
    events.messagesChanged(run.id);
    return { changed };
  }
}
