import Foundation
import WarehouseCore

/// One stored response body or imported file.
public struct RawPage: Sendable, Equatable {
    public var pageID: Int64
    public var source: String
    public var stream: String
    public var kind: String
    public var request: String
    public var context: String
    public var fetchedAt: String
    public var sha256: String
    public var byteCount: Int
}

/// The raw page store: every body as received, deflated with zlib, identified by the SHA-256 of
/// its original bytes, so `warehouse rebuild` can re-derive every fact without calling an API.
///
/// `request` must already be redacted (no tokens or passwords): the store writes what it is given.
public struct RawPageStore {
    public let db: Database

    public init(_ db: Database) { self.db = db }

    /// Stores `body`; returns its page id and whether it was new. The same bytes for the same
    /// source and stream are stored once (a re-import changes nothing).
    @discardableResult
    public func store(
        source: String, stream: String, kind: String, request: String, context: String = "{}",
        fetchedAt: UTCTime = .now(), body: Data, runID: Int64? = nil
    ) throws -> (pageID: Int64, inserted: Bool) {
        let sha = SHA256Digest.hex(body)
        if let existing = try db.scalar(
            "SELECT page_id FROM raw_pages WHERE source = ? AND stream = ? AND content_sha256 = ?", source, stream, sha)?.int64
        {
            return (existing, false)
        }
        return try store(
            source: source, stream: stream, kind: kind, request: request, context: context, fetchedAt: fetchedAt,
            prepared: PreparedBody(sha256: sha, byteCount: body.count, compressed: try Zlib.deflate(body)), runID: runID)
    }

    /// A body hashed and compressed ahead of time, off the writing thread (bulk imports prepare
    /// the next pages while SQLite writes the current one). Level 1 deflate: a few percent larger
    /// than level 6 on JSON, several times faster, and inflated the same way.
    public struct PreparedBody: Sendable {
        public var sha256: String
        public var byteCount: Int
        public var compressed: Data

        public init(sha256: String, byteCount: Int, compressed: Data) {
            self.sha256 = sha256
            self.byteCount = byteCount
            self.compressed = compressed
        }

        public init(body: Data) throws {
            try self.init(sha256: SHA256Digest.hex(body), body: body)
        }

        /// `body`, whose SHA-256 is `sha256` (already computed), compressed.
        public init(sha256: String, body: Data) throws {
            self.init(sha256: sha256, byteCount: body.count, compressed: try Zlib.deflate(body, level: 1))
        }
    }

    /// Stores a prepared body; the same bytes for the same source and stream are stored once.
    @discardableResult
    public func store(
        source: String, stream: String, kind: String, request: String, context: String = "{}",
        fetchedAt: UTCTime = .now(), prepared: PreparedBody, runID: Int64? = nil
    ) throws -> (pageID: Int64, inserted: Bool) {
        if let existing = try db.cached("SELECT page_id FROM raw_pages WHERE source = ? AND stream = ? AND content_sha256 = ?")
            .bind(source, stream, prepared.sha256).first({ $0.int64(0) })
        {
            return (existing, false)
        }
        let pageID = try db.cached(
            """
            INSERT INTO raw_pages (run_id, source, stream, kind, request, context, fetched_at, content_sha256, byte_count, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING page_id
            """
        ).bind(runID, source, stream, kind, request, context, fetchedAt.iso8601, prepared.sha256, prepared.byteCount, prepared.compressed)
            .first { $0.int64(0) }
        return (pageID!, true)
    }

    /// Whether these exact bytes are already stored for `source` and `stream`.
    public func contains(source: String, stream: String, body: Data) throws -> Bool {
        try db.cached("SELECT 1 FROM raw_pages WHERE source = ? AND stream = ? AND content_sha256 = ?")
            .bind(source, stream, SHA256Digest.hex(body)).first { _ in true } ?? false
    }

    /// The original bytes of page `pageID`, inflated and checked against their SHA-256.
    public func body(_ pageID: Int64) throws -> Data {
        guard let row = try db.cached("SELECT body, content_sha256, byte_count FROM raw_pages WHERE page_id = ?")
            .bind(pageID).first({ ($0.data(0), $0.string(1), $0.int(2)) })
        else {
            throw SQLiteError(code: 12, message: "no raw page \(pageID)")
        }
        let data = row.2 == 0 && row.0.isEmpty ? Data() : try Zlib.inflate(row.0, limit: row.2 + 1)
        guard data.count == row.2, SHA256Digest.hex(data) == row.1 else {
            throw SQLiteError(code: 11, message: "raw page \(pageID) is corrupt: its SHA-256 does not match")
        }
        return data
    }

    /// Metadata of the pages matching the filters, oldest first (the order they must be replayed in).
    public func pages(source: String? = nil, kind: String? = nil) throws -> [RawPage] {
        try db.prepare(
            """
            SELECT page_id, source, stream, kind, request, context, fetched_at, content_sha256, byte_count
            FROM raw_pages
            WHERE (CAST(?1 AS TEXT) IS NULL OR source = ?1) AND (CAST(?2 AS TEXT) IS NULL OR kind = ?2)
            ORDER BY fetched_at, page_id
            """
        ).bind(source, kind).map {
            RawPage(
                pageID: $0.int64(0), source: $0.string(1), stream: $0.string(2), kind: $0.string(3),
                request: $0.string(4), context: $0.string(5), fetchedAt: $0.string(6), sha256: $0.string(7),
                byteCount: $0.int(8))
        }
    }
}
