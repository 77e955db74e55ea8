import FuzzSupport
import PythonProcess

let file = ScratchFile(name: "input.so")

/// The ELF header reader and the symbol tables (`.symtab`, `.dynsym`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    file.write(UnsafeRawBufferPointer(start: data, count: count))
    guard let elf = try? ELFFile(path: file.path) else { return 0 }
    _ = elf.firstLoadAddress
    if let symbols = try? ELFSymbols(file: elf) {
        _ = symbols.address(of: "_PyRuntime")
        _ = symbols["arenas"]?.sizeBytes
    }
    return 0
}
