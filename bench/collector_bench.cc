// Agent → collector over loopback gRPC with TLS, end to end in one process: the real
// CollectorClient (encoder, bounded queue, sender) and the real collector (gRPC server, SQLite
// store, cluster merge). Prints two figures of issue 7:
//
//   1. throughput: exchange summaries per second, then findings per second, from the first
//      publish until the collector acknowledged the last batch as stored;
//   2. the agent's memory while the collector is down, fed 5,000 exchanges/s: resident set and
//      queue size every few seconds, and what the queue's bound made it drop.
//
// Usage: collector_bench [--down-seconds N] [--exchanges N] [--findings N]
// (defaults 60, 500000, 20000). Needs the `openssl` command for a throwaway certificate.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/exchange/exchange_record.h"
#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"
#include "agent/inventory/inventory_listener.h"
#include "agent/inventory/views.h"
#include "collector/collector.h"
#include "collector/grpc_server.h"
#include "exporters/collector/collector_client.h"

namespace apisensor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kSecond = 1'000'000'000ULL;

uint64_t WallNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// VmRSS of this process, in bytes.
uint64_t ResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}

double MiB(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

// A self-signed certificate for 127.0.0.1 in a temporary directory, removed at exit.
struct Certificate {
  std::string dir;
  Certificate() {
    std::string pattern = (std::filesystem::temp_directory_path() / "collector-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = pattern;
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
        key() + " -out " + cert() + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("openssl could not make a certificate: install openssl");
    }
  }
  ~Certificate() { std::filesystem::remove_all(dir); }
  std::string cert() const { return dir + "/cert.pem"; }
  std::string key() const { return dir + "/key.pem"; }
};

// A loopback port nothing listens on: the "collector is down" address.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  bind(fd, reinterpret_cast<sockaddr*>(&a), len);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// What the pipeline hands the client for one exchange: a realistic server-side GET.
struct ExchangeSource {
  ExchangeRecord record;
  inventory::EndpointStats stats;
  inventory::ObservedEndpoint endpoint;

  ExchangeSource() {
    record.latency_ns = 2'000'000;
    record.role = Role::kServer;
    record.process.comm = "orders-api";
    record.process.pid = 4242;
    record.local.family = AF_INET;
    record.local.port = 8080;
    inet_pton(AF_INET, "10.0.0.5", record.local.addr.data());
    record.remote.family = AF_INET;
    record.remote.port = 40000;
    inet_pton(AF_INET, "10.0.0.9", record.remote.addr.data());
    record.http.request.method = "GET";
    record.http.request.target = "/api/orders/17?expand=items";
    record.http.request.headers = {{"host", "orders.internal"},
                                   {"user-agent", "python-requests/2.28"},
                                   {"content-type", "application/json"}};
    http::Response response;
    response.status = 200;
    response.body_size = 1432;
    response.headers = {{"content-type", "application/json"}};
    record.http.response = std::move(response);
    endpoint.service = "orders";
    endpoint.method = "GET";
    endpoint.path = "/api/orders/{id}";
    endpoint.stats = &stats;
    endpoint.caller = "10.0.0.9";
  }

  void Feed(exporters::CollectorClient& client, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      record.ts_unix_ns = WallNs();
      client.OnExchange(record, endpoint);
    }
  }
};

findings::Finding MakeFinding(uint64_t i) {
  findings::Finding f;
  f.type = "unauthenticated_access";
  f.service = "orders";
  f.endpoint = "GET /api/orders/{id}";
  f.caller = "10.0." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250);
  f.caller += ":" + std::to_string(i);  // distinct callers: distinct findings
  f.id = findings::FindingId(f.type, f.service, f.endpoint, f.caller);
  f.severity = findings::Severity::kHigh;
  f.owasp = "API2:2023";
  f.title = "Unauthenticated access to a secured endpoint";
  f.first_seen_ns = WallNs();
  f.last_seen_ns = f.first_seen_ns;
  f.count = 1;
  f.evidence = {{"request", "GET /api/orders/17"}, {"status", "200"}};
  return f;
}

struct Publisher {
  inventory::InventoryView view;
  std::vector<std::shared_ptr<const inventory::EndpointView>> changed;
  std::vector<std::string> removed;
  uint64_t now_ns = WallNs();

  void Publish(exporters::CollectorClient& client, std::vector<findings::Finding> findings = {}) {
    now_ns += kSecond;  // the inventory publishes about once a second
    client.OnPublish(inventory::Published{view, changed, removed, findings, now_ns});
  }
};

exporters::CollectorClientOptions ClientOptions(const std::string& address) {
  exporters::CollectorClientOptions o;
  o.address = address;
  o.agent_id = "bench-node";
  o.exchanges = true;
  o.drain_timeout_ms = 1000;
  o.backoff_initial_ms = 200;
  o.backoff_max_ms = 2000;
  return o;
}

