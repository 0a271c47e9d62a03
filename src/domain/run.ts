import type { Checklist } from './checklist.js';

/** How a run ended, or that it has not. */
export type RunStatus = 'active' | 'completed' | 'rolled_back' | 'aborted';

/** A checklist being worked through in one channel. Times are epoch milliseconds, UTC. */
export interface Run {
  /** Small integer, shown to people as `#12`. */
  id: number;
  checklistName: string;
  /** The checklist as parsed when the run started. */
  checklist: Checklist;
  channelId: string;
  startedBy: string;
  /** T-0. */
  t0: number;
  /** Minutes T-0 was slipped since it was last set (clock windows move with a slip, not a reschedule). */
  slipMinutes: number;
  /** IANA zone the checklist's clock windows are written in. */
  timezone: string;
  status: RunStatus;
  /** True once a No-Go or `/deploy rollback` switched the run to its rollback branch. */
  rollbackActive: boolean;
  rollbackReason: string | null;
  createdAt: number;
  endedAt: number | null;
  endReason: string | null;
  /** The Slack workspace (and Enterprise Grid org) the run belongs to: nobody from another one reaches it. Null: started before tenants were recorded. */
  teamId?: string | null;
  enterpriseId?: string | null;
}

/** The recorded state of one item in a run. Absent from the store = the template's initial state. */
export interface ItemState {
  itemId: string;
  done: boolean;
  /** Who completed it (Slack user id), or null for a template `[x]` item. */
  by: string | null;
  at: number | null;
  /** Set when the item was waived instead of done (`/deploy finish` with a reason). */
  waivedReason: string | null;
  /** Set when someone started the item's timer ("Monitor for 30 minutes"). */
  timerStartedAt: number | null;
  /** What a pipeline attached to its tick (a build link, "build #512"); absent for a person's tick. */
  evidence?: { url: string | null; note: string | null };
}

export type Vote = 'go' | 'no_go';

export interface GateVote {
  itemId: string;
  userId: string;
  vote: Vote;
  reason: string | null;
  at: number;
}

/** Everything a view needs to draw a run, read in one go from the store. */
export interface RunSnapshot {
  run: Run;
  /** By item id; items never touched are filled from the template. */
  items: Record<string, ItemState>;
  votes: GateVote[];
  /** Role name (lower-case) → user ids. */
  roles: Record<string, string[]>;
  /** GitHub deployments attached to the run's gates (a custom deployment protection rule); absent = none. */
  github?: GateDeployment[];
}

/** A GitHub deployment waiting on (or answered by) a gate, as the gate's message shows it. */
export interface GateDeployment {
  gateItemId: string;
  repository: string;
  environment: string;
  /** waiting: the gate is undecided; queued/sending: the answer is on its way; sent; failed: GitHub refused it. */
  status: 'waiting' | 'queued' | 'sending' | 'sent' | 'failed';
  decision: 'approved' | 'rejected' | null;
}

/** True when a request comes from a workspace other than the run's (both known): it must not reach the run. */
export function isOtherTenant(run: Pick<Run, 'teamId'>, asker: { teamId?: string | null }): boolean {
  return typeof asker.teamId === 'string' && typeof run.teamId === 'string' && asker.teamId !== run.teamId;
}
