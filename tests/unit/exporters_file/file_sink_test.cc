#include "exporters/file/file_sink.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "exporters/core/sink_runner.h"
#include "exporters/formats/native_json.h"
#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "tests/unit/exporters_file/temp_dir.h"
#include "tests/unit/exporters_ocsf/ocsf_test_items.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"

namespace apisensor::exporters {
namespace {

using apisensor::testing::Item;
using apisensor::testing::ReadLines;
using apisensor::testing::TempDir;
namespace fs = std::filesystem;

std::string Id(int i) {
  char text[16];
  std::snprintf(text, sizeof(text), "f%05d", i);
  return text;
}

std::vector<ExportItemPtr> Findings(int from, int n) {
  std::vector<ExportItemPtr> items;
  for (int i = from; i < from + n; ++i) {
    findings::Finding f = apisensor::testing::SampleFinding();
    f.id = Id(i);
    items.push_back(Item(f));
  }
  return items;
}

std::vector<std::string> Ids(int from, int n) {
  std::vector<std::string> ids;
  for (int i = from; i < from + n; ++i) ids.push_back(Id(i));
  return ids;
}

// The "id" of each line (asserting it is a JSON object), or "exchange".
std::vector<std::string> LineIds(const std::vector<std::string>& lines) {
  std::vector<std::string> ids;
  for (const std::string& line : lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    EXPECT_FALSE(doc.HasParseError()) << line;
    if (doc.HasParseError() || !doc.IsObject()) continue;
    ids.push_back(doc.HasMember("id") ? doc["id"].GetString() : "exchange");
  }
  return ids;
}

// The ids in path.<n> ... path.1, path: oldest first.
std::vector<std::string> IdsAcrossFiles(const std::string& path, int rotated) {
  std::vector<std::string> ids;
  for (int i = rotated; i >= 0; --i) {
    const std::string file = i == 0 ? path : path + "." + std::to_string(i);
    for (std::string& id : LineIds(ReadLines(file))) ids.push_back(std::move(id));
  }
  return ids;
}

int RotatedFiles(const std::string& path) {
  int n = 0;
  while (fs::exists(path + "." + std::to_string(n + 1))) ++n;
  return n;
}

std::unique_ptr<FileSink> Json(FileSinkOptions o) {
  return std::make_unique<FileSink>(std::move(o), std::make_unique<NativeJsonFormatter>());
}

void DeliverInBatches(FileSink& sink, int from, int n, int batch) {
  for (int i = from; i < from + n; i += batch) {
    const auto items = Findings(i, std::min(batch, from + n - i));
    const DeliveryResult r = sink.Deliver(items);
    ASSERT_EQ(r.outcome, Delivery::kDelivered) << r.error;
  }
}

TEST(FileSink, WritesOneParseableLinePerItemAndMakesItsDirectories) {
  TempDir dir;
  const std::string path = dir / "a/b/findings.jsonl";
  auto sink = Json({.path = path});
  auto items = Findings(0, 10);
  items.push_back(Item(apisensor::testing::SampleExchange()));
  ASSERT_EQ(sink->Deliver(items).outcome, Delivery::kDelivered);
  ASSERT_EQ(sink->Deliver(Findings(10, 5)).outcome, Delivery::kDelivered);

  std::vector<std::string> want = Ids(0, 10);
  want.push_back("exchange");
  for (const std::string& id : Ids(10, 5)) want.push_back(id);
  EXPECT_EQ(LineIds(ReadLines(path)), want);

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  ASSERT_EQ(::stat((dir / "a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
  ASSERT_EQ(::stat((dir / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST(FileSink, AppendsToWhatIsThere) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  Json({.path = path})->Deliver(Findings(0, 3));
  Json({.path = path})->Deliver(Findings(3, 3));  // an agent restart
  EXPECT_EQ(LineIds(ReadLines(path)), Ids(0, 6));
}

TEST(FileSink, OcsfLinesAreValidEvents) {
  TempDir dir;
  const std::string path = dir / "ocsf.jsonl";
  FormatOptions format;
  format.hostname = "node-1";
  FileSink sink({.path = path}, MakeOcsfFormatter(format));
  auto items = Findings(0, 3);
  items.push_back(Item(apisensor::testing::SampleExchange()));
  ASSERT_EQ(sink.Deliver(items).outcome, Delivery::kDelivered);
  const std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 4u);
  for (const std::string& line : lines) {
    const auto problems = apisensor::testing::OcsfValidator::Default().Validate(line);
    EXPECT_TRUE(problems.empty()) << apisensor::testing::JoinLines(problems);
  }
}

TEST(FileSink, RotationLosesNoLineAndKeepsFilesUnderTheLimit) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .max_bytes = 4096, .keep = 100});
  DeliverInBatches(*sink, 0, 300, 7);
  const int rotated = RotatedFiles(path);
  EXPECT_GT(rotated, 10);
  EXPECT_EQ(IdsAcrossFiles(path, rotated), Ids(0, 300));  // every line once, in order
  for (int i = 0; i <= rotated; ++i) {
    const std::string file = i == 0 ? path : path + "." + std::to_string(i);
    EXPECT_LE(fs::file_size(file), 4096u) << file;
    if (i > 0) {
      EXPECT_GT(fs::file_size(file), 4096u - 1024) << file << " rotated too early";
    }
  }
}

TEST(FileSink, KeepsExactlyTheNewestRotatedFiles) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .max_bytes = 4096, .keep = 3});
  DeliverInBatches(*sink, 0, 400, 13);
  EXPECT_EQ(RotatedFiles(path), 3);
  EXPECT_FALSE(fs::exists(path + ".4"));
  // What is kept is the newest lines without a gap, up to the last one written.
  const std::vector<std::string> kept = IdsAcrossFiles(path, 3);
  ASSERT_GT(kept.size(), 20u);
  EXPECT_EQ(kept, Ids(400 - static_cast<int>(kept.size()), static_cast<int>(kept.size())));
}

TEST(FileSink, KeepZeroTruncatesInPlace) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .max_bytes = 4096, .keep = 0});
  DeliverInBatches(*sink, 0, 100, 10);
  EXPECT_EQ(RotatedFiles(path), 0);
  EXPECT_LE(fs::file_size(path), 4096u);
  const std::vector<std::string> kept = LineIds(ReadLines(path));
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.back(), Id(99));
}

