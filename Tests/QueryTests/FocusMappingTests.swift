import Foundation
import Query
import Testing

/// Microsoft's own EA actual-cost sample (FinOps toolkit, commit 04d370f3,
/// `src/powershell/Tests/Unit/assets/EA_ActualCost_Small.csv`, MIT; copied to
/// Golden/finops-toolkit with the LICENSE) converted row by row, checked against the values that
/// "Convert Cost Management data to FOCUS" (`docs-mslearn/focus/convert.md`) and the toolkit's
/// open data files give. Every expected value below was looked up by hand in the document and in
/// Services.csv, PricingUnits.csv, Regions.csv and ResourceTypes.csv, and is written out: none is
/// computed by the mapping under test.
@Suite struct FocusMappingTests {
    static func sample() throws -> [FocusMapping.CostRow] {
        let url = try #require(Bundle.module.url(forResource: "EA_ActualCost_Small", withExtension: "csv", subdirectory: "Golden/finops-toolkit"))
        let records = CSVRecords.parse(try String(contentsOf: url, encoding: .utf8))
        let header = try #require(records.first)
        return records.dropFirst().map { FocusMapping.CostRow(Dictionary(uniqueKeysWithValues: zip(header, $0))) }
    }

    /// One expected row: the sample's line, then the columns that differ from row to row.
    struct Expected: Sendable, CustomTestStringConvertible {
        var line: Int
        var chargeCategory: String, chargeFrequency: String, pricingCategory: String
        var pricingUnit: String, blockSize: String, pricingQuantity: String, consumedQuantity: String?
        var unitDescription: String
        var billed: String, effective: String, contracted: String, contractedUnitPrice: String, list: String, listUnitPrice: String
        var serviceName: String, serviceCategory: String, serviceSubcategory: String
        var resourceType: String, xResourceType: String, regionId: String?, regionName: String?
        var subAccount: String, subAccountName: String, day: String
        var testDescription: String { "line \(line)" }
    }

