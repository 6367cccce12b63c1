import ArgumentParser
import Foundation
import Query

/// Exit codes, stable for scripts and cron: 0 ok; 1 bad input, a failed query or another error;
/// 64 usage error (from the argument parser). `etl` and its kin add 2, 3 and 4 (`ETLExit`, README).
enum ExitCodes {
    static let failure: Int32 = 1
}

/// Runs a command body so that any error becomes one line on stderr, `warehouse: <what>`, and a
/// non-zero exit code, instead of a stack of messages.
func reportingErrors(exitCode: Int32 = ExitCodes.failure, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(exitCode)
    }
}

/// One line on standard error, prefixed with the program name.
func printError(_ message: String) {
    let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("warehouse: \(oneLine)\n".utf8))
}

/// Writes to standard output without buffering surprises.
/// A reader that went away (`warehouse sql ... | head -1`) ends the command as it ends any Unix
/// tool, by SIGPIPE, quietly; any other failure to write (a full disk) is one line and exit 1.
func printOut(_ text: String) {
    do {
        try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    } catch {
        if ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(EPIPE) || (error as NSError).code == Int(EPIPE) {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        FileHandle.standardError.write(Data("warehouse: cannot write to standard output: \((error as NSError).localizedDescription)\n".utf8))
        exit(1)
    }
}

/// True when standard output is a terminal (formats and progress depend on it).
var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

/// `OutputFormat.check` as the argument parser's `ValidationError`: a usage error, exit 64.
func validateFormat(_ format: OutputFormat, among formats: [OutputFormat], command: String) throws {
    do {
        try OutputFormat.check(format, among: formats, command: command)
    } catch let error as UnsupportedFormat {
        throw ValidationError(error.description)
    }
}
