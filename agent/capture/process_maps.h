// /proc/<pid>/maps, read for the files a process has mapped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace apisensor::capture {

// A mapped file, from one line of /proc/<pid>/maps.
struct MappedFile {
  std::string path;
  std::string device;  // "major:minor" in hex, as maps prints it
  uint64_t inode = 0;
  bool executable = false;
};

// Parses /proc/<pid>/maps text; lines without a file path are skipped.
std::vector<MappedFile> ParseMaps(const std::string& maps_text);

// Whether a file name is an OpenSSL libssl (libssl.so, libssl.so.3, libssl.so.1.1, ...).
bool IsLibsslName(const std::string& path);

}  // namespace apisensor::capture
