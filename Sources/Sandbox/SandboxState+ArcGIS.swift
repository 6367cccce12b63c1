import Foundation
import Synchronization

/// A user's credit budget as the sandbox serves it: exact credits, assigned and still available.
public struct ArcGISBudget: Sendable, Equatable {
    public var assigned: Decimal
    public var available: Decimal

    public init(assigned: Decimal, available: Decimal) {
        self.assigned = assigned
        self.available = available
    }
}

/// One notification ArcGIS Online would have e-mailed: to these usernames, this subject and text.
public struct ArcGISNotification: Sendable, Equatable {
    public var users: [String]
    public var subject: String
    public var message: String
    public var channel: String
}

extension SandboxState {
    /// Every notification `createNotification` accepted so far, in order.
    public var arcgisNotifications: [ArcGISNotification] { arcgisOutbox.withLock { $0 } }

    func deliver(_ notification: ArcGISNotification) { arcgisOutbox.withLock { $0.append(notification) } }

    /// The budget `user` has now: the one `assignUserCredits` last set, else the generated one;
    /// nil when the org has budgeting off.
    public func arcgisBudget(_ user: ArcGISOrganization.User) -> ArcGISBudget? {
        if let changed = arcgisBudgets.withLock({ $0[user.username] }) { return changed }
        guard let assigned = user.assignedCredits, let available = user.availableCredits else { return nil }
        return ArcGISBudget(assigned: Decimal(assigned), available: Decimal(available))
    }

    /// Sets `user`'s allocation to `credits`, as ArcGIS Online does: what they have used so far
    /// stays used, so available = credits - (assigned - available).
    @discardableResult
    func assignCredits(_ credits: Decimal, to user: ArcGISOrganization.User) -> ArcGISBudget? {
        guard let current = arcgisBudget(user) else { return nil }
        let used = current.assigned - current.available
        let budget = ArcGISBudget(assigned: credits, available: credits - used)
        arcgisBudgets.withLock { $0[user.username] = budget }
        return budget
    }
}
