import Foundation
import Streams
import Testing
import Transform
import WarehouseCore

/// An item page loaded with the attachment bytes its hosted layers' queryAttachments gave (the
/// nightly run's `ImportOptions.attachmentBytes`) splits the item's `size`: attachments at the file
/// rate, the rest at the feature rate; `raw_pages.context` keeps the figure so `rebuild` agrees.
struct ItemAttachmentsTests {
    static let item = #"{"id":"a1","owner":"ann","orgId":"org1","title":"Parcels","type":"Feature Service","typeKeywords":["Data","Feature Service","Hosted Service"],"size":115343360,"url":"https://services.example/org1/arcgis/rest/services/Parcels/FeatureServer"}"#

    @Test(arguments: [(Int64?.none, Int64(115_343_360), Int64(0)), (Int64?.some(10_485_760), Int64(104_857_600), Int64(10_485_760))])
    func attachmentBytesSplitTheSize(attachments: Int64?, features: Int64, files: Int64) throws {
        var options = ImportOptions(kind: .agolItems, org: "org1", asOf: UTCTime(year: 2026, month: 11, day: 15))
        options.attachmentBytes = attachments
        let reread = try #require(ImportOptions(kind: .agolItems, source: "arcgis", contextJSON: options.contextJSON))
        #expect(reread.attachmentBytes == attachments)
        let batch = try StreamSpec.agolItems.decode(Data(Self.item.utf8), file: "item.json", options: reread, now: UTCTime(year: 2026, month: 11, day: 20))
        let snapshot = try #require(batch.storageSnapshots.first)
        #expect(snapshot.featureBytes == features && snapshot.attachmentBytes == files)
        let portal = batch.usage.first { $0.meterID == "stg.portal" }
        #expect((portal != nil) == (files > 0))
    }
}
