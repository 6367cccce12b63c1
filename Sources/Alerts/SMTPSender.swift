import CCurl
import Extract
import Foundation
import Transport

/// Where and how `SMTPSender` delivers. The password is held only here, in memory, and
/// registered with `Redaction` so no error or log line can carry it.
public struct SMTPSettings: Sendable {
    /// `smtp://host[:port]` or `smtps://host[:port]` (TLS from the first byte, usually port 465).
    public var url: String
    public var username: String?
    public var password: String?
    /// STARTTLS policy for `smtp://` (`CURLOPT_USE_SSL`): `.all` refuses to go on without TLS.
    public var tls: TLS
    public var caBundle: String?
    public var timeout: Duration

    public enum TLS: Sendable { case all, tryTLS, none }

    public init(url: String, username: String? = nil, password: String? = nil, tls: TLS = .all, caBundle: String? = nil, timeout: Duration = .seconds(60)) {
        self.url = url
        self.username = username
        self.password = password
        self.tls = tls
        self.caBundle = caBundle
        self.timeout = timeout
        if let password { Redaction.register(secret: password) }
    }
}

/// A message the server did not take: what curl said (`RCPT failed: 550`, `Login denied`, ...).
public struct MailError: Error, Sendable, CustomStringConvertible {
    public var recipients: [String]
    public var code: Int
    public var message: String
    public var description: String { "mail to \(recipients.joined(separator: ", ")): \(message)" }
}

/// Sends mail over SMTP with libcurl: `MAIL FROM`, one `RCPT TO` per recipient, and the MIME
/// message uploaded through `CURLOPT_READFUNCTION`; AUTH (PLAIN/LOGIN, as the server offers)
/// when a user name is set; STARTTLS per `SMTPSettings.tls`. Every curl return code is checked;
/// one rejected recipient fails the message (the caller sends one message per recipient, so a
/// failure is that recipient's alone). https://curl.se/libcurl/c/smtp-mime.html
///
/// Each send runs `curl_easy_perform` on a Dispatch worker thread, never on the cooperative pool.
public final class SMTPSender: Sendable {
    public let settings: SMTPSettings

    public init(settings: SMTPSettings) { self.settings = settings }

    public func send(_ message: MailMessage) async throws {
        let settings = self.settings
        let result: Result<Void, MailError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: SMTPSender.perform(message, settings: settings))
            }
        }
        try result.get()
    }

    /// The upload's bytes and how far libcurl has read them.
    final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ data: Data) { bytes = Array(data) }
    }

    static func perform(_ message: MailMessage, settings: SMTPSettings) -> Result<Void, MailError> {
        let upload = Upload(message.rendered())
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        func failure(_ code: Int, _ text: String) -> MailError {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty || text.contains(detail) ? text : "\(text) (\(detail))"
            return MailError(recipients: [], code: code, message: Redaction.redactText(message))
        }
        do {
            let easy = try CurlEasy()
            return try withExtendedLifetime(upload) {
                try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
                try easy.set(CURLOPT_URL, settings.url)
                try easy.set(CURLOPT_NOSIGNAL, 1)
                try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(settings.timeout, .seconds(30)).components.seconds * 1000))
                try easy.set(CURLOPT_TIMEOUT_MS, Int(settings.timeout.components.seconds * 1000))
                let tls: curl_usessl
                switch settings.tls {
                case .all: tls = CURLUSESSL_ALL
                case .tryTLS: tls = CURLUSESSL_TRY
                case .none: tls = CURLUSESSL_NONE
                }
                try easy.set(CURLOPT_USE_SSL, Int(tls.rawValue))
                if let ca = settings.caBundle { try easy.set(CURLOPT_CAINFO, ca) }
                if let username = settings.username { try easy.set(CURLOPT_USERNAME, username) }
                if let password = settings.password { try easy.set(CURLOPT_PASSWORD, password) }
                try easy.set(CURLOPT_MAIL_FROM, "<\(message.from)>")
                try easy.setList(CURLOPT_MAIL_RCPT, message.to.map { "<\($0)>" })
                try easy.set(CURLOPT_UPLOAD, 1)
                try easy.set(CURLOPT_INFILESIZE, upload.bytes.count)
                try easy.set(CURLOPT_READFUNCTION, readCallback: readMessage)
                try easy.set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(upload).toOpaque())
                let code = easy.perform()
                guard code == CURLE_OK else {
                    var failed = failure(Int(code.rawValue), String(cString: curl_easy_strerror(code)))
                    failed.recipients = message.to
                    return .failure(failed)
                }
                return .success(())
            }
        } catch let error as HTTPError {
            var failed = failure(-1, error.description)
            failed.recipients = message.to
            return .failure(failed)
        } catch {
            return .failure(MailError(recipients: message.to, code: -1, message: Redaction.redactText("\(error)")))
        }
    }
}

/// `CURLOPT_READFUNCTION`: hands libcurl the next bytes of the message; 0 ends the upload.
private let readMessage: warehouse_curl_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let upload = Unmanaged<SMTPSender.Upload>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, upload.bytes.count - upload.offset)
    guard n > 0 else { return 0 }
    upload.bytes.withUnsafeBufferPointer { source in
        guard let base = source.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + upload.offset, byteCount: n)
    }
    upload.offset += n
    return n
}
