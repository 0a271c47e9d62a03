import type { PhaseSpan, ReportMarker, RunReport } from '../domain/runReport.js';
import { utcToZoned } from '../domain/zonedTime.js';

/**
 * The run's timeline as an SVG Gantt: one row per phase, the planned window as a pale bar and the
 * actual span (first to last tick) as a solid one over it, red when it closed late; gate decisions,
 * slips, pages and the rollback as numbered lines across the chart, explained in a legend below it.
 * Pure: the same report gives the same string, so tests check elements and positions, not pixels.
 *
 * Sized to read at Slack's preview size: 1200 px wide (rasterised at 1.5×), 17 px text, at most MAX_ROWS rows and
 * MAX_LEGEND legend lines (the rest are summed up in one line).
 */

export const TIMELINE_WIDTH = 1200;
const LABEL_W = 300;
const RIGHT = 30;
const TOP = 92;
const ROW_H = 38;
const AXIS_H = 34;
const LEGEND_LINE = 24;
const MAX_ROWS = 24;
const MAX_LEGEND = 14;
const MINUTE = 60_000;
const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
/** Planned windows far from anything that happened (a "T-7 days" prep phase) are clipped to this. */
const PLAN_REACH_MS = 24 * 60 * MINUTE;

const COLORS = {
  planned: '#cfd8dc',
  onTime: '#2e7d32',
  late: '#c62828',
  unfinished: '#1565c0',
  rollback: '#ef6c00',
  gate_go: '#2e7d32',
  gate_no_go: '#c62828',
  slip: '#f9a825',
  page: '#6a1b9a',
  rollbackLine: '#c62828',
  end: '#263238',
} as const;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function clip(text: string, max: number): string {
  // Slack mrkdwn from the checklist (*bold*, <url|label>) reads as noise in a picture.
  const plain = text.replace(/<([^|>]+)\|([^>]+)>/g, '$2').replace(/[*~`]/g, '');
  return plain.length <= max ? plain : `${plain.slice(0, max - 1)}…`;
}

/** The time range the chart shows: what happened, and the plan around it. */
export function timeDomain(report: RunReport): { start: number; end: number } {
  const happened = [report.createdAt, report.t0, report.endedAt ?? report.createdAt + report.durationMs];
  for (const p of report.phases) for (const t of [p.actualOpen, p.actualClose, p.lastMark]) if (t !== null) happened.push(t);
  for (const m of report.markers) happened.push(m.at);
  let start = Math.min(...happened);
  let end = Math.max(...happened);
  for (const p of report.phases) {
    if (p.plannedOpen !== null && p.plannedOpen >= start - PLAN_REACH_MS) start = Math.min(start, p.plannedOpen);
    if (p.plannedClose !== null && p.plannedClose <= end + PLAN_REACH_MS) end = Math.max(end, p.plannedClose);
  }
  if (end - start < 30 * MINUTE) end = start + 30 * MINUTE;
  return { start, end };
}

function hhmm(ms: number, tz: string, withDay: boolean): string {
  const p = utcToZoned(ms, tz);
  const time = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  return withDay ? `${p.month}/${p.day} ${time}` : time;
}

export function timelineSvg(report: RunReport): string {
  const { start, end } = timeDomain(report);
  const chartW = TIMELINE_WIDTH - LABEL_W - RIGHT;
  const x = (t: number): number => LABEL_W + Math.round(((Math.min(Math.max(t, start), end) - start) / (end - start)) * chartW * 10) / 10;
  const phases = report.phases.filter((p) => !p.rollback || report.rollback !== null).slice(0, MAX_ROWS);
  const chartH = phases.length * ROW_H;
  const legend = report.markers.slice(0, MAX_LEGEND);
  const more = report.markers.length - legend.length;
  const height = TOP + chartH + AXIS_H + 16 + (legend.length + (more > 0 ? 1 : 0)) * LEGEND_LINE + 16;
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${TIMELINE_WIDTH}" height="${height}" viewBox="0 0 ${TIMELINE_WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="17" data-run="${report.runId}">`,
  );
  out.push(`<rect x="0" y="0" width="${TIMELINE_WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="16" y="30" font-size="23" font-weight="bold" data-kind="title">${escapeXml(clip(`#${report.runId} · ${report.title}`, 90))}</text>`,
  );
  out.push(
    `<text x="16" y="54" fill="#455a64" data-kind="subtitle">${escapeXml(`${report.status.replace('_', ' ')} · planned (pale) against actual (solid) · times in ${report.timezone}`)}</text>`,
  );

  // Axis ticks and grid.
  const spanMin = (end - start) / MINUTE;
  const step = TICK_STEPS.find((s) => spanMin / s <= 10) ?? 10080;
  const withDay = end - start > 20 * 60 * MINUTE;
  const first = Math.ceil(start / (step * MINUTE)) * step * MINUTE;
  for (let t = first; t <= end; t += step * MINUTE) {
    const tx = x(t);
    out.push(`<line x1="${tx}" y1="${TOP}" x2="${tx}" y2="${TOP + chartH}" stroke="#eceff1" data-kind="grid"/>`);
    out.push(
      `<text x="${tx}" y="${TOP + chartH + 20}" text-anchor="middle" fill="#455a64" font-size="15" data-kind="tick" data-at="${t}">${hhmm(t, report.timezone, withDay)}</text>`,
    );
  }

  // Pages first, as bands behind the bars.
  report.markers.forEach((m, i) => {
    if (m.kind !== 'page' || i >= MAX_LEGEND) return;
    const x1 = x(m.at);
    const x2 = Math.max(x1 + 2, x(m.until ?? m.at));
    out.push(
      `<rect x="${x1}" y="${TOP}" width="${Math.round((x2 - x1) * 10) / 10}" height="${chartH}" fill="${COLORS.page}" fill-opacity="0.12" data-kind="page-band" data-marker="${i + 1}"/>`,
    );
  });

  phases.forEach((phase, row) => out.push(...phaseRow(phase, row, x, report.endedAt ?? report.createdAt + report.durationMs)));

  legend.forEach((m, i) => out.push(...markerLine(m, i + 1, x(m.at), chartH)));
  out.push(`<line x1="${LABEL_W}" y1="${TOP + chartH}" x2="${TIMELINE_WIDTH - RIGHT}" y2="${TOP + chartH}" stroke="#90a4ae" data-kind="axis"/>`);

  const legendTop = TOP + chartH + AXIS_H + 16;
  legend.forEach((m, i) => {
    const y = legendTop + i * LEGEND_LINE;
    out.push(
      `<text x="16" y="${y}" data-kind="legend" data-marker="${i + 1}"><tspan fill="${colorOf(m)}" font-weight="bold">${i + 1}</tspan> ${escapeXml(`${hhmm(m.at, report.timezone, withDay)} ${clip(m.label, 110)}`)}</text>`,
    );
  });
  if (more > 0)
    out.push(
      `<text x="16" y="${legendTop + legend.length * LEGEND_LINE}" fill="#455a64" data-kind="legend-more">…and ${more} more events in the audit record</text>`,
    );
  out.push('</svg>');
  return out.join('\n');
}

function phaseRow(phase: PhaseSpan, row: number, x: (t: number) => number, end: number): string[] {
  const y = TOP + row * ROW_H;
  const out = [`<text x="16" y="${y + 25}" data-kind="label" data-phase="${escapeXml(phase.phaseId)}">${escapeXml(clip(phase.title, 30))}</text>`];
  if (phase.plannedOpen !== null || phase.plannedClose !== null) {
    const x1 = x(phase.plannedOpen ?? phase.plannedClose!);
    const x2 = x(phase.plannedClose ?? end);
    out.push(
      `<rect x="${x1}" y="${y + 7}" width="${Math.max(2, Math.round((x2 - x1) * 10) / 10)}" height="24" rx="3" fill="${COLORS.planned}" data-kind="planned" data-phase="${escapeXml(phase.phaseId)}"/>`,
    );
  }
  const actualEnd = phase.actualClose ?? phase.lastMark;
  if (phase.actualOpen !== null && actualEnd !== null) {
    const x1 = x(phase.actualOpen);
    const x2 = x(actualEnd);
    const late = phase.overrunMinutes !== null && phase.overrunMinutes > 0;
    const fill = phase.actualClose === null ? COLORS.unfinished : phase.rollback ? COLORS.rollback : late ? COLORS.late : COLORS.onTime;
    out.push(
      `<rect x="${x1}" y="${y + 13}" width="${Math.max(3, Math.round((x2 - x1) * 10) / 10)}" height="12" rx="2" fill="${fill}" data-kind="actual" data-phase="${escapeXml(phase.phaseId)}" data-late="${late}"/>`,
    );
  }
  return out;
}

function colorOf(m: ReportMarker): string {
  return m.kind === 'rollback' ? COLORS.rollbackLine : COLORS[m.kind];
}

function markerLine(m: ReportMarker, n: number, mx: number, chartH: number): string[] {
  const color = colorOf(m);
  const dash = m.kind === 'slip' ? ' stroke-dasharray="6 4"' : '';
  const width = m.kind === 'rollback' || m.kind === 'end' ? 3 : 2;
  return [
    `<line x1="${mx}" y1="${TOP - 4}" x2="${mx}" y2="${TOP + chartH}" stroke="${color}" stroke-width="${width}"${dash} data-kind="marker" data-marker-kind="${m.kind}" data-marker="${n}"/>`,
    `<circle cx="${mx}" cy="${TOP - 12}" r="9" fill="${color}"/>`,
    `<text x="${mx}" y="${TOP - 7}" text-anchor="middle" fill="#ffffff" font-size="12" font-weight="bold">${n}</text>`,
  ];
}
