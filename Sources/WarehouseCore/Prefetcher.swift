import Foundation

/// Computes `produce(0)`, `produce(1)`, ... on one background thread, at most `depth` items
/// ahead of the consumer, and hands them over in order: the second core works on the next items
/// while the first one writes the current one to SQLite, and memory stays flat (at most `depth`
/// items wait, however many there are).
///
/// A bulk import decodes pages ahead this way (`Loader.importFiles`), and a reprice reads and
/// prices scopes ahead on a second connection (`Repricer`).
///
/// `@unchecked Sendable`: every field after `init` is read and written only under `condition`.
public final class Prefetcher<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Result<T, any Error>] = [:]
    private var taken = 0
    private var stopped = false
    public let count: Int
    public let depth: Int

    public init(count: Int, depth: Int = 3, produce: @escaping @Sendable (Int) throws -> T) {
        self.count = count
        self.depth = max(1, depth)
        let thread = Thread { [self] in self.run(produce) }
        thread.name = "warehouse-prefetch"
        thread.start()
    }

    private func run(_ produce: @Sendable (Int) throws -> T) {
        for index in 0..<count {
            condition.lock()
            while !stopped && index - taken >= depth { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { return }
            let result = Result { try produce(index) }
            condition.lock()
            ready[index] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Item `index` (call with 0, 1, 2, ... in order), waiting for it if need be.
    public func take(_ index: Int) -> Result<T, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while ready[index] == nil { condition.wait() }
        let result = ready.removeValue(forKey: index) ?? .failure(CancellationError())
        taken = index + 1
        condition.broadcast()
        return result
    }

    /// Stops producing (the consumer gave up early); items under way finish and are dropped.
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
