#include <gtest/gtest.h>

#include "agent/detectors/behaviour_detectors.h"
#include "agent/detectors/caller_detectors.h"
#include "agent/detectors/credential_detectors.h"
#include "agent/detectors/detector_config.h"
#include "agent/detectors/exposure_detectors.h"
#include "agent/detectors/finding_builder.h"
#include "agent/detectors/unauthenticated_access.h"
#include "agent/findings/finding_log.h"
#include "tests/unit/support/socket_address.h"

namespace apisensor::detectors {
namespace {

constexpr uint64_t kNowS = 1'800'000'000;

using apisensor::testing::V4;

class Recorder final : public findings::FindingSink {
 public:
  void Report(const findings::Finding& f) override { reported.push_back(f); }
  std::vector<findings::Finding> reported;
};

struct Case {
  ExchangeRecord record;
  inventory::EndpointStats stats;
  inventory::DeclaredInfo declared;
  inventory::EndpointState state = inventory::EndpointState::kShadow;
  std::string path = "/api/orders/{id}";

  Case() {
    record.ts_unix_ns = kNowS * 1'000'000'000ULL;
    record.role = Role::kServer;
    record.local = V4("10.0.0.5", 8080);
    record.remote = V4("10.9.9.9", 51000);
    record.http.request.method = "GET";
    record.http.request.target = "/api/orders/7";
    record.http.request.headers = {{"user-agent", "curl/8"}};
    record.http.response.emplace();
    record.http.response->status = 200;
  }

  // The inventory counts the call before the detectors see it.
  inventory::ObservedEndpoint Observed() {
    stats.requests += 1;
    stats.auth[static_cast<size_t>(record.auth.kind)] += 1;
    inventory::ObservedEndpoint e;
    e.service = "shop:8080";
    e.method = "GET";
    e.path = path;
    e.state = state;
    e.declared = &declared;
    e.stats = &stats;
    e.caller = "10.9.9.9";
    return e;
  }
};

std::vector<findings::Finding> Inspect(Detector& d, Case& c) {
  Recorder r;
  const inventory::ObservedEndpoint e = c.Observed();
  d.Inspect(c.record, e, r);
  return r.reported;
}

std::string Evidence(const findings::Finding& f, std::string_view key) {
  for (const auto& [k, v] : f.evidence) {
    if (k == key) return v;
  }
  return "<absent>";
}

TEST(UnauthenticatedAccess, DeclaredSecuredEndpointAnsweredWithoutCredential) {
  UnauthenticatedAccess d({});
  Case c;
  c.state = inventory::EndpointState::kDeclared;
  c.declared.secured = true;
  const auto found = Inspect(d, c);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].type, "unauthenticated_access");
  EXPECT_EQ(found[0].owasp, "API2:2023");
  EXPECT_EQ(found[0].severity, findings::Severity::kHigh);
  EXPECT_EQ(found[0].endpoint, "GET /api/orders/{id}");
  EXPECT_EQ(Evidence(found[0], "reason"), "declared_secured");
  EXPECT_EQ(Evidence(found[0], "request"), "GET /api/orders/{id}");  // never the raw path
}

TEST(UnauthenticatedAccess, NearMissesStayQuiet) {
  UnauthenticatedAccess d({});
  {  // Declared secured but refused: the server did its job.
    Case c;
    c.state = inventory::EndpointState::kDeclared;
    c.declared.secured = true;
    c.record.http.response->status = 401;
    EXPECT_TRUE(Inspect(d, c).empty());
  }
  {  // With a credential.
    Case c;
    c.state = inventory::EndpointState::kDeclared;
    c.declared.secured = true;
    c.record.auth.kind = secrets::AuthKind::kBearer;
    EXPECT_TRUE(Inspect(d, c).empty());
  }
  {  // A public endpoint: nothing says it should be protected.
    Case c;
    c.path = "/api/health";
    EXPECT_TRUE(Inspect(d, c).empty());
  }
  {  // No response at all.
    Case c;
    c.declared.secured = true;
    c.state = inventory::EndpointState::kDeclared;
    c.record.http.response.reset();
    EXPECT_TRUE(Inspect(d, c).empty());
  }
}

