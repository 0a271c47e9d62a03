import { prepared, type Db } from './db.js';

/**
 * The bot's view of its pages (the `pages` table; see migrations/003_pager.sql and 004): what is
 * open, what PagerDuty refused, and who asked for a page by hand. Pages are opened and resolved
 * together with their outbox rows, in store/outbox.ts.
 */

export type PageState = 'open' | 'resolved' | 'failed';

export interface Page {
  dedupKey: string;
  runId: number | null;
  reason: string;
  state: PageState;
  summary: string;
  openedAt: number;
  resolvedAt: number | null;
  /** Who asked for it with /deploy page; null for a page the escalation rules raised. */
  requestedBy: string | null;
  /** The channel a manual page was asked for in; null for a rules page. */
  channelId: string | null;
  /** What the person who asked for a manual page wrote; null for a rules page. */
  requestText: string | null;
  /** The workspace of the page's run (migration 014); null for a page without a run. */
  teamId?: string | null;
}

interface PageDbRow {
  dedup_key: string;
  run_id: number | null;
  reason: string;
  state: PageState;
  summary: string;
  opened_at: number;
  resolved_at: number | null;
  requested_by: string | null;
  channel_id: string | null;
  request_text: string | null;
  team_id?: string | null;
}

const toPage = (r: PageDbRow): Page => ({
  dedupKey: r.dedup_key,
  runId: r.run_id,
  reason: r.reason,
  state: r.state,
  summary: r.summary,
  openedAt: r.opened_at,
  resolvedAt: r.resolved_at,
  requestedBy: r.requested_by,
  channelId: r.channel_id,
  requestText: r.request_text,
  teamId: r.team_id ?? null,
});

/** Every page a run raised, oldest first. */
export async function listPages(db: Db, runId: number): Promise<Page[]> {
  return ((await prepared(db, 'SELECT * FROM pages WHERE run_id = ? ORDER BY opened_at, dedup_key').all(runId)) as PageDbRow[]).map(toPage);
}

/** Pages open right now, across runs, oldest first. */
export async function openPages(db: Db): Promise<Page[]> {
  return ((await prepared(db, `SELECT * FROM pages WHERE state = 'open' ORDER BY opened_at, dedup_key`).all()) as PageDbRow[]).map(toPage);
}

export async function getPage(db: Db, dedupKey: string): Promise<Page | null> {
  const row = (await prepared(db, 'SELECT * FROM pages WHERE dedup_key = ?').get(dedupKey)) as PageDbRow | undefined;
  return row ? toPage(row) : null;
}

/**
 * The newest manual page still open that was opened since `since` in this channel or by this
 * person: while there is one, /deploy page folds into it instead of opening another incident.
 */
export async function openManualPageSince(db: Db, input: { channelId: string; userId: string; since: number }): Promise<Page | null> {
  const row = (await prepared(
    db,
    `SELECT * FROM pages
     WHERE requested_by IS NOT NULL AND state = 'open' AND opened_at >= @since
       AND (channel_id = @channelId OR requested_by = @userId)
     ORDER BY channel_id = @channelId DESC, opened_at DESC LIMIT 1`,
  ).get(input)) as PageDbRow | undefined;
  return row ? toPage(row) : null;
}

/**
 * Closes a page PagerDuty refused once the condition that raised it has cleared, queuing
 * nothing (PagerDuty never opened it). Until then the refused page stands, so the rules do not
 * re-send it on every check; after this, the condition coming back pages again. Returns false
 * when the page is not in the 'failed' state.
 */
export async function closeRefusedPage(db: Db, input: { dedupKey: string; now: number }): Promise<boolean> {
  return (
    (
      await prepared(db, `UPDATE pages SET state = 'resolved', resolved_at = ? WHERE dedup_key = ? AND state = 'failed'`).run(
        input.now,
        input.dedupKey,
      )
    ).changes === 1
  );
}
