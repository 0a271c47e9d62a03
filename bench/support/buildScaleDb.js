/**
 * Fills a database with a few years of history: 10,000 finished runs and 1,000,000 audit rows,
 * with their item states, messages, roles, gate votes, reminders and pages. The schema comes from
 * the real migrations (openDatabase); rows go in directly with better-sqlite3 in one transaction.
 *
 * Run as its own process (`node bench/support/buildScaleDb.js <path> [pastRunsInChannel]`) so the
 * memory the build touches never counts in the bench's resident-memory figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS_DIR } from '../../dist/app.js';
import { parseChecklist } from '../../dist/domain/parseChecklist.js';
import { messageLayout } from '../../dist/slack/messageLayout.js';
import { openDatabase } from '../../dist/store/db.js';
import { benchChecklistMarkdown } from './benchChecklist.js';

export const PAST_RUNS = 10_000;
export const AUDIT_ROWS = 1_000_000;
const CHANNELS = 100;
const DAY = 86_400_000;

function checklistsForHistory() {
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  const sources = [
    ['standard-release', readFileSync(join(root, 'checklists', 'standard-release.md'), 'utf8'), 9],
    ['hotfix', readFileSync(join(root, 'checklists', 'hotfix.md'), 'utf8'), 9],
    ['bench-release', benchChecklistMarkdown(150), 2],
  ];
  const weighted = [];
  for (const [name, markdown, weight] of sources) {
    const parsed = parseChecklist(markdown, { name, source: `${name}.md` });
    if (!parsed.ok) throw new Error(`${name}.md does not parse: ${JSON.stringify(parsed.problems[0])}`);
    const checklist = parsed.checklist;
    const entry = {
      checklist,
      json: JSON.stringify(checklist),
      items: checklist.phases.flatMap((p) => p.sections.flatMap((s) => s.items)),
      keys: messageLayout.keysFor(checklist),
    };
    for (let i = 0; i < weight; i += 1) weighted.push(entry);
  }
  return weighted;
}

/**
 * @param {string} path database file to create
 * @param {{ benchChannel: string }} options runs in channel 0 are written to `benchChannel`
 * @returns {{ runs: number, audit: number, itemStates: number, reminders: number, bytes: number }}
 */
