/// One meter of the synthetic rate card: real-looking names, categories and units; some tiered,
/// some with an included quantity. Rates are decimal text, written to the wire unchanged.
public struct SandboxMeter: Sendable {
    public let id: String
    public let name: String
    public let category: String
    public let subcategory: String
    public let region: String
    public let unit: String
    /// Tier thresholds and prices as decimal text, ascending by threshold.
    public let rates: [(threshold: String, price: String)]
    public let includedQuantity: String
    /// Typical daily quantity range, in micro-units, for one resource.
    let dailyMicros: ClosedRange<Int64>
}

/// The kinds of resource the generator creates, each with the meters it emits.
struct ResourceKind: Sendable {
    let provider: String
    let namePrefix: String
    let meters: [Int]  // indexes into MeterCatalogue.meters
}

/// A fixed catalogue modelled on public Azure rate cards (the tiered blob storage and bandwidth
/// rates are those quoted in Azure/BillingCodeSamples#15). Meter GUIDs are fixed so that rate
/// cards and usage agree across runs and seeds.
public enum MeterCatalogue {
    public static let meters: [SandboxMeter] = [
        SandboxMeter(id: "7a2639ce-ae47-4413-9837-6b4f4b78be3d", name: "Compute Hours", category: "Virtual Machines",
            subcategory: "Standard_D1_v2 VM (Windows)", region: "EU West", unit: "Hours",
            rates: [("0", "0.1122")], includedQuantity: "0", dailyMicros: 1_000_000...24_000_000),
        SandboxMeter(id: "e60caf26-9ba0-413d-a422-6141f58081d6", name: "Compute Hours", category: "Virtual Machines",
            subcategory: "Standard_D2s_v3 VM", region: "US East", unit: "Hours",
            rates: [("0", "0.096")], includedQuantity: "0", dailyMicros: 1_000_000...24_000_000),
        SandboxMeter(id: "3c2e6f0a-9d1e-4a57-8a5c-2b6f1c0d7e91", name: "P10 Disks", category: "Storage",
            subcategory: "Premium SSD Managed Disks", region: "EU West", unit: "1/Month",
            rates: [("0", "19.71")], includedQuantity: "0", dailyMicros: 30_000...40_000),
        SandboxMeter(id: "f114cb19-ea64-40b5-bcd7-aee474b62853", name: "LRS Data Stored", category: "Storage",
            subcategory: "Tiered Block Blob", region: "EU West", unit: "1 GB/Month",
            rates: [("0", "0.0832"), ("1024", "0.0819"), ("51200", "0.0806"), ("512000", "0.0794"), ("1024000", "0.0775"),
                ("5120000", "0.0775")],
            includedQuantity: "0", dailyMicros: 5_000_000...900_000_000),
        SandboxMeter(id: "923978e1-fd3f-4bd5-a798-f4b533057e46", name: "Standard IO - Block Blob Delete Operation Units (in 10,000s)",
            category: "Data Management", subcategory: "", region: "", unit: "10,000s",
            rates: [("0", "0.0036")], includedQuantity: "0", dailyMicros: 1_000...50_000),
        SandboxMeter(id: "211e620c-ebcf-4db5-a7fd-996abebe9546", name: "Standard IO - Block Blob Write Operation Units (in 10,000s)",
            category: "Data Management", subcategory: "", region: "", unit: "10,000s",
            rates: [("0", "0.05")], includedQuantity: "0", dailyMicros: 1_000...90_000),
        SandboxMeter(id: "9995d93a-7d35-4d3f-9c69-7a7fea447ef4", name: "Data Transfer Out (GB)", category: "Networking",
            subcategory: "", region: "Zone 1", unit: "GB",
            rates: [("0", "0"), ("5", "0.087"), ("10240", "0.083"), ("51200", "0.07"), ("153600", "0.05")],
            includedQuantity: "0", dailyMicros: 100_000...40_000_000),
        SandboxMeter(id: "32c3ebec-1646-49e3-8127-2cafbd3a04d8", name: "Data Transfer In (GB)", category: "Networking",
            subcategory: "", region: "Zone 1", unit: "GB",
            rates: [("0", "0")], includedQuantity: "0", dailyMicros: 100_000...10_000_000),
        SandboxMeter(id: "c4b0a5d2-5f3e-4b8e-9a1f-0d7c6e2b9a13", name: "S0 DTUs", category: "SQL Database",
            subcategory: "Standard", region: "EU North", unit: "1/Day",
            rates: [("0", "0.4839")], includedQuantity: "0", dailyMicros: 1_000_000...1_000_000),
        SandboxMeter(id: "5b8a1e7c-2d9f-4c3a-b6e0-8f1d2a3c4b5e", name: "Standard Page Blob Operations", category: "Storage",
            subcategory: "Standard Page Blob", region: "EU West", unit: "10K",
            rates: [("0", "0.0005")], includedQuantity: "0", dailyMicros: 10_000...900_000),
        SandboxMeter(id: "0c7a2b9e-6f4d-4e1a-8b3c-5d2e1f0a9b8c", name: "B1 App", category: "Azure App Service",
            subcategory: "Basic Plan", region: "US West", unit: "Hours",
            rates: [("0", "0.075")], includedQuantity: "0", dailyMicros: 24_000_000...24_000_000),
        SandboxMeter(id: "d2f4c6a8-1b3d-4e5f-a7b9-c0d1e2f3a4b5", name: "Standard Requests", category: "Functions",
            subcategory: "Consumption", region: "US West", unit: "10 Executions",
            rates: [("0", "0.000002")], includedQuantity: "100000", dailyMicros: 1_000_000_000...90_000_000_000),
        SandboxMeter(id: "e8c1b5a3-7d9f-4a2c-8e6b-1f3d5a7c9e0b", name: "Execution Time", category: "Functions",
            subcategory: "Consumption", region: "US West", unit: "GB Seconds",
            rates: [("0", "0.000016")], includedQuantity: "400000", dailyMicros: 1_000_000_000...50_000_000_000),
        SandboxMeter(id: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", name: "Standard Static IP Address", category: "Networking",
            subcategory: "IP Addresses", region: "", unit: "1/Day",
            rates: [("0", "0.12")], includedQuantity: "0", dailyMicros: 1_000_000...1_000_000),
        SandboxMeter(id: "b7e3f1c9-4a2d-4e8b-9c6f-2d1a0b3e5f7a", name: "Log Data Ingestion", category: "Log Analytics",
            subcategory: "", region: "EU West", unit: "1 GB",
            rates: [("0", "2.99")], includedQuantity: "5", dailyMicros: 10_000...3_000_000),
    ]

    static let kinds: [ResourceKind] = [
        ResourceKind(provider: "Microsoft.Compute/virtualMachines", namePrefix: "vm", meters: [0, 6, 7]),
        ResourceKind(provider: "Microsoft.Compute/virtualMachines", namePrefix: "vmlinux", meters: [1, 6, 7]),
        ResourceKind(provider: "Microsoft.Compute/disks", namePrefix: "disk", meters: [2]),
        ResourceKind(provider: "Microsoft.Storage/storageAccounts", namePrefix: "st", meters: [3, 4, 5, 9, 6]),
        ResourceKind(provider: "Microsoft.Sql/servers/databases", namePrefix: "sqldb", meters: [8]),
        ResourceKind(provider: "Microsoft.Web/sites", namePrefix: "app", meters: [10, 6]),
        ResourceKind(provider: "Microsoft.Web/sites", namePrefix: "func", meters: [11, 12]),
        ResourceKind(provider: "Microsoft.Network/publicIPAddresses", namePrefix: "pip", meters: [13]),
        ResourceKind(provider: "Microsoft.OperationalInsights/workspaces", namePrefix: "log", meters: [14]),
    ]
}
