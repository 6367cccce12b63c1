import ArgumentParser
import WarehouseCLI

/// The executable is this line: everything else lives in WarehouseCLI, so tests can reach it.
@main extension WarehouseCommand {}
