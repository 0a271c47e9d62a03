import { existsSync } from 'node:fs';
import { MIGRATIONS_DIR_FOR_CLI } from './paths.js';
import { allItems } from '../domain/checklist.js';
import { withTemplateStates } from '../domain/snapshotItems.js';
import { listAudit } from '../store/audit.js';
import { databaseUrlSchema } from '../databaseConfig.js';
import { listGateVotes } from '../store/gateVotes.js';
import { listItemStates } from '../store/itemStates.js';
import { listRoles } from '../store/roles.js';
import { openStore } from '../store/openStore.js';
import { findRun } from '../store/runs.js';
import { reportExport } from './reportExport.js';

/**
 * `deployday export <run> [--format json|md]`: the audit record of a deployment, from the
 * database, for attaching to a change ticket. Times are UTC ISO-8601.
 */
export async function exportCommand(args: string[], env: NodeJS.ProcessEnv): Promise<{ output: string | Buffer; exitCode: number }> {
  const formatIndex = args.indexOf('--format');
  const format = formatIndex >= 0 ? args[formatIndex + 1] : 'md';
  const rest = formatIndex >= 0 ? args.filter((_, i) => i !== formatIndex && i !== formatIndex + 1) : args;
  const runId = Number((rest[0] ?? '').replace(/^#/, ''));
  if (!Number.isSafeInteger(runId) || runId <= 0 || !['json', 'md', 'png', 'html'].includes(format ?? '')) {
    return { output: 'usage: deployday export <run id> [--format json|md|png|html]', exitCode: 2 };
  }
  // The bot's own choice (config.ts): PostgreSQL at DATABASE_URL when set, else the SQLite file.
  const url = env.DATABASE_URL?.trim() || undefined;
  const checked = url ? databaseUrlSchema.safeParse(url) : null;
  if (checked && !checked.success)
    return { output: `deployday export: ${checked.error.issues[0]?.message ?? 'DATABASE_URL is invalid'}`, exitCode: 2 };
  const path = env.DATABASE_PATH ?? './data/deployday.db';
  if (!url && !existsSync(path)) return { output: `deployday export: no database at ${path} (set DATABASE_PATH or DATABASE_URL)`, exitCode: 1 };
  const where = url ? 'the database at DATABASE_URL' : path;
  const db = await openStore({ databaseUrl: url, databasePath: path }, MIGRATIONS_DIR_FOR_CLI, { poolSize: 1 });
  try {
    const run = await findRun(db, runId);
    if (!run) return { output: `deployday export: there is no run #${runId} in ${where}`, exitCode: 1 };
    if (format === 'png' || format === 'html') return await reportExport(db, run, format);
    const states = withTemplateStates(run.checklist, await listItemStates(db, runId));
    const audit = await listAudit(db, runId);
    const votes = await listGateVotes(db, runId);
    const roles = await listRoles(db, runId);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const record = {
      run: {
        id: run.id,
        checklist: run.checklistName,
        title: run.checklist.title,
        source: run.checklist.source,
        channel: run.channelId,
        startedBy: run.startedBy,
        t0: iso(run.t0),
        timezone: run.timezone,
        status: run.status,
        rollback: run.rollbackActive ? run.rollbackReason : null,
        createdAt: iso(run.createdAt),
        endedAt: iso(run.endedAt),
        endReason: run.endReason,
      },
      roles,
      items: allItems(run.checklist).map((item) => {
        const s = states[item.id]!;
        return { id: item.id, text: item.text, kind: item.kind, done: s.done, by: s.by, at: iso(s.at), waived: s.waivedReason };
      }),
      votes: votes.map((v) => ({ ...v, at: iso(v.at) })),
      audit: audit.map((a) => ({ id: a.id, at: iso(a.at), actor: a.actor, action: a.action, target: a.target, detail: a.detail })),
    };
    if (format === 'json') return { output: JSON.stringify(record, null, 2), exitCode: 0 };
    const lines = [
      `# Deployment record: run #${run.id} — ${run.checklist.title}`,
      '',
      `- Checklist: \`${run.checklistName}\` (${run.checklist.source})`,
      `- Channel: ${run.channelId}; started by ${run.startedBy}`,
      `- T-0: ${record.run.t0} (${run.timezone}); status: ${run.status}${run.endReason ? ` — ${run.endReason}` : ''}`,
      run.rollbackActive ? `- Rollback: ${run.rollbackReason ?? ''}` : '',
      '',
      '## Items',
      ...record.items.map(
        (i) => `- [${i.done ? 'x' : ' '}] ${i.text}${i.by ? ` — ${i.by} at ${i.at}` : ''}${i.waived ? ` — waived: ${i.waived}` : ''}`,
      ),
      '',
      '## Gate votes',
      ...(record.votes.length
        ? record.votes.map((v) => `- ${v.at} ${v.userId} ${v.vote} on ${v.itemId}${v.reason ? `: ${v.reason}` : ''}`)
        : ['- none']),
      '',
      '## Audit trail',
      ...record.audit.map(
        (a) => `- ${a.at} ${a.actor} ${a.action}${a.target ? ` ${a.target}` : ''}${a.detail ? ` ${JSON.stringify(a.detail)}` : ''}`,
      ),
    ];
    return { output: lines.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n'), exitCode: 0 };
  } finally {
    await db.close();
  }
}
