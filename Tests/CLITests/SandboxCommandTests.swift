import Foundation
import Testing

/// `warehouse sandbox` as a user runs it: it prints where it listens and its credentials, and a
/// SIGINT or SIGTERM stops it with exit code 0.
struct SandboxCommandTests {
    @Test(arguments: [("SIGINT", SIGINT), ("SIGTERM", SIGTERM)])
    func servesUntilInterruptedThenExitsCleanly(_ name: String, _ signal: Int32) throws {
        let process = Process()
        process.executableURL = try CLI.executable
        process.arguments = ["sandbox", "--port", "0", "--seed", "7", "--scale", "5", "--faults", "throttle"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read until the banner's last line.
        var text = ""
        while !text.contains("Stop with Ctrl-C") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(name): \(stderr)")
        #expect(text.contains("listening on http://127.0.0.1:"))
        #expect(!text.contains("127.0.0.1:0\n"))
        #expect(text.contains("client secret   sandbox-client-secret-0001"))
        #expect(text.contains("faults: throttle"))
        #expect(text.contains("/oauth2/token"))
        #expect(stderr.contains("stopping the sandbox (\(name))"))
    }

    @Test(arguments: [["--scale", "huge"], ["--faults", "explode"], ["--port", "70000"]])
    func badOptionsAreUsageErrors(_ arguments: [String]) throws {
        let result = try CLI.run(["sandbox"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(arguments[0]))
    }
}
