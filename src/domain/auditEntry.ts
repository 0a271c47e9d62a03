/** One row of a run's append-only audit: who did what, when, to which item or role, and why. */
export interface AuditEntry {
  id: number;
  runId: number | null;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}
