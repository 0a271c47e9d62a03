import type { AuditRecord, RunReport } from '../domain/runReport.js';
import { reportHtml } from './reportHtml.js';
import { reportMarkdown } from './reportMarkdown.js';
import { timelinePngAsync } from './timelinePng.js';
import { timelineSvg } from './timelineSvg.js';

/** The three files a run's report thread carries. */
export interface ReportFiles {
  timelinePng: Buffer;
  markdown: string;
  html: string;
}

/**
 * Everything a report needs rendered, in one module the bot imports only when a run ends
 * (`import()` in RunReportJob): resvg and the report renderers cost ~4 MiB of resident memory
 * (docs/performance.md, memory profile) that an idle bot or a bot with only active runs never uses.
 */
export async function renderReportFiles(report: RunReport, audit: AuditRecord[]): Promise<ReportFiles> {
  return {
    timelinePng: await timelinePngAsync(timelineSvg(report)),
    markdown: reportMarkdown(report, audit),
    html: reportHtml(report, audit),
  };
}
