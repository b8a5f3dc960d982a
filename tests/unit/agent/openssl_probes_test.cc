// The pure parts of finding OpenSSL: /proc/<pid>/maps parsing, libssl names, and telling an
// executable that holds OpenSSL from one that imports it. Attaching is covered by the e2e tests.
#include "agent/capture/openssl_probes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace apisensor::capture {
namespace {

TEST(ParseMapsTest, KeepsFileMappingsWithDeviceInodeAndExecBit) {
  const std::string maps =
      "55a1045af000-55a1045b1000 r--p 00000000 fe:00 247134                     /usr/bin/cat\n"
      "7f00aa000000-7f00aa100000 r-xp 00020000 fe:00 3301  /usr/lib/x86_64-linux-gnu/libssl.so.3\n"
      "7f00ab000000-7f00ab021000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f00ac000000-7f00ac001000 r-xp 00000000 00:2a 991  /tmp/x/libssl.so.3 (deleted)\n"
      "7f00ad000000-7f00ad001000 rw-s 00000000 00:01 12   /dev/zero\n"
      "7f00ae000000-7f00ae001000 r-xp 00000000 08:01 77   /opt/my app/libssl.so.1.1\n"
      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0\n"
      "garbage line\n";
  const std::vector<MappedFile> files = ParseMaps(maps);
  ASSERT_EQ(files.size(), 5u);
  EXPECT_EQ(files[0].path, "/usr/bin/cat");
  EXPECT_FALSE(files[0].executable);
  EXPECT_EQ(files[1].path, "/usr/lib/x86_64-linux-gnu/libssl.so.3");
  EXPECT_EQ(files[1].device, "fe:00");
  EXPECT_EQ(files[1].inode, 3301u);
  EXPECT_TRUE(files[1].executable);
  EXPECT_EQ(files[2].path, "/tmp/x/libssl.so.3");         // " (deleted)" is not part of the name
  EXPECT_EQ(files[4].path, "/opt/my app/libssl.so.1.1");  // spaces in paths survive
}

TEST(IsLibsslNameTest, MatchesOpenSslLibsslOnly) {
  EXPECT_TRUE(IsLibsslName("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
  EXPECT_TRUE(IsLibsslName("/lib/libssl.so.1.1"));
  EXPECT_TRUE(IsLibsslName("libssl.so"));
  EXPECT_FALSE(IsLibsslName("/usr/lib/libssl3.so"));  // NSS, not OpenSSL
  EXPECT_FALSE(IsLibsslName("/usr/lib/libcrypto.so.3"));
  EXPECT_FALSE(IsLibsslName("/usr/lib/libssl.so.3/other"));
  EXPECT_FALSE(IsLibsslName("/opt/libssl.sox"));
}

TEST(DefinesOpenSslTest, LibsslDefinesItAndItsUsersOnlyImportIt) {
  EXPECT_TRUE(DefinesOpenSsl("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
  // libcurl calls SSL_write, so it appears there as an undefined (imported) symbol.
  EXPECT_FALSE(DefinesOpenSsl("/usr/lib/x86_64-linux-gnu/libcurl.so.4"));
  EXPECT_FALSE(DefinesOpenSsl("/usr/bin/ls"));
  EXPECT_FALSE(DefinesOpenSsl("/nonexistent/file"));
}

TEST(FindInternalFunctionsTest, DebianLibsslHasThemAndLibcurlDoesNot) {
  const std::optional<InternalFunctions> internals =
      FindInternalFunctions("/usr/lib/x86_64-linux-gnu/libssl.so.3");
  ASSERT_TRUE(internals.has_value());
  EXPECT_NE(internals->read_offset, internals->write_offset);
  EXPECT_EQ(FindInternalFunctions("/usr/lib/x86_64-linux-gnu/libcurl.so.4"), std::nullopt);
  EXPECT_EQ(FindInternalFunctions("/nonexistent"), std::nullopt);
}

TEST(DefinesOpenSslTest, NotElfIsFalse) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("not-elf-" + std::to_string(getpid()));
  std::ofstream(path) << "SSL_write SSL_read: just text";
  EXPECT_FALSE(DefinesOpenSsl(path));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace apisensor::capture
