#include "exporters/file/file_sink_builder.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "exporters/formats/native_json.h"
#include "tests/unit/exporters_file/temp_dir.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::TempDir;

// Reads `yaml` as the export config reads one sink's own keys, then builds the sink.
std::unique_ptr<Sink> BuildFromYaml(const std::string& yaml) {
  const config::YamlReader reader("export.yaml");
  const YAML::Node node = reader.Parse(yaml);
  std::unique_ptr<SinkBuilder> builder = MakeFileSinkBuilder();
  std::map<std::string, config::YamlReader::Handler> keys;
  builder->AddKeys(reader, keys);
  reader.Section(node, "sinks[0]", keys);
  return builder->Build(reader, "sinks[0]", SinkOptions{}, std::make_unique<NativeJsonFormatter>());
}

std::string ErrorOf(const std::string& yaml) {
  try {
    BuildFromYaml(yaml);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(built)";
}

TEST(FileSinkBuilder, TakesJsonByDefaultAndOcsf) {
  EXPECT_EQ(MakeFileSinkBuilder()->formats(), (std::vector<std::string_view>{"json", "ocsf"}));
}

TEST(FileSinkBuilder, BuildsAWorkingSinkFromItsKeys) {
  TempDir dir;
  const std::string path = dir / "out/f.jsonl";
  std::unique_ptr<Sink> sink =
      BuildFromYaml("path: " + path + "\nmax_bytes: 4096\nkeep: 2\nfsync: true\n");
  for (int i = 0; i < 40; ++i) {
    const std::vector<ExportItemPtr> items = {
        apisensor::testing::Item(apisensor::testing::SampleFinding())};
    ASSERT_EQ(sink->Deliver(items).outcome, Delivery::kDelivered);
  }
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));  // keep: 2
  EXPECT_LE(std::filesystem::file_size(path), 4096u);
}

TEST(FileSinkBuilder, EachMistakeIsOneSentence) {
  TempDir dir;
  EXPECT_EQ(ErrorOf("keep: 2\n"), "export.yaml: sinks[0].path is required");
  EXPECT_EQ(ErrorOf("path: " + dir / "f" + "\npaht: x\n"),
            "export.yaml: sinks[0].paht is not a setting (known: fsync, keep, max_bytes, path)");
  EXPECT_EQ(ErrorOf("path: findings.jsonl\n"),
            "export.yaml: sinks[0].path must be an absolute path");
  EXPECT_EQ(ErrorOf("path: " + dir.path() + "/\n"),
            "export.yaml: sinks[0].path must name a file, not a directory");
  EXPECT_EQ(ErrorOf("path: " + dir / "f" + "\nmax_bytes: 100\n"),
            "export.yaml: sinks[0].max_bytes must be between 4096 and 1099511627776");
  EXPECT_EQ(ErrorOf("path: " + dir / "f" + "\nkeep: -1\n"),
            "export.yaml: sinks[0].keep must be a number");
  EXPECT_EQ(ErrorOf("path: " + dir / "f" + "\nfsync: sometimes\n"),
            "export.yaml: sinks[0].fsync must be true or false");
  EXPECT_EQ(ErrorOf("path: [a, b]\n"), "export.yaml: sinks[0].path must be a string");
  // sysfs refuses even root (EPERM or EACCES, by kernel).
  EXPECT_TRUE(ErrorOf("path: /sys/apisensor-test/f.jsonl\n")
                  .starts_with("export.yaml: sinks[0].path is not usable: cannot create directory "
                               "/sys/apisensor-test: "));
}

}  // namespace
}  // namespace apisensor::exporters
