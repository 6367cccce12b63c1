import Foundation
import WarehouseCore

/// The `checkpoints` table: per (source, stream), the end of the last window whose pages all
/// committed. Read at the start of a run to place each stream's window; advanced inside the
/// transaction of the batch that completes a window, so it never runs ahead of the data.
public struct Checkpoints {
    let db: Database

    public init(_ db: Database) { self.db = db }

    /// The high-water mark of a stream, or nil when it has never completed a window.
    public func highWater(source: String, stream: String) throws -> UTCTime? {
        try db.cached("SELECT high_water FROM checkpoints WHERE source = ? AND stream = ?")
            .bind(source, stream).first { UTCTime.parse($0.string(0)) } ?? nil
    }

    /// Moves the mark to `to` (never backwards: a `--since` re-pull of old days leaves a later
    /// mark alone), inside the caller's transaction.
    public func advance(source: String, stream: String, to: UTCTime, runID: Int64?, now: UTCTime = .now()) throws {
        _ = try db.cached("""
            INSERT INTO checkpoints (source, stream, high_water, updated_at, run_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (source, stream) DO UPDATE SET
                high_water = excluded.high_water, updated_at = excluded.updated_at, run_id = excluded.run_id
            WHERE excluded.high_water > checkpoints.high_water
            """).bind(source, stream, to.iso8601, now.iso8601, runID).run()
    }
}