TEST(UnauthenticatedAccess, UsuallyAuthenticatedNeedsABaseline) {
  UnauthenticatedAccess d({});
  Case c;
  c.stats.requests = 19;
  c.stats.auth[static_cast<size_t>(secrets::AuthKind::kJwt)] = 19;
  EXPECT_TRUE(Inspect(d, c).empty()) << "19 earlier calls are not a baseline";
  Case enough;
  enough.stats.requests = 40;
  enough.stats.auth[static_cast<size_t>(secrets::AuthKind::kJwt)] = 39;
  enough.stats.auth[static_cast<size_t>(secrets::AuthKind::kNone)] = 1;
  const auto found = Inspect(d, enough);  // 39 of 40 earlier calls authenticated: 97.5 %
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Evidence(found[0], "reason"), "usually_authenticated");
  Case mixed;
  mixed.stats.requests = 40;
  mixed.stats.auth[static_cast<size_t>(secrets::AuthKind::kJwt)] = 36;
  mixed.stats.auth[static_cast<size_t>(secrets::AuthKind::kNone)] = 4;  // 90 %: optional auth
  EXPECT_TRUE(Inspect(d, mixed).empty());
}

TEST(UnauthenticatedAccess, SensitiveResponsesAndPrivilegedPaths) {
  UnauthenticatedAccess d({});
  Case sensitive;
  sensitive.stats.response.sensitive.Add(sensitive::Kind::kEmail);
  const auto a = Inspect(d, sensitive);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(Evidence(a[0], "reason"), "sensitive_response");
  EXPECT_EQ(Evidence(a[0], "sensitive"), "email");
  Case admin;
  admin.path = "/api/Admin/users";
  const auto b = Inspect(d, admin);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(Evidence(b[0], "reason"), "privileged_path");
  EXPECT_TRUE(IsPrivilegedPath("/actuator/env", DetectorOptions{}.privileged_segments));
  EXPECT_FALSE(IsPrivilegedPath("/api/administrators-guide",
                                DetectorOptions{}.privileged_segments));  // a segment, not a prefix
  EXPECT_FALSE(IsPrivilegedPath("/debugger", DetectorOptions{}.privileged_segments));
}

TEST(CredentialInUrl, KeysAndPasswordsInTheQuery) {
  CredentialInUrl d;
  Case c;
  c.record.http.request.target = "/api/orders/7?page=2&api_key=k-123";
  const auto found = Inspect(d, c);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].type, "credential_in_url");
  EXPECT_EQ(Evidence(found[0], "query_parameter"), "api_key");
  for (const auto& f : found[0].evidence) EXPECT_EQ(f.second.find("k-123"), std::string::npos);
  Case password;
  password.record.http.request.target = "/login?user=ada&password=hunter2";
  EXPECT_EQ(Inspect(d, password).size(), 1u);
  Case near;
  near.record.http.request.target = "/search?keyword=token&monkey=1&api_key=";
  EXPECT_TRUE(Inspect(d, near).empty());
}

TEST(CleartextCredentials, OnlyBetweenHostsAndOnlyWithoutTls) {
  inventory::LocalAddresses local;
  local.SetForTesting({V4("10.0.0.5", 0)});
  CleartextCredentials d(local);
  Case c;
  c.record.auth.kind = secrets::AuthKind::kBasic;
  const auto found = Inspect(d, c);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, findings::Severity::kHigh);
  EXPECT_EQ(Evidence(found[0], "auth"), "basic");
  Case tls = Case();
  tls.record.auth.kind = secrets::AuthKind::kBasic;
  tls.record.tls = true;
  EXPECT_TRUE(Inspect(d, tls).empty());
  Case loopback;
  loopback.record.auth.kind = secrets::AuthKind::kBasic;
  loopback.record.remote = V4("127.0.0.1", 40000);
  EXPECT_TRUE(Inspect(d, loopback).empty());
  Case same_host;
  same_host.record.auth.kind = secrets::AuthKind::kBasic;
  same_host.record.remote = V4("10.0.0.5", 40000);
  EXPECT_TRUE(Inspect(d, same_host).empty());
  Case anonymous;
  EXPECT_TRUE(Inspect(d, anonymous).empty());
}

