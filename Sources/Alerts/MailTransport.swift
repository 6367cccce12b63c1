import Extract
/// Something that delivers a `MailMessage` or throws: `SMTPSender` in production; the alert run
/// depends on this, not on SMTP, so another channel can stand in.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) async throws
}

extension SMTPSender: MailTransport {}
