import Foundation

/// The FinOps Foundation's `focus-validator` 1.0.0 (scripts/test-requirements.txt; `make test`
/// installs it), run on a FOCUS 1.0 CSV.
public enum FocusValidator {
    public struct NotInstalled: Error, CustomStringConvertible {
        public var description: String
    }

    /// The names of the failed rules, and how many rules the validator checked.
    public static func run(csv text: String, in directory: URL) throws -> (failures: [String], rules: Int) {
        let csv = directory.appending(path: "focus-1.0.csv")
        let report = directory.appending(path: "focus-report.xml")
        try Data(text.utf8).write(to: csv)
        // The validator reads its currency list relative to the working directory: run it from
        // the directory that holds the `focus_validator` package.
        let located = try Shell.run(["python3", "-c", "import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))"])
        guard located.status == 0 else {
            throw NotInstalled(description: "focus-validator is not installed (pip install -r scripts/test-requirements.txt): \(located.stderr)")
        }
        let packages = located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try Shell.run(
            ["python3", "-c", "from focus_validator.main import main; main()", "--data-file", csv.path, "--validate-version", "1.0",
             "--output-type", "unittest", "--output-destination", report.path],
            directory: URL(fileURLWithPath: packages))
        guard run.status == 0 else { throw NotInstalled(description: "validator crashed: \(run.stderr.suffix(2000))") }
        let xml = try String(contentsOf: report, encoding: .utf8)
        return (ValidatorReport.failures(xml), ValidatorReport.testCount(xml))
    }
}

/// The JUnit XML the validator writes with `--output-type unittest`.
public enum ValidatorReport {
    /// Names of the test cases that hold a <failure> or <error>.
    public static func failures(_ xml: String) -> [String] {
        var names: [String] = []
        for chunk in xml.components(separatedBy: "<testcase").dropFirst() {
            let body = chunk.components(separatedBy: "</testcase>").first ?? chunk
            if body.contains("<failure") || body.contains("<error") {
                let name = body.firstMatch(of: /name="([^"]*)"/).map { String($0.1) } ?? "?"
                names.append(name)
            }
        }
        return names
    }

    public static func testCount(_ xml: String) -> Int {
        xml.components(separatedBy: "<testcase").count - 1
    }
}

/// Runs a program found on PATH and captures its output.
public enum Shell {
    public struct Result { public var status: Int32; public var stdout: String; public var stderr: String }

    public static func run(_ arguments: [String], directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