export function buildScaleDb(path, options) {
  // A bulk fill, SQLite only: straight on the better-sqlite3 connection under the adapter, in one synchronous transaction.
  const db = openDatabase(path, MIGRATIONS_DIR).raw;
  // Preparation only: no fsync per page while filling. The bench reopens it with production settings.
  db.pragma('synchronous = OFF');
  const history = checklistsForHistory();
  const insertRun = db.prepare(
    `INSERT INTO runs (id, checklist_name, checklist_json, title, channel_id, team_id, started_by, t0, slip_minutes, timezone, status,
       rollback_active, rollback_reason, rollback_started_at, created_at, ended_at, end_reason)
     VALUES (?, ?, ?, ?, ?, 'T0BENCH', ?, ?, 0, 'UTC', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertMessage = db.prepare(
    'INSERT INTO run_messages (run_id, message_key, position, channel_id, ts, version, synced_version) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertState = db.prepare(
    'INSERT INTO item_states (run_id, item_id, done, done_by, done_at, waived_reason, timer_started_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)',
  );
  const insertRole = db.prepare('INSERT INTO run_roles (run_id, role, user_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?)');
  const insertVote = db.prepare('INSERT INTO gate_votes (run_id, item_id, user_id, vote, reason, at) VALUES (?, ?, ?, ?, NULL, ?)');
  const insertAudit = db.prepare('INSERT INTO audit (run_id, at, actor, action, target, detail_json) VALUES (?, ?, ?, ?, ?, ?)');
  const insertReminder = db.prepare(
    `INSERT INTO reminders (run_id, key, kind, section_id, item_id, repeat, payload_json, due_at, status, claimed_at, sent_at, late, outcome)
     VALUES (?, ?, ?, ?, NULL, 0, NULL, ?, 'sent', ?, ?, 0, ?)`,
  );
  const insertPage = db.prepare(
    `INSERT INTO pages (dedup_key, run_id, reason, state, summary, opened_at, resolved_at) VALUES (?, ?, 'overdue', 'resolved', ?, ?, ?)`,
  );
  const insertOutbox = db.prepare(
    `INSERT INTO pager_outbox (run_id, dedup_key, action, payload_json, status, attempts, next_attempt_at, claimed_at, last_status, created_at, sent_at)
     VALUES (?, ?, ?, '{}', 'sent', 1, ?, ?, 202, ?, ?)`,
  );

  const counts = { runs: 0, audit: 0, itemStates: 0, reminders: 0 };
  const auditPerRun = AUDIT_ROWS / PAST_RUNS;
  const firstDay = Date.UTC(2023, 0, 2, 9);
  db.transaction(() => {
    for (let id = 1; id <= PAST_RUNS; id += 1) {
      const { checklist, json, items, keys } = history[id % history.length];
      const channel = id % CHANNELS === 0 ? options.benchChannel : `C0PAST${String(id % CHANNELS).padStart(3, '0')}`;
      const lead = `U0LEAD${id % 37}`;
      const t0 = firstDay + Math.floor((id * 3 * 365 * DAY) / PAST_RUNS);
      const status = id % 50 === 0 ? 'rolled_back' : id % 23 === 0 ? 'aborted' : 'completed';
      const ended = t0 + 4 * 3_600_000;
      insertRun.run(
        id,
        checklist.name,
        json,
        checklist.title,
        channel,
        lead,
        t0,
        status,
        status === 'rolled_back' ? 1 : 0,
        status === 'rolled_back' ? 'No-Go on canary' : null,
        status === 'rolled_back' ? t0 + 3_600_000 : null,
        t0 - 3_600_000,
        ended,
        status === 'completed' ? null : 'ended by the lead',
      );
      counts.runs += 1;
      keys.forEach((key, position) =>
        insertMessage.run(id, key, position, channel, `${Math.floor(t0 / 1000)}.${String(position).padStart(6, '0')}`, 30, 30),
      );
      insertRole.run(id, 'lead', lead, lead, t0 - 3_600_000);
      insertRole.run(id, 'approver', `U0APPR${id % 11}`, lead, t0 - 3_000_000);

      // Audit: start, then each item ticked in order (some unticked and ticked again), then the end.
      let audited = 0;
      const audit = (at, actor, action, target, detail) => {
        if (audited >= auditPerRun) return;
        insertAudit.run(id, at, actor, action, target, detail === null ? null : JSON.stringify(detail));
        audited += 1;
        counts.audit += 1;
      };
      audit(t0 - 3_600_000, lead, 'run.start', null, { checklist: checklist.name, t0, timezone: 'UTC', channel });
      audit(t0 - 3_000_000, lead, 'role.assign', 'approver', { user: `U0APPR${id % 11}` });
      items.forEach((item, n) => {
        const at = t0 + n * 60_000;
        const by = `U0ENG${(id + n) % 53}`;
        if (item.kind === 'gate') {
          insertVote.run(id, item.id, `U0APPR${id % 11}`, 'go', at);
          audit(at, `U0APPR${id % 11}`, 'gate.go', item.id, { reason: null, outcome: 'passed' });
        } else {
          audit(at, by, 'item.tick', item.id, { text: item.text });
        }
        insertState.run(id, item.id, 1, by, at, at);
        counts.itemStates += 1;
      });
      for (let n = 0; audited < auditPerRun - 1; n += 1) {
        const item = items[(n * 7) % items.length];
        const at = t0 + (items.length + n) * 30_000;
        if (n % 10 === 9) audit(at, `U0ENG${n % 53}`, 'denied', item.id, { attempted: 'item.untick', code: 'not_role_holder' });
        else audit(at, `U0ENG${n % 53}`, n % 2 === 0 ? 'item.untick' : 'item.tick', item.id, { text: item.text });
      }
      audit(ended, lead, status === 'completed' ? 'run.finish' : status === 'aborted' ? 'run.abort' : 'rollback.start', null, { status });

      checklist.phases.forEach((phase, n) => {
        if (n >= 8) return;
        const due = t0 + (n - 2) * 3_600_000;
        insertReminder.run(id, `r${id}:phase:${phase.id}:open`, 'phase_open', phase.sections[0]?.id ?? null, due, due, due + 800, 'sent');
        counts.reminders += 1;
      });
      if (id % 20 === 0) {
        const key = `deployday-run-${id}-overdue`;
        insertPage.run(key, id, `Run #${id} section overdue`, t0 + 7_200_000, t0 + 9_000_000);
        insertOutbox.run(id, key, 'trigger', t0 + 7_200_000, t0 + 7_200_000, t0 + 7_200_000, t0 + 7_201_000);
        insertOutbox.run(id, key, 'resolve', t0 + 9_000_000, t0 + 9_000_000, t0 + 9_000_000, t0 + 9_001_000);
      }
    }
    // A database a running deployday wrote has its events-out collector caught up: every fact above
    // was turned into events as it was recorded. Without this the bot would start by walking a
    // million audit rows as news, and the history figures would measure that walk, not the history.
    db.prepare('DELETE FROM events_pending_audit').run();
    db.prepare(
      `INSERT INTO events_emitted (event_id, run_id, type, at)
       SELECT 'opened:' || id, run_id, 'phase.opened', COALESCE(sent_at, due_at) FROM reminders WHERE kind = 'opened' AND status = 'sent'
       ON CONFLICT (event_id) DO NOTHING`,
    ).run();
    db.prepare(
      `INSERT INTO events_emitted (event_id, run_id, type, at)
       SELECT 'page:' || id, run_id, 'page.sent', COALESCE(sent_at, created_at) FROM pager_outbox WHERE action = 'trigger' AND status = 'sent'
       ON CONFLICT (event_id) DO NOTHING`,
    ).run();
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = db.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()').get().bytes;
  db.close();
  return { ...counts, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [path, benchChannel] = process.argv.slice(2);
  if (!path || !benchChannel) {
    console.error('usage: node bench/support/buildScaleDb.js <db path> <bench channel>');
    process.exit(2);
  }
  const started = Date.now();
  const result = buildScaleDb(path, { benchChannel });
  console.log(JSON.stringify({ ...result, ms: Date.now() - started }));
}