TEST(WeakJwt, AlgNoneMissingExpiryAndExpiredAccepted) {
  WeakJwt d;
  Case none;
  none.record.auth.kind = secrets::AuthKind::kJwt;
  none.record.auth.jwt = secrets::JwtClaims{"None", "idp", static_cast<int64_t>(kNowS + 60)};
  auto found = Inspect(d, none);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, findings::Severity::kCritical);
  EXPECT_EQ(Evidence(found[0], "problem"), "alg_none");

  Case no_exp;
  no_exp.record.auth.kind = secrets::AuthKind::kJwt;
  no_exp.record.auth.jwt = secrets::JwtClaims{"RS256", "idp", std::nullopt};
  found = Inspect(d, no_exp);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Evidence(found[0], "problem"), "no_expiry");

  Case expired;
  expired.record.auth.kind = secrets::AuthKind::kJwt;
  expired.record.auth.jwt = secrets::JwtClaims{"RS256", "idp", static_cast<int64_t>(kNowS - 1)};
  found = Inspect(d, expired);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Evidence(found[0], "problem"), "expired_accepted");
  EXPECT_NE(found[0].id, Inspect(d, no_exp)[0].id);  // different problems, different findings

  Case rejected = expired;  // expired, and the server said 401: correct behaviour
  rejected.record.http.response->status = 401;
  EXPECT_TRUE(Inspect(d, rejected).empty());
  Case fine;
  fine.record.auth.kind = secrets::AuthKind::kJwt;
  fine.record.auth.jwt = secrets::JwtClaims{"ES256", "idp", static_cast<int64_t>(kNowS + 600)};
  EXPECT_TRUE(Inspect(d, fine).empty());
}

TEST(AuthFailureBurst, ManyRefusalsFromOneCallerWithinTheWindow) {
  DetectorOptions options;
  options.auth_failures = 5;
  AuthFailureBurst d(options);
  findings::FindingLog log;
  auto refuse = [&](const char* caller, uint64_t offset_s, uint16_t status = 401) {
    Case c;
    c.record.ts_unix_ns += offset_s * 1'000'000'000ULL;
    c.record.http.response->status = status;
    inventory::ObservedEndpoint e = c.Observed();
    e.caller = caller;
    d.Inspect(c.record, e, log);
  };
  for (int i = 0; i < 4; ++i) refuse("10.9.9.9", static_cast<uint64_t>(i));
  refuse("10.8.8.8", 4);       // another caller does not add to the first one's count
  refuse("10.9.9.9", 4, 200);  // a success is not a failure
  EXPECT_EQ(log.size(), 0u);
  refuse("10.9.9.9", 5, 403);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.All()[0].type, "auth_failure_burst");
  EXPECT_EQ(log.All()[0].caller, "10.9.9.9");
  EXPECT_EQ(log.All()[0].endpoint, "*");
  // Slow guessing: the same number of failures spread beyond the window never fires.
  AuthFailureBurst slow(options);
  findings::FindingLog quiet;
  for (uint64_t i = 0; i < 20; ++i) {
    Case c;
    c.record.ts_unix_ns += i * 30 * 1'000'000'000ULL;
    c.record.http.response->status = 401;
    slow.Inspect(c.record, c.Observed(), quiet);
  }
  EXPECT_EQ(quiet.size(), 0u);
}

TEST(AuthFailureBurst, TrackedCallersAreBounded) {
  DetectorOptions options;
  options.max_tracked_callers = 3;
  AuthFailureBurst d(options);
  Recorder r;
  std::vector<std::string> callers;
  for (int i = 0; i < 10; ++i) callers.push_back("10.0.0." + std::to_string(i));
  for (const std::string& caller : callers) {
    Case c;
    c.record.http.response->status = 401;
    inventory::ObservedEndpoint e = c.Observed();
    e.caller = caller;
    d.Inspect(c.record, e, r);
  }
  EXPECT_EQ(d.untracked(), 7u);
}

TEST(NewExternalApi, FirstCallPerProcessAndHostOnly) {
  NewExternalApi d({});
  findings::FindingLog log;
  auto call = [&](const char* process, const char* host, inventory::ServiceKind kind) {
    Case c;
    inventory::ObservedEndpoint e = c.Observed();
    e.kind = kind;
    e.service = host;
    e.caller = process;
    d.Inspect(c.record, e, log);
  };
  call("billing", "api.stripe.com", inventory::ServiceKind::kExternal);
  call("billing", "api.stripe.com", inventory::ServiceKind::kExternal);
  call("billing", "hooks.slack.com", inventory::ServiceKind::kExternal);
  call("python3", "localhost:9000", inventory::ServiceKind::kLocal);  // not external
  ASSERT_EQ(log.size(), 2u);
  for (const auto& f : log.All()) {
    EXPECT_EQ(f.type, "new_external_api");
    EXPECT_EQ(f.owasp, "API10:2023");
    EXPECT_EQ(f.count, 1u);
  }
}

