/**
 * What a run tells its channel, as data. Services queue these (timeline.notice); the Slack layer
 * words them at the moment they are posted (slack/views/noticeText.ts), escaping every piece of
 * text a person typed or a checklist file contains. Nothing here is mrkdwn.
 */
export type RunNotice =
  | {
      kind: 'gate_passed';
      runId: number;
      gateText: string;
      sectionTitle: string;
      /** What the Go let through, with its window: open now, or opening later (never called open before it is). */
      unlocked?: Array<{ title: string; opensAt: number | null; closesAt: number | null }>;
      /** When the gate passed: a section whose window opened by then is open now. */
      at?: number;
      /** "Go with N open": items of the gate's own section left open by the deciding Go. */
      openItems?: number;
    }
  | {
      kind: 'rollback';
      runId: number;
      by: string;
      reason: string;
      /** Declared from a list of rollback triggers: its title and the conditions seen. */
      trigger?: { list: string; conditions: string[] };
      /** False when the checklist has no rollback steps (absent in notices queued before this was said). */
      branch?: boolean;
    }
  | { kind: 'run_ended'; runId: number; title: string; status: 'completed' | 'rolled_back' | 'aborted'; by: string; reason: string }
  | { kind: 't0_moved'; runId: number; title: string; by: string; minutes: number; t0: number }
  | {
      kind: 'page_sent';
      action: 'trigger' | 'resolve';
      at: number;
      summary: string /** A page by hand: its notice offers Resolve. */;
      resolvableKey?: string;
    }
  | { kind: 'page_refused'; action: 'trigger' | 'resolve'; status: number | null; error: string; summary: string }
  | { kind: 'page_delayed'; error: string; summary: string }
  /** A communication template's update, as the poster edited it (plain text: escaped when worded). */
  | { kind: 'update_posted'; runId: number; by: string; title: string; text: string }
  | {
      kind: 'github_waiting';
      runId: number;
      gateText: string;
      repository: string;
      environment: string;
      ref: string | null;
      /** The GitHub login that started the workflow. */
      sender: string | null;
    }
  | { kind: 'github_answered'; runId: number; repository: string; environment: string; decision: 'approved' | 'rejected' }
  | { kind: 'github_refused'; runId: number; repository: string; environment: string; decision: 'approved' | 'rejected'; error: string };

export type RunNoticeKind = RunNotice['kind'];
