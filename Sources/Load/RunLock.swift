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
/// On a server (`postgres://…`) the lock is a PostgreSQL session advisory lock held by a
/// connection of its own (`RemoteConnection.lock`), so runs on different hosts exclude each other
/// and a killed run's lock ends with its connection.
public final class RunLock {
    public let path: String
    private let descriptor: Int32
    private let remote: AnyObject?

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

    /// Takes the lock of the warehouse at `databasePath`, polling for up to `wait`.
    public init(databasePath: String, wait: Duration) throws {
        if RemoteWarehouse.isRemote(databasePath) {
            let connection = try RemoteWarehouse.connection(databasePath)
            path = connection.location
            remote = try connection.lock("warehouse", wait: wait)
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

    deinit {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