    // swift-format-ignore
    static let expected: [Expected] = [
        Expected(line: 2, chargeCategory: "Purchase", chargeFrequency: "Recurring", pricingCategory: "Committed",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "1", consumedQuantity: nil, unitDescription: "1 Hour",
                 billed: "3.25", effective: "0", contracted: "3.25", contractedUnitPrice: "3.25", list: "0", listUnitPrice: "0",
                 serviceName: "Azure Reservations", serviceCategory: "Management and Governance", serviceSubcategory: "Cost Management",
                 resourceType: "Reservation order", xResourceType: "microsoft.capacity/reservationorders", regionId: "uksouth", regionName: "UK South",
                 subAccount: "1caaa5a3-2b66-438e-8ab4-bce37d518c5d", subAccountName: "Cost Management Research", day: "2023-09-21"),
        Expected(line: 3, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Units", blockSize: "10000", pricingQuantity: "0.00000004", consumedQuantity: "0.0004", unitDescription: "10K",
                 billed: "0.00004", effective: "0.00004", contracted: "0.000000004", contractedUnitPrice: "0.1", list: "0.000000004", listUnitPrice: "0.1",
                 serviceName: "Storage Accounts", serviceCategory: "Storage", serviceSubcategory: "Storage Platforms",
                 resourceType: "Storage account", xResourceType: "microsoft.storage/storageaccounts", regionId: "eastus2", regionName: "East US 2",
                 subAccount: "ed570627-0265-4620-bb42-bae06bcfa914", subAccountName: "Trey Research IT", day: "2023-09-04"),
        Expected(line: 4, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Units", blockSize: "10000", pricingQuantity: "0.00000047", consumedQuantity: "0.0047", unitDescription: "10K",
                 billed: "0.000011139", effective: "0.000011139", contracted: "0.0000000011139", contractedUnitPrice: "0.00237",
                 list: "0.0000000011139", listUnitPrice: "0.00237",
                 serviceName: "Storage Accounts", serviceCategory: "Storage", serviceSubcategory: "Storage Platforms",
                 resourceType: "Storage account", xResourceType: "microsoft.storage/storageaccounts", regionId: "westus", regionName: "West US",
                 subAccount: "ed570627-0265-4620-bb42-bae06bcfa914", subAccountName: "Trey Research IT", day: "2023-09-04"),
        Expected(line: 5, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "24", consumedQuantity: "24", unitDescription: "1 Hour",
                 billed: "2.64", effective: "2.64", contracted: "2.64", contractedUnitPrice: "0.11", list: "2.64", listUnitPrice: "0.11",
                 serviceName: "Virtual Machines", serviceCategory: "Compute", serviceSubcategory: "Virtual Machines",
                 resourceType: "Capacity reservation", xResourceType: "microsoft.compute/capacityreservationgroups/capacityreservations",
                 regionId: "southcentralus", regionName: "South Central US",
                 subAccount: "1caaa5a3-2b66-438e-8ab4-bce37d518c5d", subAccountName: "Cost Management Research", day: "2023-09-04"),
        Expected(line: 6, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "2", consumedQuantity: "2", unitDescription: "1 Hour",
                 billed: "0", effective: "0", contracted: "0", contractedUnitPrice: "0", list: "0", listUnitPrice: "0",
                 serviceName: "Azure SQL Database", serviceCategory: "Databases", serviceSubcategory: "Relational Databases",
                 resourceType: "SQL database", xResourceType: "microsoft.sql/servers/databases", regionId: "westus2", regionName: "West US 2",
                 subAccount: "1caaa5a3-2b66-438e-8ab4-bce37d518c5d", subAccountName: "Cost Management Research", day: "2023-09-04"),
        Expected(line: 7, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "1", consumedQuantity: "1", unitDescription: "1 Hour",
                 billed: "0", effective: "0", contracted: "0", contractedUnitPrice: "0", list: "0", listUnitPrice: "0",
                 serviceName: "Azure SQL Database", serviceCategory: "Databases", serviceSubcategory: "Relational Databases",
                 resourceType: "SQL elastic pool", xResourceType: "microsoft.sql/servers/elasticpools", regionId: "eastus", regionName: "East US",
                 subAccount: "9ec51cfd-5ca7-4d76-8101-dd0a4abc5674", subAccountName: "Trey Research Corporate", day: "2023-09-04"),
        Expected(line: 8, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Units", blockSize: "10000", pricingQuantity: "0.00000001", consumedQuantity: "0.0001", unitDescription: "10K",
                 billed: "0.000002", effective: "0.000002", contracted: "0.0000000002", contractedUnitPrice: "0.02",
                 list: "0.0000000002", listUnitPrice: "0.02",
                 serviceName: "Key Vault", serviceCategory: "Security", serviceSubcategory: "Secret Management",
                 resourceType: "Key vault", xResourceType: "microsoft.keyvault/vaults", regionId: nil, regionName: nil,
                 subAccount: "64e355d7-997c-491d-b0c1-8414dccfcf42", subAccountName: "Trey Research R&D Playground", day: "2023-09-04"),
        Expected(line: 9, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Units/Month", blockSize: "1", pricingQuantity: "0.033336", consumedQuantity: "0.033336", unitDescription: "1/Month",
                 billed: "0.21268368", effective: "0.21268368", contracted: "0.21268368", contractedUnitPrice: "6.38",
                 list: "0.21268368", listUnitPrice: "6.38",
                 serviceName: "Virtual Machines", serviceCategory: "Compute", serviceSubcategory: "Virtual Machines",
                 resourceType: "Disk", xResourceType: "microsoft.compute/disks", regionId: "ukwest", regionName: "UK West",
                 subAccount: "1caaa5a3-2b66-438e-8ab4-bce37d518c5d", subAccountName: "Cost Management Research", day: "2023-09-05"),
        Expected(line: 10, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "2", consumedQuantity: "2", unitDescription: "1 Hour",
                 billed: "0", effective: "0", contracted: "0", contractedUnitPrice: "0", list: "0", listUnitPrice: "0",
                 serviceName: "Azure SQL Database", serviceCategory: "Databases", serviceSubcategory: "Relational Databases",
                 resourceType: "SQL database", xResourceType: "microsoft.sql/servers/databases", regionId: "westus2", regionName: "West US 2",
                 subAccount: "1caaa5a3-2b66-438e-8ab4-bce37d518c5d", subAccountName: "Cost Management Research", day: "2023-09-04"),
        Expected(line: 11, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Hours", blockSize: "1", pricingQuantity: "24", consumedQuantity: "24", unitDescription: "1 Hour",
                 billed: "1.9584", effective: "1.9584", contracted: "1.9584", contractedUnitPrice: "0.0816", list: "1.9584", listUnitPrice: "0.0816",
                 serviceName: "Azure DB for MySQL", serviceCategory: "Databases", serviceSubcategory: "Relational Databases",
                 resourceType: "MySQL server", xResourceType: "microsoft.dbformysql/servers", regionId: "centralus", regionName: "Central US",
                 subAccount: "64e355d7-997c-491d-b0c1-8414dccfcf42", subAccountName: "Trey Research R&D Playground", day: "2023-09-04"),
        Expected(line: 12, chargeCategory: "Usage", chargeFrequency: "Usage-Based", pricingCategory: "Standard",
                 pricingUnit: "Units/Month", blockSize: "1", pricingQuantity: "0.03225806", consumedQuantity: "0.03225806", unitDescription: "1/Month",
                 billed: "0.4838709677419368", effective: "0.4838709677419368", contracted: "0.4838709", contractedUnitPrice: "15",
                 list: "0.4838709", listUnitPrice: "15",
                 serviceName: "Azure SQL Database", serviceCategory: "Databases", serviceSubcategory: "Relational Databases",
                 resourceType: "SQL server", xResourceType: "microsoft.sql/servers", regionId: "centralus", regionName: "Central US",
                 subAccount: "64e355d7-997c-491d-b0c1-8414dccfcf42", subAccountName: "Trey Research R&D Playground", day: "2023-09-04"),
    ]