TEST(ObjectEnumeration, OneCallerWalkingIdsMostlyAnswered) {
  DetectorOptions options;
  options.enumeration_values = 10;
  ObjectEnumeration d(options);
  findings::FindingLog log;
  auto fetch = [&](int id, const char* caller, uint16_t status = 200, uint64_t offset_s = 0) {
    Case c;
    c.record.ts_unix_ns += offset_s * 1'000'000'000ULL;
    c.record.http.request.target = "/api/orders/" + std::to_string(id) + "?expand=1";
    c.record.http.response->status = status;
    inventory::ObservedEndpoint e = c.Observed();
    e.caller = caller;
    d.Inspect(c.record, e, log);
  };
  for (int i = 0; i < 9; ++i) fetch(i, "10.9.9.9");
  for (int i = 0; i < 30; ++i) fetch(i % 3, "10.7.7.7");   // many calls, few distinct objects
  for (int i = 0; i < 9; ++i) fetch(100 + i, "10.6.6.6");  // another caller's walk is separate
  EXPECT_EQ(log.size(), 0u);
  fetch(9, "10.9.9.9");
  ASSERT_EQ(log.size(), 1u);
  const findings::Finding f = log.All()[0];
  EXPECT_EQ(f.type, "object_enumeration");
  EXPECT_EQ(f.owasp, "API1:2023");
  EXPECT_EQ(f.caller, "10.9.9.9");
  EXPECT_EQ(Evidence(f, "distinct_values"), "10");
  for (const auto& [k, v] : f.evidence) EXPECT_EQ(v.find("/api/orders/9"), std::string::npos);
  fetch(10, "10.9.9.9");
  EXPECT_EQ(log.All()[0].count, 1u);  // reported once per walk
}

TEST(ObjectEnumeration, ScannersCollectingErrorsAndSlowWalksAreNotBola) {
  DetectorOptions options;
  options.enumeration_values = 10;
  ObjectEnumeration d(options);
  Recorder r;
  for (int i = 0; i < 20; ++i) {  // mostly 404: guessing, not reading
    Case c;
    c.record.http.request.target = "/api/orders/" + std::to_string(i);
    c.record.http.response->status = i % 4 == 0 ? 200 : 404;
    d.Inspect(c.record, c.Observed(), r);
  }
  ObjectEnumeration slow(options);
  for (int i = 0; i < 20; ++i) {  // one object every 10 s: never 10 within a minute
    Case c;
    c.record.ts_unix_ns += static_cast<uint64_t>(i) * 10'000'000'000ULL;
    c.record.http.request.target = "/api/orders/" + std::to_string(i);
    slow.Inspect(c.record, c.Observed(), r);
  }
  Case no_parameter;
  no_parameter.path = "/api/orders";
  no_parameter.record.http.request.target = "/api/orders";
  d.Inspect(no_parameter.record, no_parameter.Observed(), r);
  EXPECT_TRUE(r.reported.empty());
}

TEST(ExcessiveDataExposure, OversizedResponseAfterWarmUp) {
  ExcessiveDataExposure d({});
  Case c;
  c.stats.response.messages = 21;  // 20 earlier responses of 1 KiB, and this one
  c.record.http.response->body_size = 512 * 1024;
  c.stats.response.body_bytes = 20 * 1024 + c.record.http.response->body_size;
  const auto found = Inspect(d, c);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].owasp, "API3:2023");
  EXPECT_EQ(Evidence(found[0], "usual_body_bytes"), "1024");
  Case young = c;  // the same response before the baseline exists
  young.stats.response.messages = 5;
  young.stats.response.body_bytes = 4 * 1024 + young.record.http.response->body_size;
  EXPECT_TRUE(Inspect(d, young).empty());
  Case big_but_usual;  // always large: 512 KiB is its normal size
  big_but_usual.stats.response.messages = 21;
  big_but_usual.record.http.response->body_size = 600 * 1024;
  big_but_usual.stats.response.body_bytes = 20 * 500 * 1024 + 600 * 1024;
  EXPECT_TRUE(Inspect(d, big_but_usual).empty());
}

