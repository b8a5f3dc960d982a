// Fuzzes the OCSF format with what traffic controls: any method, Host header (split into name
// and port), path, user agent, addresses, counts and times, and findings with any text and
// evidence. Every event, of each class, must be valid JSON and a valid OCSF event by the schema
// subset (tests/data/ocsf): a SIEM drops an event that is not, so this is a crash as much as a
// crash is.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "exporters/formats/ocsf/ocsf_formatter.h"
#include "tests/unit/exporters_ocsf/ocsf_validator.h"

namespace {

using apisensor::exporters::ExchangeSummary;
using apisensor::exporters::ExportItem;
using apisensor::exporters::FormatOptions;
using apisensor::findings::Finding;
using apisensor::findings::Severity;

std::string Text(FuzzedDataProvider& in, size_t max = 64) {
  return in.ConsumeRandomLengthString(max);
}

Finding MakeFinding(FuzzedDataProvider& in) {
  Finding f;
  f.id = Text(in);
  f.type = Text(in);
  f.severity = static_cast<Severity>(in.ConsumeIntegralInRange<int>(0, 4));
  f.owasp = Text(in);
  f.title = Text(in);
  f.description = Text(in, 256);
  f.service = Text(in);
  f.endpoint = Text(in);
  f.caller = Text(in);
  f.first_seen_ns = in.ConsumeIntegral<uint64_t>();
  f.last_seen_ns = in.ConsumeIntegral<uint64_t>();
  f.count = in.ConsumeIntegral<uint64_t>();
  const int evidence = in.ConsumeIntegralInRange<int>(0, 6);
  for (int i = 0; i < evidence; ++i) f.evidence.emplace_back(Text(in, 16), Text(in));
  return f;
}

ExchangeSummary MakeExchange(FuzzedDataProvider& in) {
  ExchangeSummary s;
  s.time_ns = in.ConsumeIntegral<uint64_t>();
  s.latency_ns = in.ConsumeIntegral<uint64_t>();
  s.service = Text(in);
  s.method = Text(in, 24);
  s.path = Text(in);
  s.endpoint_state = Text(in, 16);
  s.host = Text(in);
  s.protocol = Text(in, 16);
  s.tls = in.ConsumeBool();
  s.client_ip = Text(in, 48);
  s.client_port = in.ConsumeIntegral<uint16_t>();
  s.server_ip = Text(in, 48);
  s.server_port = in.ConsumeIntegral<uint16_t>();
  s.caller = Text(in);
  s.process = Text(in, 16);
  s.pid = in.ConsumeIntegral<uint32_t>();
  s.user_agent = Text(in, 256);
  s.auth = Text(in, 16);
  s.has_response = in.ConsumeBool();
  s.status = in.ConsumeIntegral<uint16_t>();
  s.request_body_bytes = in.ConsumeIntegral<uint64_t>();
  s.response_body_bytes = in.ConsumeIntegral<uint64_t>();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  FormatOptions options;
  options.hostname = in.ConsumeBool() ? "" : Text(in, 32);
  options.product_version = Text(in, 16);
  const ExportItem item = in.ConsumeBool() ? ExportItem(MakeFinding(in)) : MakeExchange(in);
  for (const char* exchange_class : {"api_activity", "http_activity"}) {
    options.ocsf_exchange_class = exchange_class;
    std::string json;
    if (!apisensor::exporters::MakeOcsfFormatter(options)->Format(item, json)) std::abort();
    const auto problems = apisensor::testing::OcsfValidator::Default().Validate(json);
    if (!problems.empty()) {
      std::fprintf(stderr, "%s%s\n", apisensor::testing::JoinLines(problems).c_str(), json.c_str());
      std::abort();
    }
  }
  return 0;
}
