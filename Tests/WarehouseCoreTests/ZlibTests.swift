import Foundation
import Testing
import WarehouseCore

@Suite struct ZlibTests {
    static let bodies: [(String, Data)] = [
        ("empty", Data()),
        ("small", Data("{\"totalCount\":0,\"items\":[]}".utf8)),
        ("10 MB", Data((0..<(10 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })),
    ]

    @Test(arguments: bodies.map(\.0))
    func roundTrip(name: String) throws {
        let body = try #require(Self.bodies.first { $0.0 == name }?.1)
        let packed = try Zlib.deflate(body)
        #expect(!Zlib.isGzip(packed))
        #expect(try Zlib.inflate(packed) == body)
    }

    @Test func gzipIsDetectedAndInflated() throws {
        let body = Data(String(repeating: "usage ", count: 1000).utf8)
        let gz = try Zlib.deflate(body, gzip: true)
        #expect(Zlib.isGzip(gz))
        #expect(try Zlib.inflate(gz) == body)
        // Two gzip members back to back read as their concatenation, like gunzip.
        #expect(try Zlib.inflate(gz + gz) == body + body)
    }

    @Test func truncatedInputIsAnError() throws {
        let packed = try Zlib.deflate(Data(String(repeating: "abc", count: 10_000).utf8))
        #expect(throws: ZlibError.self) { try Zlib.inflate(packed.prefix(packed.count / 2)) }
    }

    @Test func garbageIsAnError() {
        #expect(throws: ZlibError.self) { try Zlib.inflate(Data("not compressed at all".utf8)) }
    }

    @Test func decompressionBombIsStopped() throws {
        let packed = try Zlib.deflate(Data(count: 1 << 20))
        #expect(throws: ZlibError.self) { try Zlib.inflate(packed, limit: 1000) }
    }

    @Test func sha256MatchesKnownVector() {
        #expect(SHA256Digest.hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

/// Issue 17, item 2: a gzip bomb (members of 64 MiB of zeros, back to back: 64 KiB on disk per
/// 64 MiB inflated) stops at the per-file limit with one line, not a fatal error or gigabytes.
@Suite struct GzipBombTests {
    static func bomb(members: Int) throws -> Data {
        let member = try Zlib.deflate(Data(count: 64 << 20), level: 9, gzip: true)
        return Data((0..<members).flatMap { _ in member })
    }

    @Test func aBombStopsAtTheLimitWithOneLine() throws {
        let bomb = try Self.bomb(members: 8)  // 512 MiB inflated
        #expect(bomb.count < 1 << 20)
        #expect(Zlib.inflatedLimit == 256 << 20)
        do {
            _ = try Zlib.inflate(bomb)
            Issue.record("a 512 MiB bomb inflated past the 256 MiB limit")
        } catch {
            #expect(error as? ZlibError == ZlibError.tooLarge(256 << 20))
            #expect("\(error)" == "gzip data inflates to more than 256 MiB (the limit per file; set WAREHOUSE_MAX_INFLATED_MB to a number of MiB to raise it)")
        }
        // Within the limit, the same members inflate whole.
        #expect(try Zlib.inflate(try Self.bomb(members: 2)).count == 128 << 20)
    }

    @Test(arguments: [1, 1000, 256 * 1024, 256 * 1024 + 1])
    func theLimitIsExact(limit: Int) throws {
        let packed = try Zlib.deflate(Data(count: 1 << 20), gzip: true)
        #expect(throws: ZlibError.tooLarge(limit)) { try Zlib.inflate(packed, limit: limit) }
        #expect(try Zlib.inflate(packed, limit: 1 << 20).count == 1 << 20)
    }
}