TEST(ExcessiveDataExposure, NewSensitiveKindsInResponses) {
  ExcessiveDataExposure d({});
  Case c;
  c.stats.response.messages = 30;
  c.stats.response.body_bytes = 30 * 100;
  c.record.http.response->body_size = 100;
  Recorder r;
  inventory::ObservedEndpoint e = c.Observed();
  e.new_response_sensitive.Add(sensitive::Kind::kCreditCard);
  d.Inspect(c.record, e, r);
  ASSERT_EQ(r.reported.size(), 1u);
  EXPECT_EQ(r.reported[0].severity, findings::Severity::kHigh);
  EXPECT_EQ(Evidence(r.reported[0], "new_sensitive"), "credit_card");
}

// Sends `calls` requests from one caller spread over the bucket that starts `bucket` buckets
// after the case's time.
void Burst(Detector& d, findings::FindingSink& sink, uint64_t bucket, int calls,
           const char* caller = "10.9.9.9") {
  for (int i = 0; i < calls; ++i) {
    Case c;
    c.record.ts_unix_ns = (kNowS / 10 * 10 + bucket * 10) * 1'000'000'000ULL +
                          static_cast<uint64_t>(i) * (9'000'000'000ULL / (calls + 1));
    inventory::ObservedEndpoint e = c.Observed();
    e.caller = caller;
    d.Inspect(c.record, e, sink);
  }
}

TEST(RateAnomaly, SpikeAboveTheCallersOwnBaseline) {
  RateAnomaly d({});
  findings::FindingLog log;
  for (uint64_t b = 0; b < 10; ++b) Burst(d, log, b, 5);
  EXPECT_EQ(log.size(), 0u);
  Burst(d, log, 10, 120);
  ASSERT_EQ(log.size(), 1u);
  const findings::Finding f = log.All()[0];
  EXPECT_EQ(f.type, "rate_anomaly");
  EXPECT_EQ(f.owasp, "API4:2023");
  EXPECT_EQ(f.count, 1u);  // once per bucket, not per call
  EXPECT_EQ(Evidence(f, "reason"), "baseline");
  EXPECT_EQ(Evidence(f, "usual_calls_per_bucket"), "5");
}

TEST(RateAnomaly, NearMisses) {
  findings::FindingLog log;
  RateAnomaly busy({});  // a steadily busy caller growing a little is not an anomaly
  for (uint64_t b = 0; b < 10; ++b) Burst(busy, log, b, 60);
  Burst(busy, log, 10, 75);
  RateAnomaly young({});  // no baseline yet: only the absolute cap applies
  Burst(young, log, 0, 5);
  Burst(young, log, 1, 300);
  RateAnomaly small({});  // a spike too small to matter
  for (uint64_t b = 0; b < 10; ++b) Burst(small, log, b, 1);
  Burst(small, log, 10, 30);
  EXPECT_EQ(log.size(), 0u);
  RateAnomaly capped({});
  Burst(capped, log, 0, 1000);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(Evidence(log.All()[0], "reason"), "absolute_cap");
}

TEST(PrivilegedFunctionAccess, NewCallerAfterTheBaseline) {
  PrivilegedFunctionAccess d({});
  findings::FindingLog log;
  auto call = [&](const char* caller, const char* path, uint16_t status = 200) {
    Case c;
    c.path = path;
    c.record.http.response->status = status;
    inventory::ObservedEndpoint e = c.Observed();
    e.caller = caller;
    d.Inspect(c.record, e, log);
  };
  for (int i = 0; i < 21; ++i) call(i % 2 ? "10.0.0.1" : "10.0.0.2", "/api/admin/users");
  call("10.0.0.3", "/api/users/{id}");  // not privileged
  EXPECT_EQ(log.size(), 0u);
  call("10.6.6.6", "/api/admin/users", 403);  // refused: the control worked
  call("10.6.6.7", "/api/admin/users");
  call("10.6.6.7", "/api/admin/users");  // known from now on
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.All()[0].type, "privileged_function_access");
  EXPECT_EQ(log.All()[0].owasp, "API5:2023");
  EXPECT_EQ(log.All()[0].caller, "10.6.6.7");
  EXPECT_EQ(log.All()[0].count, 1u);
}