    @Test(arguments: expected)
    func eaSampleRowConvertsAsMicrosoftDocuments(_ e: Expected) throws {
        let rows = try Self.sample()
        #expect(rows.count == 11)
        let focus = FocusMapping.azure(rows[e.line - 2], origin: .enterpriseAgreement)
        let checks: [(String, String?)] = [
            ("ChargeCategory", e.chargeCategory), ("ChargeFrequency", e.chargeFrequency), ("PricingCategory", e.pricingCategory),
            ("PricingUnit", e.pricingUnit), ("x_PricingBlockSize", e.blockSize), ("PricingQuantity", e.pricingQuantity),
            ("ConsumedQuantity", e.consumedQuantity), ("ConsumedUnit", e.consumedQuantity == nil ? nil : e.pricingUnit),
            ("x_PricingUnitDescription", e.unitDescription), ("BilledCost", e.billed), ("EffectiveCost", e.effective),
            ("ContractedCost", e.contracted), ("ContractedUnitPrice", e.contractedUnitPrice), ("ListCost", e.list),
            ("ListUnitPrice", e.listUnitPrice), ("ServiceName", e.serviceName), ("ServiceCategory", e.serviceCategory),
            ("ServiceSubcategory", e.serviceSubcategory), ("ResourceType", e.resourceType), ("x_ResourceType", e.xResourceType),
            ("RegionId", e.regionId), ("RegionName", e.regionName), ("SubAccountId", e.subAccount), ("SubAccountName", e.subAccountName),
            ("ChargePeriodStart", e.day + "T00:00:00Z"),
            // Every row: the EA columns the document maps one to one or to a constant.
            ("BillingAccountId", "8611537"), ("BillingAccountName", "Trey Research Demo (DO NOT USE)"),
            ("BillingAccountType", "Billing Account"), ("BillingCurrency", "USD"), ("PricingCurrency", "USD"),
            ("BillingPeriodStart", "2023-09-01T00:00:00Z"), ("BillingPeriodEnd", "2023-10-01T00:00:00Z"),
            ("ProviderName", "Microsoft"), ("PublisherName", "Microsoft"), ("InvoiceIssuerName", "Microsoft"),
            ("SubAccountType", "Subscription"), ("ChargeClass", nil), ("InvoiceId", nil), ("SkuId", nil), ("SkuPriceId", nil),
        ]
        for (column, value) in checks { #expect(focus[column] == value, "\(column)") }
        // ChargePeriodEnd is the next day (the document: "add one day for the exclusive end date").
        let start = try #require(focus["ChargePeriodStart"]), end = try #require(focus["ChargePeriodEnd"])
        #expect(end > start && end.hasSuffix("T00:00:00Z"))
    }

    /// The columns only some rows have: the reservation purchase's commitment discount, the
    /// capacity reservation, AdditionalInfo as SkuPriceDetails, Tags wrapped in braces.
    @Test func eaSampleRowSpecificColumns() throws {
        let rows = try Self.sample().map { FocusMapping.azure($0, origin: .enterpriseAgreement) }
        let purchase = rows[0]
        #expect(purchase["CommitmentDiscountId"] == "/providers/Microsoft.Capacity/reservationOrders/49ed0e4d-8e0c-4f1f-af2c-67c865056615/reservations/")
        #expect(purchase["CommitmentDiscountName"] == "VM_RI_06-21-2023_18-56")
        #expect(purchase["CommitmentDiscountCategory"] == "Usage")
        #expect(purchase["CommitmentDiscountType"] == "Reservation")
        #expect(purchase["CommitmentDiscountStatus"] == "Used")
        #expect(purchase["ConsumedUnit"] == nil)
        #expect(purchase["ChargeDescription"] == "Virtual Machines BS Series - B1s - UK South")
        #expect(purchase["Tags"] == nil)
        for row in rows.dropFirst() {
            #expect(row["CommitmentDiscountId"] == nil && row["CommitmentDiscountStatus"] == nil)
        }
        let capacity = rows[3]
        #expect(capacity["CapacityReservationId"] == "f8b42087-c198-4ad8-8515-fce989cc5fff")
        #expect(capacity["CapacityReservationStatus"] == "Unused")
        #expect(capacity["SkuPriceDetails"] == #"{"x_ServiceType":"Standard_D2s_v3","x_UsageType":"ComputeCR","x_VMCapacityReservationId":"f8b42087-c198-4ad8-8515-fce989cc5fff"}"#)
        #expect(capacity["SkuMeter"] == "D2 v3/D2s v3")
        #expect(rows[4]["SkuPriceDetails"] == #"{"x_AHB":"True","x_ConsumptionMeter":"5fb02b75-1418-4fd0-8c07-dd5949d007dd","x_ReservationId":"9a3b12af-9907-4aa2-b9ee-74f89897dba1","x_ReservationOrderId":"8f08bbe0-6ed0-483f-b714-7ea31ab9c458","x_vCores":4}"#)
        #expect(rows.filter { $0["CapacityReservationId"] != nil }.count == 1)
        #expect(rows[7]["Tags"] == #"{"CostCenter": "SubACM","org": ""}"#)
        #expect(rows[6]["ResourceId"] == "/SUBSCRIPTIONS/64E355D7-997C-491D-B0C1-8414DCCFCF42/RESOURCEGROUPS/FTK-MICFLAN-DARKSLATE2/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/FTK-MICFLA-5PD7GDO37OOZC")
        #expect(rows[6]["ResourceName"] == "FTK-MICFLA-5PD7GDO37OOZC")
        #expect(rows[6]["ChargeDescription"] == "Microsoft Defender for Key Vault - Standard Transactions")
    }

    /// The document's ChargeType, Frequency and PricingModel tables, for the values the sample lacks.
    @Test(arguments: [
        ("Refund", "Reservation", "Purchase", "Correction", "Committed"), ("UnusedReservation", "Reservation", "Usage", nil, "Committed"),
        ("UnusedSavingsPlan", "SavingsPlan", "Usage", nil, "Committed"), ("Credit", "OnDemand", "Credit", nil, "Standard"),
        ("Tax", "", "Tax", nil, nil), ("RoundingAdjustment", "OnDemand", "Adjustment", nil, "Standard"), ("Usage", "Spot", "Usage", nil, "Dynamic"),
    ] as [(String, String, String, String?, String?)])
    func chargeTypesMapAsDocumented(_ chargeType: String, _ model: String, _ category: String, _ chargeClass: String?, _ pricing: String?) {
        let row = FocusMapping.CostRow(["ChargeType": chargeType, "PricingModel": model, "Quantity": "1", "Cost": "5", "UnitOfMeasure": "1 Hour"])
        let focus = FocusMapping.azure(row, origin: .microsoftCustomerAgreement)
        #expect(focus["ChargeCategory"] == category)
        #expect(focus["ChargeClass"] == chargeClass)
        #expect(focus["PricingCategory"] == pricing)
        #expect((focus["CommitmentDiscountStatus"] == "Unused") == chargeType.hasPrefix("Unused"))
        #expect(focus["BillingAccountType"] == "Billing Profile")
    }
}

@Suite struct FocusMappingDetailTests {
    /// Resource types as the FinOps toolkit's `Split-AzureResourceId` reads them (its unit tests'
    /// cases), with the display name of ResourceTypes.csv.
    @Test(arguments: [
        ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app", "microsoft.web/sites", "App Service web app"),
        ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1/databases/db1/", "microsoft.sql/servers/databases", "SQL database"),
        ("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1/databases", "microsoft.sql/servers", "SQL server"),
        ("/subscriptions/s1/resourceGroups/rg", "microsoft.resources/subscriptions/resourcegroups", "Resource group"),
        ("/subscriptions/s1", "microsoft.resources/subscriptions", "Subscription"),
        ("subscriptions/s1/resourcegroups/rg/providers/Microsoft.Network/publicIPAddresses/ip1", "microsoft.network/publicipaddresses", "Public IP address"),
        ("/subscriptions/s1/resourceGroups/rg/providers/Contoso.Widgets/gadgets/g1", "contoso.widgets/gadgets", "contoso.widgets/gadgets"),
    ])
    func resourceTypes(_ id: String, _ type: String, _ display: String) {
        let focus = FocusMapping.azure(FocusMapping.CostRow(["ResourceId": id, "Quantity": "1", "Cost": "1"]), origin: .enterpriseAgreement)
        #expect(focus["x_ResourceType"] == type)
        #expect(focus["ResourceType"] == display)
    }

