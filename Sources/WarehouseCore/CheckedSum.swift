/// Sums of money in micro-units that cannot overflow silently or trap (issue 17): an addition past
/// Int64 throws one line naming what was being summed.
public struct SumOverflow: Error, CustomStringConvertible, Equatable {
    public let what: String

    public init(what: String) { self.what = what }

    public var description: String {
        "\(what): the amounts sum past 9223372036854775807 micro-units (9.2 trillion); a charge or an imported amount is wrong"
    }
}

extension Int64 {
    /// `self + other`, or `SumOverflow` naming `what`.
    public func adding(_ other: Int64, summing what: @autoclosure () -> String) throws -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw SumOverflow(what: what()) }
        return sum
    }

    /// The sum of `values`, or `SumOverflow` naming `what`.
    public static func sum<S: Sequence>(_ values: S, summing what: @autoclosure () -> String) throws -> Int64 where S.Element == Int64 {
        try values.reduce(Int64(0)) { try $0.adding($1, summing: what()) }
    }

    /// Throws unless the magnitudes of `values` add up to at most `Int64.max`: then every partial
    /// sum of them, in any order and grouping, fits in an Int64.
    public static func checkSummable<S: Sequence>(_ values: S, summing what: @autoclosure () -> String) throws where S.Element == Int64 {
        var total: UInt64 = 0
        for value in values {
            let (next, overflow) = total.addingReportingOverflow(value.magnitude)
            if overflow || next > UInt64(Int64.max) { throw SumOverflow(what: what()) }
            total = next
        }
    }
}
