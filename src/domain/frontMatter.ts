import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { z } from 'zod';
import type { ChecklistProblem, ChecklistSettings } from './checklist.js';
import { KEY_PATTERN } from './itemKeys.js';
import { frontMatterUserIds, isPlaceholderId } from './placeholderIds.js';

/**
 * Optional YAML front matter between `---` lines at the very top of a checklist: the settings the
 * prose cannot express (timezone, who holds which role, gate quorums, paging grace). Every problem
 * names the line of the file, so front matter line numbers are file line numbers.
 */

export interface FrontMatterResult {
  settings: ChecklistSettings;
  /** Number of file lines the front matter takes, delimiters included (0 when there is none). */
  lineCount: number;
  problems: ChecklistProblem[];
  /** File line of each `gates[i].match`, so a gate that matches nothing can be reported where it is written. */
  gateLines: number[];
}

/** Valid when the runtime's ICU knows the zone; `Intl` throws a RangeError otherwise. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

const positiveMinutes = z.number({ error: 'must be a number of minutes' }).positive('must be more than 0 minutes');
const userId = z.string().regex(SLACK_USER_ID, 'must be a Slack user id such as U012ABCDEF');
const roleName = z.string().trim().min(1, 'must not be empty').toLowerCase();

const githubTarget = z.object({
  repository: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be a GitHub repository as owner/name'),
  environment: z.string().trim().min(1, 'must name the GitHub environment (e.g. production)').max(255),
  gate: z
    .string()
    .regex(KEY_PATTERN, 'must be the key of a Go/No-Go gate (lowercase letters, digits and dashes; `deployday lint --keys` lists them)'),
});

const settingsSchema = z.object({
  timezone: z.string().refine(isValidTimeZone, { message: 'must be an IANA time zone such as "America/New_York" or "UTC"' }).optional(),
  // One id may be written without a list.
  roles: z.record(roleName, z.union([userId.transform((id) => [id]), z.array(userId)])).optional(),
  // Who may change any role, even one the front matter names (see domain/permissions.ts).
  admins: z.union([userId.transform((id) => [id]), z.array(userId)]).optional(),
  escalation: z
    .array(
      z.union([
        z
          .string()
          .trim()
          .min(1)
          .transform((name) => ({ name })),
        z.object({ name: z.string().trim().min(1) }),
      ]),
    )
    .optional(),
  escalationPolicy: z.string().trim().min(1).optional(),
  gates: z
    .array(
      z.object({
        match: z.string().trim().min(1, 'must name the item or section the gate applies to'),
        approvers: z.array(roleName).min(1).optional(),
        quorum: z
          .union([z.literal('one'), z.literal('all'), z.number().int().positive()], {
            error: 'must be "one", "all" or a whole number of Go votes',
          })
          .optional(),
      }),
    )
    .optional(),
  reminderLeadMinutes: positiveMinutes.optional(),
  overdueRepeatMinutes: positiveMinutes.optional(),
  pageGraceMinutes: positiveMinutes.optional(),
  sectionGraceMinutes: z.record(z.string().trim().min(1), positiveMinutes).optional(),
  webhooks: z
    .array(
      z.object({
        url: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL'),
        secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable such as DEPLOYDAY_HOOK_SECRET (never the secret itself)'),
      }),
    )
    .optional(),
  // GitHub deployments (repository + environment) that wait on one of this checklist's gates.
  // One entry may be written without a list (wrapped first, so a problem names its field, not "invalid input").
  github: z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(githubTarget).min(1)).optional(),
  // Per heading: "run" keeps a rollback-sounding heading in the normal run, "rollback" holds one back.
  rollbackHeadings: z.record(z.string().trim().min(1), z.enum(['run', 'rollback'], { error: 'must be "run" or "rollback"' })).optional(),
  // Per heading: "triggers" makes it a list of rollback triggers, "run" keeps a trigger-sounding heading as written.
  triggerHeadings: z.record(z.string().trim().min(1), z.enum(['triggers', 'run'], { error: 'must be "triggers" or "run"' })).optional(),
  // Which PagerDuty severity each reason pages at (domain/escalationRules.ts has the defaults).
  pageSeverity: z
    .partialRecord(
      z.enum(['missedWindow', 'gateMissed', 'noGo', 'rollback', 'timebox', 'manual']),
      z.enum(['critical', 'error', 'warning', 'info'], { error: 'must be critical, error, warning or info' }),
    )
    .optional(),
});

const KNOWN_KEYS = new Set(Object.keys(settingsSchema.shape));

/** Splits off and validates the front matter. Role names are lower-cased so lookups need not care how they were written. */
export function parseFrontMatter(text: string, file: string): FrontMatterResult {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { settings: {}, lineCount: 0, problems: [], gateLines: [] };
  const close = lines.findIndex((line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (close === -1) {
    return {
      settings: {},
      lineCount: 0,
      gateLines: [],
      problems: [{ file, line: 1, severity: 'error', message: 'front matter starts here but has no closing `---` line' }],
    };
  }
  const lineCount = close + 1;
  const yamlText = lines.slice(1, close).join('\n');
  // YAML line 1 is file line 2.
  const fileLine = (yamlLine: number): number => yamlLine + 1;
  const problems: ChecklistProblem[] = [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });

  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
      problems.push({
        file,
        line: Math.min(fileLine(line), close),
        severity: 'error',
        message: `front matter is not valid YAML: ${err.message.split('\n')[0]}`,
      });
    }
    return { settings: {}, lineCount, problems, gateLines: [] };
  }

  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push({ file, line: 2, severity: 'error', message: 'front matter must be a map of settings (key: value)' });
    return { settings: {}, lineCount, problems, gateLines: [] };
  }

  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    const found = nodeLine(doc, path, lineCounter);
    return found === null ? 1 : fileLine(found);
  };

  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.has(key)) {
      problems.push({ file, line: lineOf([key]), severity: 'warning', message: `unknown front matter setting "${key}" is ignored` });
    }
  }

  const parsed = settingsSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({
        file,
        line: lineOf(issue.path),
        severity: 'error',
        message: `front matter ${formatPath(issue.path)}: ${issue.message}`,
      });
    }
    return { settings: {}, lineCount, problems, gateLines: [] };
  }

  for (const { id, path, where } of frontMatterUserIds(data as Record<string, unknown>)) {
    if (!isPlaceholderId(id)) continue;
    const message = `${where}: "${id}" looks like a placeholder, not a Slack user id; use a real id, or leave the role empty ([]) and give it with /deploy role`;
    problems.push({ file, line: lineOf(path), severity: 'warning', message });
  }
  const gateLines = (parsed.data.gates ?? []).map((_gate, i) => lineOf(['gates', i, 'match']));
  return { settings: withoutUndefined(parsed.data), lineCount, problems, gateLines };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`)).join('');
}

/** 1-based YAML line of the deepest node on `path` that exists (keys of records included). */
function nodeLine(doc: Document, path: ReadonlyArray<PropertyKey>, counter: LineCounter): number | null {
  for (let depth = path.length; depth > 0; depth--) {
    const sub = path.slice(0, depth).map((p) => (typeof p === 'symbol' ? String(p) : p));
    const node: unknown = doc.getIn(sub, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return counter.linePos(range[0]).line;
    // A key whose value is null has no node: point at the key itself.
    const parent: unknown = depth === 1 ? doc.contents : doc.getIn(sub.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === sub[sub.length - 1]);
      const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) return counter.linePos(keyRange[0]).line;
    }
  }
  const range = (doc.contents as { range?: [number, number, number] } | null)?.range;
  return range ? counter.linePos(range[0]).line : null;
}

function withoutUndefined(data: z.infer<typeof settingsSchema>): ChecklistSettings {
  const settings: ChecklistSettings = {};
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}
