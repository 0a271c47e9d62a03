import { appendAudit } from '../store/audit.js';
import type { Db } from '../store/db.js';
import { removeInstallation, tenantKeyOf } from '../store/installations.js';
import { resumeTenantRuns, suspendTenantRuns } from '../store/runs.js';
import type { Clock } from './clock.js';
import type { TimelineService } from './timelineService.js';

/** A workspace, or (org-wide install) a whole Enterprise Grid org. */
export interface Tenant {
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
}

/**
 * The app arriving in and leaving workspaces. When Slack says the app was uninstalled or its bot
 * tokens revoked, the installation (and its sealed tokens) is deleted and the workspace's active
 * runs are suspended: kept with their state and audit, but their reminders and pages stop (a
 * suspended run's reminders are not claimed, and the paging rules skip it) until the app is
 * installed again, which resumes them. Every such change is audited on each run it touched.
 */
export class Tenancy {
  constructor(private readonly deps: { db: Db; clock: Clock; timeline: Pick<TimelineService, 'onResumed'> }) {}

  async left(tenant: Tenant, event: 'app_uninstalled' | 'tokens_revoked'): Promise<{ runIds: number[]; hadInstallation: boolean }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const scope = this.scope(tenant);
    return await db.tx(async () => {
      const hadInstallation = await removeInstallation(db, tenantKeyOf(tenantQuery(tenant)));
      const runIds = await suspendTenantRuns(db, scope, now);
      for (const runId of runIds) await appendAudit(db, { runId, at: now, actor: 'slack', action: 'app.uninstalled', detail: { event } });
      if (runIds.length === 0) {
        await appendAudit(db, { runId: null, at: now, actor: 'slack', action: 'app.uninstalled', detail: { event, ...scope }, teamId: scope.teamId });
      }
      return { runIds, hadInstallation };
    });
  }

  /** A (re)install: the tenant's suspended runs carry on, their reminders planned again from now. */
  async arrived(tenant: Tenant): Promise<number[]> {
    const { db, clock, timeline } = this.deps;
    const now = clock.now();
    return await db.tx(async () => {
      const runIds = await resumeTenantRuns(db, this.scope(tenant));
      for (const runId of runIds) {
        await appendAudit(db, { runId, at: now, actor: 'slack', action: 'app.installed', detail: {} });
        await timeline.onResumed(runId);
      }
      return runIds;
    });
  }

  /** An org-wide install covers every workspace of its org; a workspace install, its own runs. */
  private scope(tenant: Tenant): { teamId: string | null; enterpriseId: string | null } {
    return tenant.isEnterpriseInstall ? { teamId: null, enterpriseId: tenant.enterpriseId } : { teamId: tenant.teamId, enterpriseId: null };
  }
}

function tenantQuery(tenant: Tenant): { isEnterpriseInstall: boolean; enterpriseId?: string; teamId?: string } {
  return {
    isEnterpriseInstall: tenant.isEnterpriseInstall,
    ...(tenant.enterpriseId ? { enterpriseId: tenant.enterpriseId } : {}),
    ...(tenant.teamId ? { teamId: tenant.teamId } : {}),
  };
}
