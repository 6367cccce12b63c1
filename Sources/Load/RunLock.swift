import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock that keeps two runs (`etl`, `rebuild`, `import`) off one warehouse at once: an
/// exclusive `flock(2)` on `<warehouse>.lock` beside the file.
///
/// Not a lock on the database file itself: closing any descriptor of that file drops SQLite's
/// own POSIX locks on it. The kernel releases a `flock` when its holder dies, however it dies
/// (SIGKILL included), so a crashed run never leaves a stale lock behind. `flock(1)` takes the
/// same lock, so `flock warehouse.db.lock sqlite3 warehouse.db ".backup copy.db"` backs up
/// while no run writes.
///
/// On a server (`postgres://…`) the locks are PostgreSQL session advisory locks held by a
/// connection of its own (`RemoteConnection.lock`), so runs on different hosts exclude each other
/// and a killed run's locks end with its connection. There a run of some sources (`etl`,
/// `import`) holds the warehouse's lock shared and each source's exclusively, so runs of
/// different sources load side by side; `rebuild`, `alerts` and `credits` hold it exclusively.
public final class RunLock {
    public let path: String
    private let descriptor: Int32
    private let remote: (any RemoteConnection)?

    /// Why the lock could not be taken.
    public struct Busy: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let waited: Int
        public init(path: String, waited: Int) {
            self.path = path
            self.waited = waited
        }
        public var description: String {
            "another warehouse run holds \(path) (waited \(waited) s); try again later, or raise lock_wait_seconds"
        }
    }

    /// Takes the lock of the warehouse at `databasePath`, polling for up to `wait`; with
    /// `sources`, on a server, only those sources' locks (and the warehouse's, shared).
    public init(databasePath: String, sources: [String]? = nil, wait: Duration) throws {
        if RemoteWarehouse.isRemote(databasePath) {
            let connection = try RemoteWarehouse.connection(databasePath)
            path = connection.location
            try connection.lock("warehouse", shared: sources != nil, wait: wait)
            // In one order, so two runs of overlapping sources cannot each hold what the other waits for.
            for source in Set(sources ?? []).sorted() { try connection.lock("source " + source, shared: false, wait: wait) }
            remote = connection
            descriptor = -1
            return
        }
        remote = nil
        path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SQLiteError(code: 14, message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(fd)
                throw SQLiteError(code: 14, message: "cannot lock \(path): \(String(cString: strerror(failure)))")
            }
            guard clock.now < deadline else {
                close(fd)
                throw Busy(path: path, waited: Int(wait.components.seconds))
            }
            usleep(50_000)
        }
        descriptor = fd
    }

    /// Marks `runID` as this lock holder's run (on a server, a lock of its own, so another run can
    /// tell it from one that died: `RunLog.markInterrupted`).
    public func claim(runID: Int64) throws {
        try remote?.lock(RunLock.runLockName(runID), shared: false, wait: .zero)
    }

    static func runLockName(_ runID: Int64) -> String { "run \(runID)" }

    deinit {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
