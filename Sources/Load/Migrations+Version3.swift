extension Migrations {
    /// Version 3 (issue 8, alerts and credit top-ups): the no-spam ledger of alert e-mails and
    /// the record of every credit allocation. Same conventions as `schema.sql`: UTC ISO-8601
    /// text, credits as exact decimal text, a comment on every table, CHECKs on every enum.
    static let version3 = Migration(
        version: 3,
        sql: """
        -- Every alert delivery attempt, one row per alert and recipient: what was sent (the alert's
        -- key and the fingerprint of its state), to whom, when, and whether the server took it.
        -- The no-spam rule reads it: an alert is sent again only when no 'sent' row has the same
        -- fingerprint within the cool-down. A 'failed' row is retried by the next run. Recipients
        -- are lower case: e-mail addresses for 'smtp', ArcGIS Online usernames for 'arcgis' (the
        -- org's own notification endpoint). No credential is ever stored here.
        CREATE TABLE alert_deliveries (
            delivery_id INTEGER PRIMARY KEY,
            run_id      INTEGER REFERENCES etl_runs (run_id),
            alert_key   TEXT NOT NULL CHECK (length(alert_key) > 0),
            recipient   TEXT NOT NULL CHECK (recipient = lower(recipient) AND length(recipient) > 0),
            fingerprint TEXT NOT NULL,
            sent_at     TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
            channel     TEXT NOT NULL DEFAULT 'smtp' CHECK (channel IN ('smtp', 'arcgis')),
            error       TEXT,
            CHECK ((status = 'failed') = (error IS NOT NULL)),
            CHECK (channel <> 'smtp' OR instr(recipient, '@') > 1)
        );
        CREATE INDEX alert_deliveries_by_alert ON alert_deliveries (alert_key, recipient, sent_at);

        -- Every credit top-up `warehouse credits allocate` asked ArcGIS Online for (assignUserCredits),
        -- with the user's budget before and the allocation requested after (exact decimal credits),
        -- and what the service answered: 'assigned', 'not_assigned' (listed in notAssignedUsers) or
        -- 'failed' (the request itself failed; `message` says why). Dry runs write nothing here.
        CREATE TABLE credit_allocations (
            allocation_id    INTEGER PRIMARY KEY,
            run_id           INTEGER NOT NULL REFERENCES etl_runs (run_id),
            source           TEXT NOT NULL,
            user_name        TEXT NOT NULL,
            assigned_before  TEXT NOT NULL,
            available_before TEXT NOT NULL,
            amount           TEXT NOT NULL,
            assigned_after   TEXT NOT NULL,
            requested_at     TEXT NOT NULL,
            result           TEXT NOT NULL CHECK (result IN ('assigned', 'not_assigned', 'failed')),
            message          TEXT
        );
        CREATE INDEX credit_allocations_by_user ON credit_allocations (source, user_name, requested_at);
        """)
}
