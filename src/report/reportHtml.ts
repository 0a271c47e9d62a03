import type { AuditRecord, RunReport } from '../domain/runReport.js';
import { auditDetail, headline, isoUtc } from './reportFormat.js';
import { escapeXml as escapeHtml, timelineSvg } from './timelineSvg.js';

/**
 * The run's record as one self-contained HTML page: the timeline as inline SVG, the summary, and
 * the audit table, which sorts by any column (click its header) and filters as you type. No
 * network: no external script, style, font or image, and a Content-Security-Policy that forbids
 * them, so the file opens the same from a ticket attachment years later. Prints on paper without
 * the filter box and with the whole table.
 */

const STYLE = `
body{font:15px/1.45 "DejaVu Sans",Arial,sans-serif;margin:24px;color:#263238;max-width:1240px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #cfd8dc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff1}#audit th{cursor:pointer;user-select:none}#audit th[aria-sort=ascending]::after{content:" ▲"}
#audit th[aria-sort=descending]::after{content:" ▼"}td.detail{font-family:"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.timeline svg{max-width:100%;height:auto}#filter{font-size:15px;padding:4px 8px;width:320px}.muted{color:#607d8b}
@media print{#filter,.noprint{display:none}body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}
`;

/** Sorting and filtering, written for this page only; runs from the page itself (CSP: inline only). */
const SCRIPT = `
(function () {
  var table = document.getElementById('audit');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('filter');
  var count = document.getElementById('shown');
  function apply() {
    var needle = filter.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var hit = needle === '' || row.textContent.toLowerCase().indexOf(needle) !== -1;
      row.hidden = !hit;
      if (hit) shown += 1;
    });
    count.textContent = String(shown);
  }
  filter.addEventListener('input', apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
    th.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'number';
      rows.sort(function (a, b) {
        var x = a.cells[index].getAttribute('data-sort') || a.cells[index].textContent;
        var y = b.cells[index].getAttribute('data-sort') || b.cells[index].textContent;
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
`;

export function reportHtml(report: RunReport, audit: AuditRecord[]): string {
  const e = escapeHtml;
  const summary = headline(report)
    .map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('\n');
  const phases = report.phases
    .map(
      (p) =>
        `<tr><td>${e(p.title)}</td><td>${isoUtc(p.plannedOpen)} – ${isoUtc(p.plannedClose)}</td><td>${isoUtc(p.actualOpen)} – ${isoUtc(p.actualClose ?? p.lastMark)}</td><td>${p.overrunMinutes === null ? '—' : `${p.overrunMinutes > 0 ? '+' : ''}${p.overrunMinutes} min`}</td></tr>`,
    )
    .join('\n');
  const gates = report.gates.length
    ? report.gates
        .map(
          (g) =>
            `<li>${e(g.text)} — <strong>${e(g.outcome)}</strong>${g.votes.map((v) => ` · ${e(v.userId)} ${v.vote === 'go' ? 'Go' : 'No-Go'} ${isoUtc(v.at)}${v.reason ? ` (${e(v.reason)})` : ''}`).join('')}</li>`,
        )
        .join('\n')
    : '<li>none</li>';
  const auditRows = audit
    .map(
      (a) =>
        `<tr><td data-sort="${a.id}">${a.id}</td><td data-sort="${a.at}">${isoUtc(a.at)}</td><td>${e(a.actor)}</td><td>${e(a.action)}</td><td>${e(a.target ?? '')}</td><td class="detail">${e(auditDetail(a))}</td></tr>`,
    )
    .join('\n');
  const title = `Run #${report.runId} — ${report.title}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p class="muted">Checklist <code>${e(report.checklistName)}</code> · channel ${e(report.channelId)} · started by ${e(report.startedBy)} ${isoUtc(report.createdAt)} · T-0 ${isoUtc(report.t0)} (${e(report.timezone)}) · all times UTC</p>
<h2>Summary</h2>
<table id="summary">${summary}</table>
<h2>Timeline</h2>
<div class="timeline">${timelineSvg(report)}</div>
<h2>Phases: planned against actual</h2>
<table id="phases"><thead><tr><th>Phase</th><th>Planned</th><th>Actual</th><th>Overrun</th></tr></thead><tbody>${phases}</tbody></table>
<h2>Gates</h2>
<ul id="gates">${gates}</ul>
<h2>Audit trail</h2>
<p class="noprint"><label>Filter <input id="filter" type="search" placeholder="actor, action, item…" autocomplete="off"></label> <span class="muted"><span id="shown">${audit.length}</span> of ${audit.length} rows</span></p>
<table id="audit"><thead><tr><th data-type="number">#</th><th data-type="number">Time (UTC)</th><th>Actor</th><th>Action</th><th>Target</th><th>Detail</th></tr></thead>
<tbody>
${auditRows}
</tbody></table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
