import Extract
import Foundation

/// One e-mail: a plain-text and an HTML version of the same content, as a MIME
/// `multipart/alternative` message (RFC 2046 §5.1.4), so every mail client shows one of them.
///
/// The bodies go out base64-encoded in lines of 76 characters: any UTF-8 text survives any relay,
/// no line is too long (RFC 5322's 998), and no line starts with a dot the SMTP layer would have
/// to escape. Non-ASCII subjects are RFC 2047 encoded words.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    /// Envelope and `To:` recipients (plain addresses).
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    public var date: Date
    /// `<unique@host>`; generated when not given.
    public var messageID: String

    public init(from: String, to: [String], subject: String, text: String, html: String, date: Date = Date(), messageID: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        let host = from.split(separator: "@").last.map(String.init) ?? "warehouse.local"
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(host)>"
    }

    /// The message as sent over SMTP: headers and body, CRLF line ends.
    public func rendered() -> Data {
        let boundary = "=_warehouse_" + String(UInt64(bitPattern: Int64(messageID.hashValue)), radix: 36) + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var lines = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + from,
            "To: " + to.joined(separator: ", "),
            "Subject: " + Self.encodedHeader(subject),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "This is a MIME message with a plain-text and an HTML version.",
        ]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "--" + boundary,
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += Self.base64Lines(Data(body.utf8))
        }
        lines.append("--" + boundary + "--")
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func base64Lines(_ data: Data) -> [String] {
        let text = data.base64EncodedString()
        var out: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            out.append(String(text[index..<end]))
            index = end
        }
        return out
    }

    /// ASCII text as is; anything else as `=?UTF-8?B?…?=` encoded words of at most 75 characters.
    static func encodedHeader(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }) { return clean }
        var words: [String] = []
        var chunk = ""
        for character in clean {
            // 45 bytes of UTF-8 make 60 base64 characters: 72 with the =?UTF-8?B? ?= wrapper.
            if chunk.utf8.count + String(character).utf8.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk.utf8).base64EncodedString() + "?=")
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk.utf8).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Sun, 22 Nov 2026 04:36:10 +0000`, always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