void CollectorDown(uint64_t seconds, const Certificate& cert) {
  std::printf("Collector down for %llu s, 5,000 exchanges/s offered (queue cap %zu MiB):\n",
              static_cast<unsigned long long>(seconds), ClientOptions("").max_queue_bytes >> 20);
  const uint64_t rss_before = ResidentBytes();
  exporters::CollectorClientOptions options =
      ClientOptions("127.0.0.1:" + std::to_string(ClosedPort()));
  options.ca_file = cert.cert();
  exporters::CollectorClient client(options, nullptr, [](const std::string&) {});
  ExchangeSource source;
  Publisher publisher;
  std::printf("  %6s %12s %12s %14s %16s\n", "t (s)", "RSS (MiB)", "queue (MiB)", "batches lost",
              "exchanges lost");
  const Clock::time_point start = Clock::now();
  uint64_t peak_rss = rss_before;
  // 500 exchanges every 100 ms, a publish every second, as the pipeline would.
  for (uint64_t tick = 1; tick <= seconds * 10; ++tick) {
    source.Feed(client, 500);
    if (tick % 10 == 0) publisher.Publish(client);
    std::this_thread::sleep_until(start + std::chrono::milliseconds(100 * tick));
    peak_rss = std::max(peak_rss, ResidentBytes());
    if (tick % 100 == 0 || tick == seconds * 10) {
      client.WaitEncoded(5000);
      const exporters::CollectorClientStats s = client.stats();
      std::printf("  %6.0f %12.1f %12.1f %14llu %16llu\n", Seconds(start), MiB(ResidentBytes()),
                  MiB(s.queue_bytes), static_cast<unsigned long long>(s.batches_dropped),
                  static_cast<unsigned long long>(s.items_dropped + s.exchanges_dropped));
    }
  }
  std::printf("  peak RSS growth while down: %.1f MiB (process RSS %.1f MiB before)\n\n",
              MiB(peak_rss - rss_before), MiB(rss_before));
  client.Stop();
}

void Throughput(uint64_t exchanges, uint64_t finding_count, const Certificate& cert) {
  std::filesystem::path db = std::filesystem::path(cert.dir) / "collector.db";
  collector::CollectorOptions core;
  core.db_path = db.string();
  collector::Collector collector(core);
  collector::GrpcListenOptions listen;
  listen.listen = "127.0.0.1:0";
  listen.tls_cert_file = cert.cert();
  listen.tls_key_file = cert.key();
  collector::GrpcServer server(listen, collector);

  exporters::CollectorClientOptions options =
      ClientOptions("127.0.0.1:" + std::to_string(server.port()));
  options.ca_file = cert.cert();
  exporters::CollectorClient client(options, nullptr, [](const std::string&) {});
  ExchangeSource source;
  Publisher publisher;
  publisher.Publish(client);  // connect and send the first snapshot before timing
  if (!client.WaitAcked(30000)) throw std::runtime_error("the collector never acknowledged");

  std::printf(
      "Agent -> collector over loopback gRPC + TLS (SQLite store, one transaction per "
      "batch):\n");
  // Exchanges: publishes of 10,000 summaries, as fast as the client takes them without
  // dropping (the encoder's queue is the back-pressure).
  constexpr uint64_t kPerPublish = 10000;
  Clock::time_point start = Clock::now();
  for (uint64_t sent = 0; sent < exchanges; sent += kPerPublish) {
    source.Feed(client, std::min(kPerPublish, exchanges - sent));
    publisher.Publish(client);
    while (client.stats().queue_bytes > options.max_queue_bytes / 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (!client.WaitEncoded(60000) || !client.WaitAcked(120000)) {
    throw std::runtime_error("the collector did not acknowledge every exchange batch");
  }
  double elapsed = Seconds(start);
  exporters::CollectorClientStats s = client.stats();
  std::printf("  exchange summaries: %llu in %.2f s = %.0f /s (batches %llu, lost %llu)\n",
              static_cast<unsigned long long>(exchanges), elapsed, exchanges / elapsed,
              static_cast<unsigned long long>(s.batches_acked),
              static_cast<unsigned long long>(s.exchanges_dropped + s.items_dropped));

  // Findings: publishes of 500 new findings each.
  constexpr uint64_t kFindingsPerPublish = 500;
  start = Clock::now();
  for (uint64_t sent = 0; sent < finding_count; sent += kFindingsPerPublish) {
    std::vector<findings::Finding> batch;
    for (uint64_t i = sent; i < std::min(finding_count, sent + kFindingsPerPublish); ++i) {
      batch.push_back(MakeFinding(i));
    }
    publisher.Publish(client, std::move(batch));
  }
  if (!client.WaitEncoded(60000) || !client.WaitAcked(120000)) {
    throw std::runtime_error("the collector did not acknowledge every finding batch");
  }
  elapsed = Seconds(start);
  collector.Publish(WallNs());
  std::printf("  findings:           %llu in %.2f s = %.0f /s (collector holds %zu)\n",
              static_cast<unsigned long long>(finding_count), elapsed, finding_count / elapsed,
              collector.findings().size());
  client.Stop();
}

uint64_t Flag(int argc, char** argv, const char* name, uint64_t fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::strtoull(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

}  // namespace
}  // namespace apisensor

int main(int argc, char** argv) {
  try {
    const apisensor::Certificate cert;
    // The outage first, so its memory figures start from a process that has not grown yet.
    apisensor::CollectorDown(apisensor::Flag(argc, argv, "--down-seconds", 60), cert);
    apisensor::Throughput(apisensor::Flag(argc, argv, "--exchanges", 500000),
                          apisensor::Flag(argc, argv, "--findings", 20000), cert);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "collector_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
