import Foundation

extension String {
    /// Lower case for ASCII letters only: what SQLite's NOCASE collation and `lower()` fold.
    public var asciiLowercased: String {
        var upper = false
        for byte in utf8 where byte &- 0x41 < 26 {
            upper = true
            break
        }
        guard upper else { return self }
        let count = utf8.count
        return String(unsafeUninitializedCapacity: count) { buffer in
            var i = 0
            for byte in utf8 {
                buffer[i] = byte &- 0x41 < 26 ? byte + 0x20 : byte
                i += 1
            }
            return i
        }
    }
}
