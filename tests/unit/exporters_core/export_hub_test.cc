#include "exporters/core/export_hub.h"

#include <gtest/gtest.h>

#include "tests/unit/exporters_core/scripted_sink.h"

namespace apisensor::exporters {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;

struct Hub {
  ScriptedSink::Shared shared;
  ExportHub hub;
  inventory::InventoryView view;

  explicit Hub(bool exchanges = false, ExportHubOptions options = {}) : hub(options) {
    SinkOptions o;
    o.name = "s";
    o.batch_wait_ms = 0;
    o.exchanges = exchanges;
    hub.Add(std::make_unique<SinkRunner>(o, std::make_unique<ScriptedSink>(shared),
                                         [](const std::string&) {}));
  }

  void Publish(const std::vector<findings::Finding>& changed, uint64_t now) {
    hub.OnPublish(inventory::Published{view, {}, {}, changed, now});
    EXPECT_TRUE(hub.runners()[0]->WaitIdle(5000));
  }

  std::vector<std::string> Delivered() {
    std::lock_guard lock(shared.mu);
    std::vector<std::string> out;
    for (const auto& b : shared.delivered) out.insert(out.end(), b.begin(), b.end());
    return out;
  }
};

findings::Finding MakeFinding(const std::string& id, uint64_t count) {
  findings::Finding f;
  f.id = id;
  f.type = "weak_jwt";
  f.count = count;
  return f;
}

TEST(ExportHub, NewFindingsGoOutAtOnceUpdatesAtMostOncePerInterval) {
  ExportHubOptions options;
  options.finding_update_interval_ns = 60 * kSecond;
  Hub h(false, options);
  const uint64_t t0 = 1000 * kSecond;
  h.Publish({MakeFinding("a", 1)}, t0);
  h.Publish({MakeFinding("a", 2), MakeFinding("b", 1)}, t0 + kSecond);  // a: too soon
  h.Publish({MakeFinding("a", 9)}, t0 + 30 * kSecond);                  // still too soon
  h.Publish({MakeFinding("a", 12)}, t0 + 61 * kSecond);                 // interval passed
  EXPECT_EQ(h.Delivered(), (std::vector<std::string>{"a", "b", "a"}));
}

TEST(ExportHub, ExchangesOnlyWhenASinkAsksAndBoundedBetweenPublishes) {
  Hub without(false);
  EXPECT_FALSE(without.hub.wants_exchanges());

  ExportHubOptions options;
  options.max_pending_exchanges = 3;
  Hub with(true, options);
  EXPECT_TRUE(with.hub.wants_exchanges());
  ExchangeRecord record;
  record.role = Role::kServer;
  inventory::ObservedEndpoint endpoint;
  endpoint.service = "shop";
  endpoint.method = "GET";
  endpoint.path = "/users/{id}";
  for (int i = 0; i < 5; ++i) with.hub.OnExchange(record, endpoint);
  with.Publish({}, kSecond);
  EXPECT_EQ(with.Delivered(), (std::vector<std::string>(3, "exchange:/users/{id}")));
  bool counted = false;
  for (const metrics::Counter& c : with.hub.Counters()) {
    if (c.name == "export_exchanges_dropped") {
      EXPECT_EQ(c.value, 2u);
      counted = true;
    }
  }
  EXPECT_TRUE(counted);
}

}  // namespace
}  // namespace apisensor::exporters