TEST(FileSink, ALineLargerThanTheLimitGetsAFileOfItsOwn) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .max_bytes = 4096, .keep = 5});
  findings::Finding big = apisensor::testing::SampleFinding();
  big.id = "big";
  big.description = std::string(6000, 'x');
  const std::vector<ExportItemPtr> items = {Findings(0, 1)[0], Item(big), Findings(1, 1)[0]};
  ASSERT_EQ(sink->Deliver(items).outcome, Delivery::kDelivered);
  EXPECT_EQ(IdsAcrossFiles(path, RotatedFiles(path)),
            (std::vector<std::string>{Id(0), "big", Id(1)}));
  EXPECT_EQ(LineIds(ReadLines(path + ".1")), std::vector<std::string>{"big"});
}

TEST(FileSink, ThroughTheRunner) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  SinkOptions o;
  o.name = "file";
  o.batch_wait_ms = 0;
  o.max_batch = 50;
  SinkRunner runner(o, Json({.path = path, .max_bytes = 1 << 16, .keep = 50}));
  const auto items = Findings(0, 500);
  runner.Offer(items);
  ASSERT_TRUE(runner.WaitIdle(10000));
  EXPECT_EQ(runner.stats().delivered, 500u);
  EXPECT_EQ(IdsAcrossFiles(path, RotatedFiles(path)), Ids(0, 500));
}

TEST(FileSink, DiskFullIsRetriedWithOneSentence) {
  auto sink = Json({.path = "/dev/full"});
  const DeliveryResult r = sink->Deliver(Findings(0, 2));
  EXPECT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_EQ(r.error, "cannot write /dev/full: No space left on device");

  SinkOptions o;
  o.name = "full";
  o.batch_wait_ms = 0;
  o.backoff_initial_ms = 1;
  o.backoff_max_ms = 2;
  o.drain_timeout_ms = 0;
  std::vector<std::string> logs;
  std::mutex logs_mu;
  {
    SinkRunner runner(o, Json({.path = "/dev/full"}), [&](const std::string& line) {
      std::lock_guard lock(logs_mu);
      logs.push_back(line);
    });
    runner.Offer(Findings(0, 3));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (runner.stats().retries < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_GE(runner.stats().retries, 3u);
    EXPECT_TRUE(runner.stats().failing);
    EXPECT_EQ(runner.last_error(), "cannot write /dev/full: No space left on device");
  }
  std::lock_guard lock(logs_mu);
  ASSERT_FALSE(logs.empty());
  EXPECT_NE(logs[0].find("No space left on device"), std::string::npos) << logs[0];
}

// RLIMIT_FSIZE makes the kernel stop a write part way, as a filling disk does.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
};

