import Config
import Extract
import Foundation
import Transport

extension ArcGISClient {
    /// `POST portals/self/createNotification` with `users` (comma-separated usernames), `subject`,
    /// `message` and `notificationChannelType=email`: ArcGIS Online e-mails each user at the
    /// address on their account, so alerts need no mail server of our own (the second seed's
    /// `gis.users.send_notification(..., "email")`). Throws the error envelope, or when the answer
    /// is not `success: true`. The token travels in the form body, never in a URL.
    /// https://developers.arcgis.com/rest/users-groups-and-items/create-notification/
    public func createNotification(users: [String], subject: String, message: String) async throws {
        guard !users.isEmpty else { return }
        let url = "\(sharingURL)/portals/self/createNotification"
        let fields = [
            ("users", users.joined(separator: ",")), ("subject", subject), ("message", message), ("notificationChannelType", "email"),
            ("f", "json"),
        ]
        let (response, root) = try await call { token in HTTPRequest.form(url: url, fields: fields + [("token", token)]) }
        guard (try? root.optional("success")?.bool()) == true else {
            throw ArcGISError(place: response.url, code: nil, message: "createNotification did not answer success: true")
        }
    }
}

/// Alerts through ArcGIS Online's notification endpoint: a `MailMessage`'s `to` are usernames,
/// its plain text is the message (the endpoint takes text).
public struct ArcGISNotifier: MailTransport {
    public let client: ArcGISClient

    public init(client: ArcGISClient) { self.client = client }

    public func send(_ message: MailMessage) async throws {
        try await client.createNotification(users: message.to, subject: message.subject, message: message.text)
    }
}
