import Foundation
import WarehouseCore

/// Which API's error shapes to use.
enum SandboxAPI {
    case partnerCenter, resourceManager

    var audience: String {
        self == .partnerCenter ? AzureADRoutes.partnerCenterResource : AzureADRoutes.managementResource
    }
}

extension SandboxState {
    /// The common path of every API request: latency, an injected fault if one is due, the bearer
    /// token check, then the route's own answer.
    func serve(
        _ request: SandboxRequest, api: SandboxAPI, allowing allowed: SandboxFaults, notReadyStatus: Int = 204,
        _ produce: () -> SandboxResponse
    ) async -> SandboxResponse {
        if configuration.latency > .zero { try? await Task.sleep(for: configuration.latency) }
        let key = "\(request.method) \(request.path)?\(request.rawQuery) \(request.header("ms-continuationtoken") ?? "")"
        let fault = fault(for: key, allowed: allowed)
        switch fault {
        case .throttle?: return throttled(api)
        case .serverError?: return serverError(api, key: key)
        case .notReady?: return notReady(api, status: notReadyStatus)
        case .slow?: try? await Task.sleep(for: configuration.slowDelay)
        default: break
        }
        switch check(token: request.bearerToken, audience: api.audience) {
        case .ok: break
        case .missing: return unauthorized(api, reason: .missing)
        case .invalid: return unauthorized(api, reason: .invalid)
        case .expired(let at): return unauthorized(api, reason: .expired(at))
        }
        var response = produce()
        guard response.status == 200 else { return response }
        switch fault {
        case .truncatedBody?:
            response.dropsConnection = true
        case .malformedJSON?:
            response.body = Array(response.body.prefix(max(1, response.body.count / 3))) + Array("\u{1}]]}".utf8)
        default: break
        }
        return response
    }

    /// Partner Center: an empty 204. Azure Commerce: 202 with the `ErrorObjectResponse` body
    /// (`{"error":{"code","message"}}`) that the 2015-06-01-preview specification gives
    /// `UsageAggregates_List`'s 202 since its 2025 revision (azure-rest-api-specs, commerce.json;
    /// the code text is the sandbox's own), and a `Retry-After`.
    private func notReady(_ api: SandboxAPI, status: Int) -> SandboxResponse {
        guard api == .resourceManager else { return SandboxResponse(status: status, headers: [("Retry-After", "1")]) }
        var response = resourceManagerError(status, code: "UsageAggregatesNotReady", "The usage data for the requested reported time range is being processed. Retry after 1 seconds.")
        response.headers.append(("Retry-After", "1"))
        return response
    }

    private func throttled(_ api: SandboxAPI) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        switch api {
        case .partnerCenter:
            w.member("statusCode", 429)
            w.member("message", "Rate limit is exceeded. Try again in 1 seconds.")
        case .resourceManager:
            w.object("error") {
                $0.member("code", "TooManyRequests")
                $0.member("message", "The request is being throttled. Retry after 1 seconds.")
            }
        }
        w.endObject()
        return .json(429, w, headers: [("Retry-After", "1")])
    }

    private func serverError(_ api: SandboxAPI, key: String) -> SandboxResponse {
        let unavailable = FNV1a.hash(key) % 2 == 0
        var w = JSONWriter()
        w.beginObject()
        switch api {
        case .partnerCenter:
            w.member("code", unavailable ? 503 : 500)
            w.member("description", unavailable ? "The service is temporarily unavailable." : "An unexpected error occurred.")
            w.array("data") { _ in }
            w.member("source", "PartnerFD")
        case .resourceManager:
            w.object("error") {
                $0.member("code", unavailable ? "ServiceUnavailable" : "InternalServerError")
                $0.member("message", unavailable ? "The service is temporarily unavailable." : "Encountered internal server error.")
            }
        }
        w.endObject()
        // 503 carries an HTTP-date Retry-After (one second ahead), 500 none.
        let headers = unavailable ? [("Retry-After", SandboxState.httpDate(Date().addingTimeInterval(1)))] : []
        return .json(unavailable ? 503 : 500, w, headers: headers)
    }

    enum Unauthorized { case missing, invalid, expired(Date) }

    func unauthorized(_ api: SandboxAPI, reason: Unauthorized) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        switch api {
        case .partnerCenter:
            w.member("code", 401)
            switch reason {
            case .missing: w.member("description", "Authorization header is missing.")
            case .invalid: w.member("description", "Authentication failed: the access token is not valid for Partner Center.")
            case .expired: w.member("description", "Authentication failed: the access token has expired.")
            }
            w.array("data") { _ in }
            w.member("source", "PartnerFD")
        case .resourceManager:
            w.object("error") { e in
                switch reason {
                case .missing:
                    e.member("code", "AuthenticationFailed")
                    e.member("message", "Authentication failed. The 'Authorization' header is missing.")
                case .invalid:
                    e.member("code", "InvalidAuthenticationToken")
                    e.member("message", "The access token is invalid.")
                case .expired(let at):
                    e.member("code", "ExpiredAuthenticationToken")
                    e.member("message", "The access token expiry UTC time '\(UTCTime(date: at).iso8601)' is earlier than current UTC time '\(UTCTime.now().iso8601)'.")
                }
            }
        }
        w.endObject()
        return .json(401, w, headers: [("WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/\(configuration.tenant)\", error=\"invalid_token\"")])
    }

    /// A Partner Center error body (`code`, `description`, `data`, `source`).
    func partnerCenterError(_ status: Int, code: Int, _ description: String) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.member("code", code)
        w.member("description", description)
        w.array("data") { _ in }
        w.member("source", "PartnerFD")
        w.endObject()
        return .json(status, w)
    }

    /// An Azure Resource Manager error body (`{"error":{"code","message"}}`).
    func resourceManagerError(_ status: Int, code: String, _ message: String) -> SandboxResponse {
        var w = JSONWriter()
        w.beginObject()
        w.object("error") {
            $0.member("code", code)
            $0.member("message", message)
        }
        w.endObject()
        return .json(status, w)
    }

    /// IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        let t = UTCTime(date: date)
        let (y, m, d) = t.civil
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((t.seconds / 86_400) % 7 + 7) % 7)]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        let s = Int(((t.seconds % 86_400) + 86_400) % 86_400)
        return "\(weekday), \(String(d).leftPad(2)) \(month) \(y) \(String(s / 3600).leftPad(2)):\(String(s / 60 % 60).leftPad(2)):\(String(s % 60).leftPad(2)) GMT"
    }
}
