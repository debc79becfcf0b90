#include "host/store/migrations.hpp"

#include "host/store/sealed_columns.hpp"

namespace warden::host {

const std::vector<Migration>& all_migrations() {
  static const std::vector<Migration> migrations = {
      {1,
       "host facts",
       {"CREATE TABLE host_info (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)"}},
      {2,
       "tasks",
       {"CREATE TABLE tasks (task_id VARCHAR(160) PRIMARY KEY, service VARCHAR(64) NOT NULL, "
        "source_name TEXT NOT NULL, condition_json TEXT NOT NULL, status VARCHAR(16) NOT NULL, "
        "create_ms BIGINT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, "
        "messages_json TEXT NOT NULL, failure_type TEXT NOT NULL, result_json TEXT NOT NULL, "
        "step TEXT NOT NULL, state_json TEXT NOT NULL, wait_kind VARCHAR(16) NOT NULL, "
        "wake_ms BIGINT NOT NULL, poll_json TEXT NOT NULL, answer_json TEXT NOT NULL, "
        "timeout_ms BIGINT NOT NULL, deadline_ms BIGINT NOT NULL, generation BIGINT NOT NULL)",
        "CREATE INDEX tasks_by_status ON tasks (status, create_ms)",
        "CREATE INDEX tasks_by_service ON tasks (service, status, create_ms)",
        "CREATE INDEX tasks_by_create ON tasks (create_ms)"}},
      {3, "skipped tasks", {"ALTER TABLE tasks ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0"}},
      {4,
       "timers",
       {"CREATE TABLE timers (kind VARCHAR(16) NOT NULL, id VARCHAR(200) NOT NULL, "
        "node_id VARCHAR(160) NOT NULL, enable INTEGER NOT NULL, action VARCHAR(64) NOT NULL, "
        "timer_type VARCHAR(16) NOT NULL, defined TEXT NOT NULL, time_zone VARCHAR(64) NOT NULL, "
        "params_json TEXT NOT NULL, misfire VARCHAR(16) NOT NULL, state VARCHAR(16) NOT NULL, "
        "created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, armed_ms BIGINT NOT NULL, "
        "due_ms BIGINT NOT NULL, generation BIGINT NOT NULL, fired BIGINT NOT NULL, "
        "failures BIGINT NOT NULL, skipped BIGINT NOT NULL, last_fired_ms BIGINT NOT NULL, "
        "last_lateness_us BIGINT NOT NULL, last_outcome VARCHAR(16) NOT NULL, "
        "last_error TEXT NOT NULL, PRIMARY KEY (kind, id))",
        "CREATE INDEX timers_by_node ON timers (node_id)"}},
      {5,
       "timer action state",
       {"ALTER TABLE timers ADD COLUMN action_state_json TEXT NOT NULL DEFAULT '{}'"}},
      // ---- alerts (issue 5): channel instances, notices, circuit-breaking rules ----
      {10,
       "alert channel instances",
       {"CREATE TABLE channels (name VARCHAR(64) PRIMARY KEY, channel VARCHAR(64) NOT NULL, "
        "enabled INTEGER NOT NULL, config_json TEXT NOT NULL, delivery_json TEXT NOT NULL, "
        "create_ms BIGINT NOT NULL, update_ms BIGINT NOT NULL)"}},
      {11,
       "alert notices",
       {"CREATE TABLE notices (notice_id VARCHAR(64) PRIMARY KEY, "
        "channel_name VARCHAR(64) NOT NULL, channel VARCHAR(64) NOT NULL, "
        "origin VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, alert_json TEXT NOT NULL, "
        "dedupe_key TEXT NOT NULL, aggregated BIGINT NOT NULL, attempts BIGINT NOT NULL, "
        "next_ms BIGINT NOT NULL, create_ms BIGINT NOT NULL, update_ms BIGINT NOT NULL, "
        "end_ms BIGINT NOT NULL, error TEXT NOT NULL, detail TEXT NOT NULL, "
        "http_status BIGINT NOT NULL, template_error TEXT NOT NULL, blocked_by TEXT NOT NULL)",
        "CREATE INDEX notices_by_status ON notices (status, next_ms)",
        "CREATE INDEX notices_by_channel ON notices (channel_name, create_ms)",
        "CREATE INDEX notices_by_create ON notices (create_ms)"}},
      {12,
       "circuit-breaking rules",
       {"CREATE TABLE circuit_breaking (rule_id VARCHAR(64) PRIMARY KEY, position BIGINT NOT NULL, "
        "rule_json TEXT NOT NULL)"}},
      {13,
       "notice indexes by state; an alert stored once for all its notices",
       // A notice waiting behind a dead channel then touches only pages its healthy siblings touch
       // too (the tail of the unfinished index), not its channel's own region of every index; and
       // notice_id is creation-ordered (UUIDv7), so it stands in for create_ms.
       {"DROP INDEX notices_by_status", "DROP INDEX notices_by_channel",
        "DROP INDEX notices_by_create",
        "CREATE INDEX notices_unfinished ON notices (notice_id) "
        "WHERE status IN ('created', 'sending')",
        "CREATE INDEX notices_ended_by_channel ON notices (channel_name, notice_id) "
        "WHERE status NOT IN ('created', 'sending')",
        "CREATE INDEX notices_ended_by_status ON notices (status, notice_id) "
        "WHERE status NOT IN ('created', 'sending')",
        "ALTER TABLE notices ADD COLUMN alert_of VARCHAR(64) NOT NULL DEFAULT ''"}},
      // ---- automation (issue 15) ----
      {14,
       "alert records",
       // labels: the alert's labels as compact JSON, which the label filter searches.
       {"CREATE TABLE alert_records (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
        "state TEXT NOT NULL, source TEXT NOT NULL, labels TEXT NOT NULL, "
        "first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, body TEXT NOT NULL)",
        "CREATE INDEX alert_records_by_fingerprint ON alert_records (fingerprint)",
        "CREATE INDEX alert_records_by_state ON alert_records (state, last_ms)",
        "CREATE INDEX alert_records_by_last ON alert_records (last_ms)"}},
      {15,
       "named configurations: policies and saved solutions",
       {"CREATE TABLE named_configs (collection TEXT NOT NULL, name TEXT NOT NULL, "
        "body TEXT NOT NULL, updated_ms BIGINT NOT NULL, PRIMARY KEY (collection, name))"}},
      {16,
       "circuit-breaking rules by module (notice, action or all)",
       // Rules stored before modules break notices, as they did then.
       {"ALTER TABLE circuit_breaking ADD COLUMN module VARCHAR(16) NOT NULL DEFAULT 'notice'"}},
      {17,
       "the action and the alarm of a task",
       {"ALTER TABLE tasks ADD COLUMN action_id TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE tasks ADD COLUMN alarm_json TEXT NOT NULL DEFAULT ''"}},
      {18,
       "actions made by policies",
       // The whole record is the body; the columns are what GET /api/actions filters on, and the
       // partial index is what a start reads.
       {"CREATE TABLE actions (id VARCHAR(64) PRIMARY KEY, policy VARCHAR(64) NOT NULL, "
        "alert_id VARCHAR(64) NOT NULL, alert_ids TEXT NOT NULL, kind VARCHAR(64) NOT NULL, "
        "status VARCHAR(32) NOT NULL, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL, "
        "body TEXT NOT NULL)",
        "CREATE INDEX actions_by_policy ON actions (policy, id)",
        "CREATE INDEX actions_by_status ON actions (status, id)",
        "CREATE INDEX actions_unfinished ON actions (id) "
        "WHERE status IN ('created', 'waiting_approval', 'running', 'blocked')"}},
      // ---- secrets at rest (issue 16) ----
      {19,
       "secret columns encrypted at rest",
       // Plugin configuration (channel configs, task conditions, timer params, policies and saved
       // solutions, actions' bodies) sealed with AES-256-GCM; see sealed_columns.hpp.
       {},
       [](Poco::Data::Session& s, const SecretBox* box) { seal_stored_secrets(s, box, 19); }},
      {20,
       "host stops while a task's step ran",
       {"ALTER TABLE tasks ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0"}},
      // ---- several hosts on one database (issue 17) ----
      {21,
       "hosts and the work lease",
       // Times are the database's clock in ms (host_table.cpp); the work lease is one row whose
       // epoch grows with every new holder, so a write can be fenced by (holder, epoch).
       {"CREATE TABLE hosts (host_id VARCHAR(128) PRIMARY KEY, address TEXT NOT NULL, "
        "pid BIGINT NOT NULL, started_ms BIGINT NOT NULL, heartbeat_ms BIGINT NOT NULL, "
        "role VARCHAR(16) NOT NULL)",
        "CREATE TABLE leases (name VARCHAR(64) PRIMARY KEY, holder VARCHAR(128) NOT NULL, "
        "epoch BIGINT NOT NULL, expires_ms BIGINT NOT NULL)",
        "INSERT INTO leases (name, holder, epoch, expires_ms) VALUES ('work', '', 0, 0)"}},
      {22,
       "work owned by hosts; timer firings run at least once",
       // Each host holds a lease of its own ('host:<id>'); the tasks and timers it runs carry its
       // id. Work of a host whose lease lapsed (or of '', work from before) is claimed by the
       // others (store/work_claims). Timer event ids are handed out in blocks, so two hosts never
       // number an event alike.
       {"ALTER TABLE tasks ADD COLUMN owner VARCHAR(128) NOT NULL DEFAULT ''",
        "ALTER TABLE timers ADD COLUMN owner VARCHAR(128) NOT NULL DEFAULT ''",
        // A firing whose action had not ended when its host stopped runs again where the timer
        // is taken up (TimerRecord::firing_due_ms).
        "ALTER TABLE timers ADD COLUMN firing_due_ms BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE timers ADD COLUMN firing_interrupted INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX tasks_by_owner ON tasks (owner, status)",
        "CREATE INDEX timers_by_owner ON timers (owner)",
        "INSERT INTO leases (name, holder, epoch, expires_ms) VALUES ('host:', '', 0, 0)",
        "INSERT INTO leases (name, holder, epoch, expires_ms) SELECT 'ids:timer_event', '', "
        "COALESCE(MAX(CAST(SUBSTR(id, 4) AS BIGINT)), 0), 0 FROM timers WHERE kind = 'event'"}},
      // ---- the console (issue 18) ----
      {23,
       "console sign-in sessions",
       // Only a hash of each session's secret is stored: the cookie is the one copy of it. Every
       // host sharing the database knows every session, and a sign-out ends it on all of them.
       {"CREATE TABLE console_sessions (id_hash VARCHAR(64) PRIMARY KEY, "
        "created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL)",
        "CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_ms)"}},
      // ---- Kafka hand-off (issue 19) ----
      {24,
       "the transactional outbox; external workers own their tasks",
       // A row is written in the same transaction as the task (or action) it announces and
       // relayed by its owner host (queue/outbox_relay): pending → sent, or failed for good.
       // Ids are UUIDv7, so they sort by creation.
       {"CREATE TABLE outbox (id VARCHAR(64) PRIMARY KEY, topic VARCHAR(255) NOT NULL, "
        "msg_key TEXT NOT NULL, payload TEXT NOT NULL, headers_json TEXT NOT NULL, "
        "created_ms BIGINT NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL, "
        "next_ms BIGINT NOT NULL, sent_ms BIGINT NOT NULL, last_error TEXT NOT NULL, "
        "owner VARCHAR(128) NOT NULL)",
        "CREATE INDEX outbox_pending ON outbox (owner, status, id)",
        "CREATE INDEX outbox_by_status ON outbox (status, created_ms)",
        "ALTER TABLE tasks ADD COLUMN worker VARCHAR(128) NOT NULL DEFAULT ''"}},
  };
  return migrations;
}

}  // namespace warden::host
