-- Issue 12: GitHub deployment protection rules. Each `deployment_protection_rule` webhook that
-- deployday accepts is one row: which deployment waits (repository, environment, deployment id),
-- on which run's gate, and the answer owed to GitHub. The row is also the callback's outbox:
-- 'waiting' (the gate is undecided) → 'queued' (decided, answer fixed) → 'sending' → 'sent' or
-- 'failed'. The answer is fixed once, in the same UPDATE that leaves 'waiting', so a deployment is
-- never answered twice nor both ways. Times are INTEGER epoch milliseconds, UTC.
CREATE TABLE github_protections (
  id INTEGER PRIMARY KEY,
  -- X-GitHub-Delivery: a replayed delivery is recognised and ignored.
  delivery_id TEXT NOT NULL UNIQUE,
  -- NULL when no active run maps the environment (the deployment is rejected, saying why).
  run_id INTEGER REFERENCES runs (id),
  gate_item_id TEXT,
  gate_key TEXT,
  repository TEXT NOT NULL,
  environment TEXT NOT NULL,
  deployment_id INTEGER NOT NULL,
  installation_id INTEGER NOT NULL,
  callback_url TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'queued', 'sending', 'sent', 'failed')),
  decision TEXT CHECK (decision IN ('approved', 'rejected')),
  -- What the comment says, as data: {kind, voters, reason, ...}; worded when it is sent.
  answer_json TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  claimed_at INTEGER,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  decided_at INTEGER,
  sent_at INTEGER,
  -- One answer per deployment and environment, however many deliveries announce it.
  UNIQUE (deployment_id, environment, callback_url)
);
CREATE INDEX github_protections_due ON github_protections (status, next_attempt_at);
CREATE INDEX github_protections_run ON github_protections (run_id, status);