TEST(FindingLog, RepeatsUpdateOneFindingAndNewOnesAreRateLimitedPerType) {
  findings::FindingLog log(1000, 2);
  findings::Finding f;
  f.type = "credential_in_url";
  f.id = "a";
  f.last_seen_ns = f.first_seen_ns = 60'000'000'000ULL;
  log.Report(f);
  log.Report(f);
  EXPECT_EQ(log.size(), 1u);
  EXPECT_EQ(log.All()[0].count, 2u);
  f.id = "b";
  log.Report(f);
  f.id = "c";
  log.Report(f);  // a third new finding of this type in the same minute
  EXPECT_EQ(log.size(), 2u);
  EXPECT_EQ(log.rate_limited(), 1u);
  f.type = "weak_jwt";  // another type has its own budget
  log.Report(f);
  EXPECT_EQ(log.size(), 3u);
  f.type = "credential_in_url";
  f.id = "d";
  f.last_seen_ns += 60'000'000'000ULL;  // next minute
  log.Report(f);
  EXPECT_EQ(log.size(), 4u);
}

}  // namespace
}  // namespace apisensor::detectors

namespace apisensor::detectors {
namespace {

TEST(DetectorConfig, EveryKeyParsesAndUnsetOnesKeepTheirDefaults) {
  const DetectorOptions o = ParseDetectorConfig(R"(
unauthenticated_access: {authenticated_share: 0.9, privileged_segments: [admin, ops]}
auth_failure_burst: {failures: 5, window_s: 30}
object_enumeration: {values: 100, window_s: 120, success_share: 0.5}
excessive_data_exposure: {baseline_responses: 50, min_bytes: 1024, size_factor: 4}
rate_anomaly: {bucket_s: 5, ewma_alpha: 0.1, warmup_buckets: 12, z: 3, min_calls: 10,
               absolute_cap: 500}
privileged_function_access: {baseline_calls: 5}
max_tracked_callers: 100
)",
                                                "t.yaml");
  EXPECT_DOUBLE_EQ(o.authenticated_share, 0.9);
  EXPECT_EQ(o.baseline_calls, DetectorOptions{}.baseline_calls);  // not set: default
  EXPECT_EQ(o.privileged_segments, (std::vector<std::string>{"admin", "ops"}));
  EXPECT_EQ(o.auth_failures, 5u);
  EXPECT_EQ(o.auth_failure_window_ns, 30'000'000'000ULL);
  EXPECT_EQ(o.enumeration_values, 100u);
  EXPECT_EQ(o.enumeration_window_ns, 120'000'000'000ULL);
  EXPECT_EQ(o.exposure_min_bytes, 1024u);
  EXPECT_EQ(o.rate_bucket_ns, 5'000'000'000ULL);
  EXPECT_DOUBLE_EQ(o.rate_z, 3);
  EXPECT_EQ(o.rate_absolute_cap, 500u);
  EXPECT_EQ(o.privileged_baseline_calls, 5u);
  EXPECT_EQ(o.max_tracked_callers, 100u);
  EXPECT_EQ(ParseDetectorConfig("", "empty.yaml").auth_failures, 20u);
}

TEST(DetectorConfig, MistakesAreOneSentenceNamingTheKey) {
  auto error = [](const char* yaml) {
    try {
      ParseDetectorConfig(yaml, "d.yaml");
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error("auth_failure_burst: {failurs: 5}")
                .find("auth_failure_burst.failurs is not a "
                      "setting"),
            std::string::npos);
  EXPECT_NE(error("rate_anomaly: {z: -1}").find("rate_anomaly.z must be between"),
            std::string::npos);
  EXPECT_NE(error("object_enumeration: {values: lots}").find("must be a number"),
            std::string::npos);
  EXPECT_NE(error("rate_anomaly: [1, 2]").find("rate_anomaly must be a mapping"),
            std::string::npos);
  EXPECT_NE(error("a: [").find("d.yaml: line"), std::string::npos);
}

}  // namespace
}  // namespace apisensor::detectors
