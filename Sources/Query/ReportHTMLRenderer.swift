import Foundation

extension Report {
    /// The formats `kind` prints in: every report the four of `formats`, anomalies HTML too.
    public static func formats(for kind: ReportKind) -> [OutputFormat] {
        kind == .anomalies ? formats + [.html] : formats
    }
}

/// `report anomalies --format html`: one self-contained page, each section a table, and a small
/// inline SVG sparkline per flagged series (its flagged days marked), drawn like the invoice's
/// chart: no scripts, fonts or images fetched from anywhere, every name escaped (`SafeText.html`).
struct ReportHTMLRenderer {
    let report: Report

    func render() -> String {
        let title = h("Report \(report.kind.rawValue), \(report.period)")
        var body = "<h1>\(title)</h1>\n"
        if !report.sparklines.isEmpty {
            body += "<section class=\"sparklines\">\n<h2>Flagged series</h2>\n<table>\n"
            for line in report.sparklines {
                body += "<tr><td>\(h(line.title))</td><td>\(Self.svg(line))</td></tr>\n"
            }
            body += "</table>\n</section>\n"
        }
        for section in report.sections {
            body += "<section>\n<h2>\(h(section.title))</h2>\n"
            if section.rows.isEmpty {
                body += "<p>(none)</p>\n</section>\n"
                continue
            }
            body += "<table>\n<thead><tr>" + section.columns.enumerated().map { index, name in
                "<th\(section.numeric.contains(index) ? " class=\"num\"" : "")>\(h(name))</th>"
            }.joined() + "</tr></thead>\n<tbody>\n"
            for row in section.rows {
                body += "<tr>" + row.enumerated().map { index, cell in
                    "<td\(section.numeric.contains(index) ? " class=\"num\"" : "")>\(h(cell ?? ""))</td>"
                }.joined() + "</tr>\n"
            }
            body += "</tbody>\n</table>\n</section>\n"
        }
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>\(title)</title>\n<style>\n\(Self.css)\n</style>\n</head>\n<body>\n\(body)</body>\n</html>\n"
    }

    /// A 160 × 32 polyline scaled to the series' own range, in integer pixels; flagged days as dots.
    static func svg(_ line: Sparkline) -> String {
        let width: Int64 = 160, height: Int64 = 32, pad: Int64 = 3
        let low = min(line.values.min() ?? 0, 0), high = max(line.values.max() ?? 0, low + 1)
        let steps = Int64(max(line.values.count - 1, 1))
        func point(_ index: Int) -> (Int64, Int64) {
            let value = line.values[index]
            let x = pad + Int64(index) * (width - 2 * pad) / steps
            let y = height - pad - Int64(Int128(value - low) * Int128(height - 2 * pad) / Int128(high - low))
            return (x, y)
        }
        let points = line.values.indices.map { index in let (x, y) = point(index); return "\(x),\(y)" }.joined(separator: " ")
        var svg = "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"daily values\">"
        svg += "<polyline points=\"\(points)\"/>"
        for index in line.marked where line.values.indices.contains(index) {
            let (x, y) = point(index)
            svg += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"2.5\"/>"
        }
        return svg + "</svg>"
    }

    func h(_ text: String) -> String { SafeText.html(text) }

    static let css = """
        body { font-family: "Helvetica Neue", Arial, sans-serif; color: #1b1f24; margin: 2em auto; max-width: 72em; padding: 0 1.5em; font-size: 14px; }
        h1 { font-size: 1.6em; margin: 0 0 .4em; }
        h2 { font-size: 1.15em; border-bottom: 2px solid #1b1f24; padding-bottom: .2em; margin-top: 1.6em; }
        table { width: 100%; border-collapse: collapse; margin-top: .6em; }
        th, td { text-align: left; padding: .2em .5em; vertical-align: middle; border-bottom: 1px solid #eaeef2; }
        thead th { border-bottom: 1px solid #57606a; font-size: .8em; text-transform: uppercase; color: #57606a; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        svg.spark polyline { fill: none; stroke: #2f6fb3; stroke-width: 1.5; }
        svg.spark circle { fill: #c2410c; }
        @media print { section, tr { break-inside: avoid; page-break-inside: avoid; } }
        """
}
