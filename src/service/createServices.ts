import { createForecastChecks, type ForecastChecks } from './forecastChecks.js';
import { createReportQueue, type ReportQueue } from './reportQueue.js';
import { type ChannelPace, createChannelPace } from './channelPace.js';
import { ReportService } from './reportService.js';
import type { Db } from '../store/db.js';
import type { ChecklistCatalog } from './checklistCatalog.js';
import type { Clock } from './clock.js';
import { ApiTokens } from './apiTokens.js';
import { PipelineApi } from './pipelineApi.js';
import { GateVoting } from './gateVoting.js';
import { GateWakes } from './gateWakes.js';
import { GitHubProtections } from './githubProtections.js';
import { ItemWork } from './itemWork.js';
import { RoleAssignment } from './roleAssignment.js';
import { RunEnding } from './runEnding.js';
import { RunQueries } from './runQueries.js';
import type { MessageLayout, RunEvents } from './runService.js';
import { StartRun } from './startRun.js';
import { T0Moves } from './t0Moves.js';
import { Tenancy } from './tenancy.js';
import { TimelineService } from './timelineService.js';
import { UpdatePosting } from './updatePosting.js';
import { ReferenceReading } from './referenceReading.js';

export interface ServiceInputs {
  db: Db;
  catalog: ChecklistCatalog;
  clock: Clock;
  layout: MessageLayout;
  events: RunEvents;
  /** Something was queued on the timeline (the poller may want to look now). */
  onQueued: () => void;
  /** Slack user ids who may change any role (DEPLOYDAY_ADMINS). */
  admins?: readonly string[];
  /** The audit's actor for GitHub's side, `github:<app slug>` (GITHUB_APP_SLUG). */
  githubActor?: string;
}

/** Every use case of a run, built once and complete: nothing is assigned to a service after it is made. */
export interface Services {
  queries: RunQueries;
  timeline: TimelineService;
  starting: StartRun;
  items: ItemWork;
  gates: GateVoting;
  /** Gate long polls woken by a change committed on any replica (PostgreSQL LISTEN/NOTIFY). */
  gateWakes: GateWakes;
  roles: RoleAssignment;
  ending: RunEnding;
  t0: T0Moves;
  /** Planned against actual: the forecast, the run report and past runs of a checklist. */
  reports: ReportService;
  reportQueue: ReportQueue;
  /** Each channel's post pace and 429 pause, shared between replicas (slack/channelPostPacer.ts). */
  channelPace: ChannelPace;
  forecastChecks: ForecastChecks;
  /** Pipeline API tokens (`/deploy token`) and the API's use cases (issue 12). */
  tokens: ApiTokens;
  pipeline: PipelineApi;
  /** Communication templates' Post update (issue 10). */
  updates: UpdatePosting;
  /** Reference sections opened from the overview (issue 10). */
  references: ReferenceReading;
  /** GitHub deployments waiting on a run's gate (a GitHub App's custom deployment protection rule). */
  github: GitHubProtections;
  /** Installs and uninstalls: a workspace's runs suspended and resumed (issue 11). */
  tenancy: Tenancy;
  /**
   * A click's unit of work (db.batch): clicks of one event-loop turn commit together, each settled
   * once its batch is on disk; a refused click's denied audit row stays.
   */
  clicks: { run<T>(work: () => Promise<T>): Promise<T> };
}

/** The one place the services are put together (used by app.ts and the rehearsal). */
export function createServices(input: ServiceInputs): Services {
  const queries = new RunQueries(input.db, () => input.clock.now());
  const timeline = new TimelineService(input.db, input.clock, async (id) => await queries.snapshot(id), input.onQueued);
  const deps = {
    db: input.db,
    clock: input.clock,
    catalog: input.catalog,
    layout: input.layout,
    events: input.events,
    queries,
    timeline,
    admins: input.admins ?? [],
  };
  const starting = new StartRun(deps);
  const items = new ItemWork(deps);
  return {
    queries,
    timeline,
    starting,
    items,
    gates: new GateVoting(deps),
    gateWakes: new GateWakes(input.db),
    roles: new RoleAssignment(deps),
    ending: new RunEnding(deps),
    t0: new T0Moves(deps),
    reports: new ReportService(input.db, queries, timeline, input.clock),
    reportQueue: createReportQueue(input.db),
    channelPace: createChannelPace(input.db),
    forecastChecks: createForecastChecks(input.db),
    tokens: new ApiTokens(deps),
    pipeline: new PipelineApi(deps, items, starting),
    updates: new UpdatePosting(deps),
    references: new ReferenceReading(deps),
    github: new GitHubProtections(deps, { actor: input.githubActor ?? 'github:app' }),
    tenancy: new Tenancy(deps),
    clicks: { run: async (work) => await input.db.batch(work) },
  };
}