TEST(FileSink, AFailedWriteLeavesNoTornLineAndTheRetryNoDuplicate) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path});
  ASSERT_EQ(sink->Deliver(Findings(0, 2)).outcome, Delivery::kDelivered);
  const uintmax_t before = fs::file_size(path);
  const auto batch = Findings(2, 10);
  {
    FileSizeLimit limit(before + 1000);  // room for two lines and a half
    const DeliveryResult r = sink->Deliver(batch);
    EXPECT_EQ(r.outcome, Delivery::kRetry);
    EXPECT_EQ(r.error, "cannot write " + path + ": File too large");
  }
  EXPECT_EQ(fs::file_size(path), before) << "the half-written part must be cut off";
  ASSERT_EQ(sink->Deliver(batch).outcome, Delivery::kDelivered);
  EXPECT_EQ(LineIds(ReadLines(path)), Ids(0, 12));
}

TEST(FileSink, AFailedRotationResumesWhereItStopped) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .max_bytes = 4096, .keep = 1});
  // A directory where path.1 must go: rename() fails, even for root.
  fs::create_directories(path + ".1/blocker");
  const auto batch = Findings(0, 12);  // about one and a half files
  const DeliveryResult r = sink->Deliver(batch);
  ASSERT_EQ(r.outcome, Delivery::kRetry);
  EXPECT_NE(r.error.find("cannot rotate " + path + ": "), std::string::npos) << r.error;
  const std::vector<std::string> first = LineIds(ReadLines(path));
  EXPECT_FALSE(first.empty());
  EXPECT_LT(first.size(), 12u);

  fs::remove_all(path + ".1");
  ASSERT_EQ(sink->Deliver(batch).outcome, Delivery::kDelivered);
  EXPECT_EQ(RotatedFiles(path), 1);
  EXPECT_EQ(IdsAcrossFiles(path, 1), Ids(0, 12));  // once each, in order
}

TEST(FileSink, FollowsAFileMovedOrRemovedByOthers) {
  TempDir dir;
  const std::string path = dir / "logs/f.jsonl";
  auto sink = Json({.path = path});
  sink->Deliver(Findings(0, 2));
  fs::rename(path, dir / "logs/f.jsonl.old");  // logrotate without copytruncate
  sink->Deliver(Findings(2, 2));
  EXPECT_EQ(LineIds(ReadLines(dir / "logs/f.jsonl.old")), Ids(0, 2));
  EXPECT_EQ(LineIds(ReadLines(path)), Ids(2, 2));

  fs::remove_all(dir / "logs");  // an operator cleaning up
  ASSERT_EQ(sink->Deliver(Findings(4, 1)).outcome, Delivery::kDelivered);
  EXPECT_EQ(LineIds(ReadLines(path)), Ids(4, 1));
}

TEST(FileSink, FsyncOptionWrites) {
  TempDir dir;
  const std::string path = dir / "f.jsonl";
  auto sink = Json({.path = path, .fsync = true});
  ASSERT_EQ(sink->Deliver(Findings(0, 3)).outcome, Delivery::kDelivered);
  EXPECT_EQ(LineIds(ReadLines(path)), Ids(0, 3));
}

// Runs `body` as user nobody in a child when we are root (root ignores directory permissions),
// and returns what it printed.
std::string AsUnprivileged(const std::function<std::string()>& body) {
  if (::geteuid() != 0) return body();
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string out = "cannot drop privileges";
    if (::setgid(65534) == 0 && ::setuid(65534) == 0) out = body();
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

TEST(FileSink, ARefusedDirectoryIsOneClearSentence) {
  TempDir dir;
  fs::permissions(dir.path(),
                  fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  fs::create_directory(dir / "readonly");
  fs::permissions(dir / "readonly", fs::perms::owner_read | fs::perms::owner_exec |
                                        fs::perms::group_read | fs::perms::group_exec |
                                        fs::perms::others_read | fs::perms::others_exec);
  const std::string open_error = AsUnprivileged([&] {
    try {
      Json({.path = dir / "readonly/f.jsonl"});
      return std::string("built");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
  });
  EXPECT_EQ(open_error, "cannot open " + dir / "readonly/f.jsonl" + ": Permission denied");
  const std::string mkdir_error = AsUnprivileged([&] {
    try {
      Json({.path = dir / "readonly/sub/f.jsonl"});
      return std::string("built");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
  });
  EXPECT_EQ(mkdir_error, "cannot create directory " + dir / "readonly/sub" + ": Permission denied");

  // A file system nobody may create in, root included.
  EXPECT_THROW(
      {
        try {
          Json({.path = "/sys/apisensor-test/f.jsonl"});
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find("cannot create directory /sys/apisensor-test: "),
                    std::string::npos)
              << e.what();
          throw;
        }
      },
      std::runtime_error);
}

}  // namespace
}  // namespace apisensor::exporters
