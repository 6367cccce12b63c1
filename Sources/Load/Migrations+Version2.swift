extension Migrations {
    /// Version 2 (the nightly run): the repricing queue.
    ///
    /// Facts and their charges used to be written in one transaction per file. The nightly run
    /// loads hundreds of pages, and repricing a month after every page would cost more than the
    /// load, so a page's transaction now only *queues* the billing months it touched; the queue is
    /// drained (charges re-derived, rows deleted) in one later transaction per drain. A run killed
    /// in between leaves its months queued, and the next command that writes finishes the work:
    /// nothing is lost, and `warehouse invoice` says when months are still waiting.
    static let version2 = Migration(
        version: 2,
        sql: """
            -- Billing months whose facts changed since their charges were derived. Written in the
            -- same transaction as the facts; deleted in the same transaction as the new charges.
            -- `period` '*' stands for every month of the source (after a rate card or new users).
            CREATE TABLE pending_reprice (
                source    TEXT NOT NULL,
                period    TEXT NOT NULL
                          CHECK (period = '*' OR (length(period) = 7 AND period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]')),
                queued_at TEXT NOT NULL,
                PRIMARY KEY (source, period)
            ) WITHOUT ROWID;
            """)
}
