import Foundation

extension CLI {
    /// A started `warehouse` process whose output is collected on Dispatch threads, so awaiting
    /// it never blocks the cooperative pool (the in-process sandbox serves from that pool).
    final class Running: @unchecked Sendable {
        let process: Process
        private let done = DispatchGroup()
        private var out = Data(), err = Data()

        /// `warehouse ARGUMENTS`, or `executable ARGUMENTS` (a script the tests run).
        init(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, executable: URL? = nil) throws {
            process = try CLI.process(arguments, environment: environment, directory: directory)
            if let executable { process.executableURL = executable }
            let outPipe = Pipe(), errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            done.enter()
            done.enter()
            DispatchQueue.global().async { self.out = outPipe.fileHandleForReading.readDataToEndOfFile(); self.done.leave() }
            DispatchQueue.global().async { self.err = errPipe.fileHandleForReading.readDataToEndOfFile(); self.done.leave() }
        }

        var pid: Int32 { process.processIdentifier }

        /// Sends SIGKILL: the process dies at once, mid-whatever.
        func kill() { _ = Foundation.kill(pid, SIGKILL) }

        /// Waits for the exit without blocking a cooperative thread.
        func result() async -> CLI.Result {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    self.done.wait()
                    self.process.waitUntilExit()
                    continuation.resume()
                }
            }
            return CLI.Result(
                status: process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus,
                stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }

    /// Runs `warehouse` to completion from async code.
    static func runAsync(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) async throws -> Result {
        await (try Running(arguments, environment: environment, directory: directory)).result()
    }
}