    /// ArcGIS Online service types as FOCUS services (README, "FOCUS").
    @Test(arguments: [
        ("geocodecnt.geocode", "Geocoding", "Analytics", "Search"), ("geocode.svcusg", "Geocode (report)", "Analytics", "Search"),
        ("svcusg.spanalysis", "Spatial analysis", "Analytics", "Data Processing"),
        ("svcusg.geoenrich", "GeoEnrichment", "Analytics", "Data Processing"),
        ("svcusg.demogmaps", "Demographic maps", "Analytics", "Business Intelligence"),
        ("tilegencnt.tiles", "Tile generation", "Analytics", "Data Processing"),
        ("stg.features", "Feature storage", "Storage", "Storage Platforms"),
        ("stg.portal", "Tile and data storage (files and attachments)", "Storage", "File Storage"),
        ("stg.tiles", "Tile and data storage (tiles)", "Storage", "Object Storage"),
        ("mystery.thing", "Geocode (report)", "Other", "Other (Other)"),
    ])
    func creditServices(_ meter: String, _ name: String, _ category: String, _ subcategory: String) {
        let focus = FocusMapping.arcGIS(
            FocusMapping.CreditCharge(
                meterID: meter, meterName: "Geocode (report)", credits: "-8", cost: "-0.8", currency: "EUR", orgID: "org1", userName: "ann"))
        #expect(focus["ServiceName"] == name)
        #expect(focus["ServiceCategory"] == category)
        #expect(focus["ServiceSubcategory"] == subcategory)
        #expect(focus["ProviderName"] == "Esri" && focus["PricingUnit"] == "Credits" && focus["ContractedUnitPrice"] == "0.1")
        #expect(focus["ChargeClass"] == "Correction")
        #expect(focus["SubAccountType"] == "User" && focus["BillingAccountType"] == "Organization")
    }
}
