import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Synchronization
import WarehouseCore

/// The loopback emulator, served by Hummingbird on 127.0.0.1.
///
/// `start` binds (port 0 asks the system for a free one), waits until the server is listening,
/// and returns; `port` is the real port. With `tls`, the same routes are also served over HTTPS
/// on `tlsPort` (the vendors' SDKs speak HTTPS only); both listeners share one state. `stop`
/// shuts them down and waits until they have. Route sets are tried in order; the Azure ones are
/// the default, and others (ArcGIS Online) go beside them.
public final class SandboxServer: Sendable {
    public let state: SandboxState
    public let port: Int
    /// The HTTPS port, when started with `tls`.
    public let tlsPort: Int?
    public let tls: SandboxTLS?
    private let tasks: [Task<Void, any Error>]

    public var configuration: SandboxConfiguration { state.configuration }
    public var organization: SyntheticOrganization { state.organization }
    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// `https://127.0.0.1:TLSPORT`, when started with `tls`.
    public var httpsBaseURL: String? { tlsPort.map { "https://127.0.0.1:\($0)" } }
    /// Where Azure AD's token endpoint lives (`{authority}/{tenant}/oauth2/token`).
    public var authorityURL: String { baseURL }
    /// Partner Center's base, `…/v1`.
    public var partnerCenterURL: String { "\(baseURL)/v1" }
    /// Azure Resource Manager's base (Commerce paths hang off it).
    public var managementURL: String { baseURL }

    public static let defaultRoutes: [any SandboxRoutes] = [AzureADRoutes(), PartnerCenterRoutes(), AzureCommerceRoutes(), ArcGISRoutes()]

    private init(state: SandboxState, port: Int, tlsPort: Int?, tls: SandboxTLS?, tasks: [Task<Void, any Error>]) {
        self.state = state
        self.port = port
        self.tlsPort = tlsPort
        self.tls = tls
        self.tasks = tasks
    }

    public static func start(
        _ configuration: SandboxConfiguration, routes: [any SandboxRoutes] = defaultRoutes, tls: SandboxTLS? = nil, tlsPort: Int = 0,
        logger: Logger = Logger(label: "warehouse.sandbox")
    ) async throws -> SandboxServer {
        let state = SandboxState(configuration: configuration)
        func responder(_ scheme: String) -> CallbackResponder<BasicRequestContext> {
            CallbackResponder { request, _ in try await SandboxServer.respond(to: request, scheme: scheme, routes: routes, state: state) }
        }
        var serverLogger = logger
        // Hummingbird logs a cancelled connection at error level when the server stops: keep its
        // own log for debugging sessions only.
        serverLogger.logLevel = logger.logLevel <= .debug ? logger.logLevel : .critical
        let plain = try await listen(responder("http"), server: .http1(), port: configuration.port, logger: serverLogger)
        var secure: (port: Int, task: Task<Void, any Error>)?
        if let tls {
            do {
                secure = try await listen(
                    responder("https"), server: try .tls(.http1(), tlsConfiguration: try tls.serverConfiguration()), port: tlsPort, logger: serverLogger)
            } catch {
                plain.task.cancel()
                _ = await plain.task.result
                throw error
            }
        }
        logger.debug("sandbox listening", metadata: ["url": "http://127.0.0.1:\(plain.port)"])
        return SandboxServer(
            state: state, port: plain.port, tlsPort: secure?.port, tls: tls, tasks: [plain.task] + (secure.map { [$0.task] } ?? []))
    }

    private static func listen(
        _ responder: CallbackResponder<BasicRequestContext>, server: HTTPServerBuilder, port requested: Int, logger: Logger
    ) async throws -> (port: Int, task: Task<Void, any Error>) {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: requested), serverName: "warehouse-sandbox"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var bound: Int?
        for await port in portStream { bound = port }
        guard let port = bound, port > 0 else {
            task.cancel()
            let failure: any Error
            switch await task.result {
            case .failure(let error): failure = error
            case .success: failure = SandboxConfigurationError(message: "the sandbox server stopped before it was listening")
            }
            throw SandboxConfigurationError(message: "cannot start the sandbox on 127.0.0.1:\(requested): \(failure)")
        }
        return (port, task)
    }

    /// Stops the server (open connections are closed) and waits until it has.
    public func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
    }

    /// Waits until the server stops (for `warehouse sandbox`, which stops it on a signal).
    public func wait() async throws {
        for task in tasks { try await task.value }
    }

    static func respond(to request: Request, scheme: String, routes: [any SandboxRoutes], state: SandboxState) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let path = request.uri.path
        let host = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        let sandboxRequest = SandboxRequest(
            method: request.method.rawValue, segments: path.split(separator: "/").map(String.init), path: path,
            rawQuery: request.uri.query ?? "", headers: headers, body: Data(body.readableBytesView), origin: "\(scheme)://\(host)")
        state.enter()
        defer { state.leave() }
        var answer: SandboxResponse?
        for routes in routes {
            if let response = await routes.respond(to: sandboxRequest, in: state) {
                answer = response
                break
            }
        }
        var response = answer ?? SandboxResponse(status: 404, headers: [("Content-Type", "application/json")], body: Array("{\"error\":{\"code\":\"NotFound\",\"message\":\"No route for \(path)\"}}".utf8))
        // Like the real services, compress when the client allows it (and the body is worth it).
        if response.body.count >= 512, (headers["accept-encoding"] ?? "").lowercased().contains("gzip"),
            let gzipped = try? Zlib.deflate(Data(response.body), level: 1, gzip: true)
        {
            response.body = Array(gzipped)
            response.headers.append(("Content-Encoding", "gzip"))
            state.countGzipped()
        }
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: fieldName, value: value)) }
        }
        guard response.dropsConnection else {
            return Response(
                status: HTTPResponse.Status(code: response.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
        }
        // Half the body, then the connection goes: the client sees fewer bytes than Content-Length.
        let half = ByteBuffer(bytes: response.body.prefix(max(1, response.body.count / 2)))
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(contentLength: response.body.count) { writer in
                try await writer.write(half)
                throw SandboxConfigurationError(message: "connection dropped mid-body (truncated fault)")
            })
    }
}
