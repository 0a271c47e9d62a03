import { checklistCounts, describeCounts } from '../domain/checklistCounts.js';
import { parseChecklist } from '../domain/parseChecklist.js';
import { DomainError } from '../domain/errors.js';
import { domainErrorText } from '../slack/views/domainErrorText.js';
import { parseDuration, parseStartTime } from '../domain/parseWhen.js';
import { canonicalTimeZone, utcToZoned } from '../domain/zonedTime.js';
import { formatRehearsal } from '../rehearsal/formatRehearsal.js';
import { rehearseDay, type Participation } from '../rehearsal/rehearseDay.js';
import { checklistName, formatProblem } from './lintCommand.js';
import { MIGRATIONS_DIR_FOR_CLI } from './paths.js';

const USAGE = 'usage: deployday rehearse <checklist.md> [--at <T-0>] [--tz <zone>] [--idle] [--rollback-at <T+30m>]';
const HELP = [
  USAGE,
  '',
  "Runs the checklist's deployment day on a virtual clock and prints, minute by minute, every message",
  'and page the bot would send. Nothing is sent; no Slack or PagerDuty credentials are needed.',
  '',
  'Options:',
  '  --at <T-0>          T-0 of the rehearsed run (16:00, tomorrow 09:00, 2026-11-23 16:00). Default: the next full hour.',
  "  --tz <zone>         IANA zone the checklist's clock windows are read in. Default: the front matter's timezone, else UTC.",
  '  --idle              Nobody ticks anything: shows every closes-soon and overdue warning with its open items, the',
  '                      nudges backing off and stopping at their cap, and the pages an idle team would earn.',
  '                      Without --idle the team finishes each timed section a minute before it closes.',
  '  --rollback-at <T+30m>  The lead declares a rollback at that offset from T-0 (T+30m, T-1h, 45m): shows the',
  "                      rollback branch's messages, time boxes and pages. Without --rollback-at there is no rollback.",
  '  --help, -h          This help (exit code 0).',
  '',
  'Exit codes: 0 printed, 1 the checklist or an option is wrong, 2 usage.',
].join('\n');
const HOUR_MS = 3_600_000;

interface RehearseArgs {
  file: string;
  at: string | null;
  tz: string | null;
  idle: boolean;
  rollbackAt: string | null;
}

/**
 * `deployday rehearse <checklist.md>`: the whole deployment day on a virtual clock, printed as the
 * messages and pages the bot would send and when; no Slack, no PagerDuty, no credentials.
 * T-0 defaults to the next full hour in the run's zone; the zone is `--tz`, else the checklist's
 * front matter, else UTC. Exit codes: 0 printed, 1 the checklist or an option is wrong, 2 usage.
 */
export async function rehearseCommand(
  args: string[],
  read: (path: string) => string,
  now: () => number = Date.now,
): Promise<{ output: string; exitCode: number }> {
  if (args.some((a) => a === '--help' || a === '-h')) return { output: HELP, exitCode: 0 };
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return { output: `deployday rehearse: ${parsed}\n${USAGE}`, exitCode: 2 };
  const fail = (message: string) => ({ output: `deployday rehearse: ${message}`, exitCode: 1 });

  let text: string;
  try {
    text = read(parsed.file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return { output: `${parsed.file}:0: error: cannot read file (${typeof code === 'string' ? code : String(error)})`, exitCode: 1 };
  }
  const result = parseChecklist(text, { name: checklistName(parsed.file), source: parsed.file });
  if (!result.ok) return { output: result.problems.map(formatProblem).join('\n'), exitCode: 1 };
  const { checklist } = result;

  const zoneText = parsed.tz ?? checklist.settings.timezone ?? 'UTC';
  const timezone = canonicalTimeZone(zoneText);
  if (timezone === null) return fail(`“${zoneText}” is not a time zone I know; use an IANA name such as Europe/London.`);

  const current = now();
  let t0 = nextFullHour(current, timezone);
  if (parsed.at !== null) {
    const start = parseStartTime(parsed.at, { now: current, timezone });
    if (!start.ok) return fail(`--at: ${start.error}`);
    t0 = start.t0;
  }

  let rollbackAtMinutes: number | null = null;
  if (parsed.rollbackAt !== null) {
    const offset = parseOffset(parsed.rollbackAt);
    if (!offset.ok) return fail(`--rollback-at: ${offset.error}`);
    rollbackAtMinutes = offset.minutes;
  }

  const participation: Participation = parsed.idle ? 'idle' : 'on_time';
  try {
    const events = await rehearseDay({ checklist, t0, timezone, participation, rollbackAtMinutes, migrationsDir: MIGRATIONS_DIR_FOR_CLI });
    const warnings = result.warnings.map(formatProblem);
    const timeline = formatRehearsal(events, {
      title: checklist.title,
      file: parsed.file,
      t0,
      timezone,
      participation,
      rollbackAtMinutes,
      size: describeCounts(checklistCounts(checklist)),
    });
    return { output: [...warnings, ...(warnings.length ? [''] : []), timeline].join('\n'), exitCode: 0 };
  } catch (error) {
    if (error instanceof DomainError) return fail(domainErrorText(error));
    throw error;
  }
}

function parseArgs(args: string[]): RehearseArgs | string {
  const out: RehearseArgs = { file: '', at: null, tz: null, idle: false, rollbackAt: null };
  const files: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : null;
    const value = (): string | null => inline ?? (args[i + 1] !== undefined ? args[++i]! : null);
    switch (name) {
      case '--idle':
        out.idle = true;
        break;
      case '--at':
      case '--tz':
      case '--rollback-at': {
        const v = value();
        if (v === null || v.trim() === '') return `${name} needs a value`;
        if (name === '--at') out.at = v;
        else if (name === '--tz') out.tz = v;
        else out.rollbackAt = v;
        break;
      }
      default:
        if (arg.startsWith('--')) return `unknown option ${arg}`;
        files.push(arg);
    }
  }
  if (files.length !== 1) return files.length === 0 ? 'give one checklist file' : 'give only one checklist file';
  out.file = files[0]!;
  return out;
}

/** The start of the next hour on the zone's wall clock (zones with half-hour offsets included). */
function nextFullHour(now: number, timezone: string): number {
  const p = utcToZoned(now, timezone);
  const intoHour = (p.minute * 60 + p.second) * 1000 + (((now % 1000) + 1000) % 1000);
  return now - intoHour + HOUR_MS;
}

/** "T+30m", "T-2h", "+1h30m", "45m", "T-0": minutes from T-0. */
function parseOffset(text: string): { ok: true; minutes: number } | { ok: false; error: string } {
  const body = text.trim().replace(/^t\s*/i, '');
  if (/^[+\-−]?0+$/.test(body)) return { ok: true, minutes: 0 };
  const d = parseDuration(body);
  return d.ok ? d : { ok: false, error: d.error };
}
