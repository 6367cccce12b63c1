import Crypto
import Foundation

/// SHA-256 of raw bytes, as lower-case hex: the identity of a stored page.
public enum SHA256Digest {
    public static func hex(_ data: Data) -> String {
        let digest = SHA256.hash(data: data)
        var text = ""
        text.reserveCapacity(64)
        for byte in digest {
            text += String(byte, radix: 16).leftPadded(to: 2)
        }
        return text
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
