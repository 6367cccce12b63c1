import Foundation
import Synchronization

/// Where a paged stream goes next: set by the page just fetched, taken by the next pull.
/// Pull-based paging (`AsyncThrowingStream(unfolding:)`) fetches a page only when the consumer
/// asks for it, so a slow consumer never piles pages up in memory.
final class PageCursor: Sendable {
    private let next: Mutex<(url: String, headers: [(name: String, value: String)])?>

    init(url: String, headers: [(name: String, value: String)]) {
        next = Mutex((url, headers))
    }

    /// The next request, once; nil when paging is done.
    func take() -> (String, [(name: String, value: String)])? {
        next.withLock { state in
            defer { state = nil }
            return state.map { ($0.url, $0.headers) }
        }
    }

    func set(url: String, headers: [(name: String, value: String)]) {
        next.withLock { $0 = (url, headers) }
    }
}
