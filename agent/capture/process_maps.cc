#include "agent/capture/process_maps.h"

#include <sstream>
#include <string_view>

namespace apisensor::capture {

std::vector<MappedFile> ParseMaps(const std::string& maps_text) {
  std::vector<MappedFile> files;
  std::istringstream lines(maps_text);
  std::string line;
  while (std::getline(lines, line)) {
    // address perms offset dev inode [path]
    std::istringstream fields(line);
    std::string address, perms, offset, device;
    uint64_t inode = 0;
    if (!(fields >> address >> perms >> offset >> device >> inode)) continue;
    std::string path;
    std::getline(fields >> std::ws, path);
    if (path.empty() || path.front() != '/' || inode == 0) continue;
    constexpr std::string_view kDeleted = " (deleted)";
    if (path.ends_with(kDeleted)) path.resize(path.size() - kDeleted.size());
    files.push_back(
        {std::move(path), std::move(device), inode, perms.size() > 2 && perms[2] == 'x'});
  }
  return files;
}

bool IsLibsslName(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string_view name =
      std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  return name == "libssl.so" || name.starts_with("libssl.so.");
}

}  // namespace apisensor::capture
