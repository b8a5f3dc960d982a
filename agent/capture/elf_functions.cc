#include "agent/capture/elf_functions.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace apisensor::capture {

struct ElfFile::Handle {
  int fd = -1;
  Elf* elf = nullptr;
  ~Handle() {
    if (elf != nullptr) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

ElfFile::ElfFile(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}
ElfFile::~ElfFile() = default;

std::unique_ptr<ElfFile> ElfFile::Open(const std::string& path) {
  if (elf_version(EV_CURRENT) == EV_NONE) return nullptr;
  auto handle = std::make_unique<Handle>();
  handle->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (handle->fd < 0) return nullptr;
  handle->elf = elf_begin(handle->fd, ELF_C_READ_MMAP, nullptr);
  if (handle->elf == nullptr || elf_kind(handle->elf) != ELF_K_ELF) return nullptr;
  return std::unique_ptr<ElfFile>(new ElfFile(std::move(handle)));
}

std::optional<ElfFunction> ElfFile::FindFunction(const std::string& name,
                                                 size_t max_code_bytes) const {
  Elf* elf = handle_->elf;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr header;
    if (gelf_getshdr(scn, &header) == nullptr || header.sh_entsize == 0) continue;
    if (header.sh_type != SHT_SYMTAB && header.sh_type != SHT_DYNSYM) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr) continue;
    const size_t count = header.sh_size / header.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Sym symbol;
      if (gelf_getsym(data, static_cast<int>(i), &symbol) == nullptr) break;
      // Imports are undefined here; only a definition has code in this file.
      if (symbol.st_shndx == SHN_UNDEF || GELF_ST_TYPE(symbol.st_info) != STT_FUNC) continue;
      const char* symbol_name = elf_strptr(elf, header.sh_link, symbol.st_name);
      if (symbol_name == nullptr || name != symbol_name) continue;
      return FunctionAt(symbol.st_value, max_code_bytes);
    }
  }
  return std::nullopt;
}

std::optional<ElfFunction> ElfFile::FunctionAt(uint64_t address, size_t max_code_bytes) const {
  Elf* elf = handle_->elf;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr header;
    if (gelf_getshdr(scn, &header) == nullptr) continue;
    if (header.sh_type != SHT_PROGBITS || (header.sh_flags & SHF_EXECINSTR) == 0) continue;
    if (address < header.sh_addr || address >= header.sh_addr + header.sh_size) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (data == nullptr || data->d_buf == nullptr) return std::nullopt;
    const uint64_t in_section = address - header.sh_addr;
    const size_t available = std::min<uint64_t>(data->d_size - in_section, max_code_bytes);
    ElfFunction function;
    function.address = address;
    function.file_offset = header.sh_offset + in_section;
    const auto* bytes = static_cast<const uint8_t*>(data->d_buf) + in_section;
    function.code.assign(bytes, bytes + available);
    return function;
  }
  return std::nullopt;
}

bool DefinesOpenSsl(const std::string& path) {
  const std::unique_ptr<ElfFile> file = ElfFile::Open(path);
  return file != nullptr && file->FindFunction("SSL_write", 0).has_value();
}

}  // namespace apisensor::capture
