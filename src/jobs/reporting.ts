import type { App, Logger } from '@slack/bolt';
import type { ClientForChannel } from '../slack/webClients.js';
import type { Clock } from '../service/clock.js';
import type { ReportService } from '../service/reportService.js';
import type { Services } from '../service/createServices.js';
import { registerSlipSuggestionHandler } from '../slack/slipSuggestionHandler.js';
import { ForecastNudgeJob } from './forecastNudgeJob.js';
import { RunReportJob } from './runReportJob.js';

export interface ReportingOptions {
  forecastIntervalMs?: number;
  reportRetryBaseMs?: number;
}

export interface Reporting {
  reports: ReportService;
  reportJob: RunReportJob;
  forecastJob: ForecastNudgeJob;
  /** Hook for the run-end event. */
  runEnded(runId: number): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Issue 13's parts, wired in one place so app.ts needs only a few lines. */
export function createReporting(deps: {
  app: App;
  services: Services;
  clock: Clock;
  clientFor: ClientForChannel;
  logger: Logger;
  options?: ReportingOptions;
  onMessagesChanged?: () => void;
  /** While true no tick claims work: this replica's database does not answer (src/jobs/databaseProbe.ts). */
  paused?: (() => boolean) | undefined;
}): Reporting {
  const reports = deps.services.reports;
  const common = { reports, clientFor: deps.clientFor, clock: deps.clock, logger: deps.logger, paused: deps.paused };
  const reportJob = new RunReportJob({
    ...common,
    queue: deps.services.reportQueue,
    ...(deps.options?.reportRetryBaseMs !== undefined ? { retryBaseMs: deps.options.reportRetryBaseMs } : {}),
  });
  const forecastJob = new ForecastNudgeJob({
    ...common,
    checks: deps.services.forecastChecks,
    runs: deps.services.queries,
    ...(deps.onMessagesChanged ? { onMessagesChanged: deps.onMessagesChanged } : {}),
    ...(deps.options?.forecastIntervalMs !== undefined ? { intervalMs: deps.options.forecastIntervalMs } : {}),
  });
  registerSlipSuggestionHandler(deps.app, { services: deps.services, logger: deps.logger });
  return {
    reports,
    reportJob,
    forecastJob,
    runEnded: (runId) => reportJob.enqueue(runId),
    async start() {
      await reportJob.start();
      forecastJob.start();
    },
    async stop() {
      await forecastJob.stop();
      await reportJob.stop();
    },
  };
}
