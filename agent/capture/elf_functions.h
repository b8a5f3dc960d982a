// Reads functions out of an ELF file (a shared library or an executable): where a named
// function starts, its first bytes, and the file offset of an address, which is what a uprobe
// is attached by.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace apisensor::capture {

struct ElfFunction {
  uint64_t address = 0;       // virtual address (st_value)
  uint64_t file_offset = 0;   // where its code is in the file
  std::vector<uint8_t> code;  // its first bytes (at most what was asked for)
};

class ElfFile {
 public:
  // Empty when the file cannot be opened or is not ELF.
  static std::unique_ptr<ElfFile> Open(const std::string& path);
  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  // A function this file defines (not one it imports), from .symtab or .dynsym.
  std::optional<ElfFunction> FindFunction(const std::string& name, size_t max_code_bytes) const;
  // The bytes at a virtual address inside an executable section, as a function there.
  std::optional<ElfFunction> FunctionAt(uint64_t address, size_t max_code_bytes) const;

 private:
  struct Handle;
  explicit ElfFile(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

// Whether the ELF file at `path` defines SSL_write itself (OpenSSL linked in), as opposed to
// importing it. False for anything unreadable or not ELF.
bool DefinesOpenSsl(const std::string& path);

}  // namespace apisensor::capture
