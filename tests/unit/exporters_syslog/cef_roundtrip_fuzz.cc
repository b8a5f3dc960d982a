// Any text through the CEF formatter and back through the strict test parser must parse, and
// every field must read back as exactly what CleanValue says the formatter keeps of it (the
// value made safe and cut to its field's length). Raw input must not crash the parser either.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

#include "exporters/formats/cef/cef_formatter.h"
#include "exporters/formats/cef/cef_text.h"
#include "tests/unit/exporters_syslog/cef_parser.h"

namespace {

using apisensor::exporters::cef::CleanValue;
using apisensor::exporters::cef::Part;
using apisensor::testing::CefEvent;

void Check(bool ok) {
  if (!ok) std::abort();
}

std::string Ext(const std::string& value, size_t max) {
  return CleanValue(value, max, Part::kExtension);
}

void CheckFinding(FuzzedDataProvider& in, const apisensor::exporters::FormatOptions& options) {
  apisensor::findings::Finding f;
  f.id = in.ConsumeRandomLengthString(64);
  f.type = in.ConsumeRandomLengthString(2000);
  f.title = in.ConsumeRandomLengthString(2000);
  f.description = in.ConsumeRandomLengthString(3000);
  f.service = in.ConsumeRandomLengthString(200);
  f.endpoint = in.ConsumeRandomLengthString(200);
  f.caller = in.ConsumeRandomLengthString(100);
  f.owasp = in.ConsumeRandomLengthString(50);
  f.count = in.ConsumeIntegral<uint64_t>();
  f.evidence.emplace_back(in.ConsumeRandomLengthString(50), in.ConsumeRandomLengthString(5000));
  std::string line;
  Check(apisensor::exporters::MakeCefFormatter(options)->Format(f, line));
  const std::optional<CefEvent> e = apisensor::testing::ParseCef(line);
  Check(e.has_value());
  Check(e->device_version == CleanValue(options.product_version, 31, Part::kHeader));
  Check(e->signature == CleanValue(f.type, 1023, Part::kHeader));
  Check(e->name == CleanValue(f.title.empty() ? f.type : f.title, 512, Part::kHeader));
  Check(e->Get("msg") == Ext(f.description, 1023));
  Check(e->Get("cs1") == Ext(f.service, 4000));
  Check(e->Get("cs2") == Ext(f.type, 4000));
  Check(e->Get("cs4") == Ext(f.endpoint, 4000));
  Check(e->Get("cs5") == Ext(f.caller, 4000));
  Check(e->Get("cs6") == Ext(f.evidence[0].first + "=" + f.evidence[0].second, 4000));
  Check(e->Get("src") + e->Get("sproc") == Ext(f.caller, 1023));
  Check(e->Get("cat") == Ext(f.owasp, 1023));
  Check(e->Get("externalId") == Ext(f.id, 40));
  Check(e->Get("dvchost") == Ext(options.hostname, 100));
  Check(e->Get("cnt") == std::to_string(f.count));
  const size_t space = f.endpoint.find(' ');
  if (space == std::string::npos) {
    Check(e->Get("request") == Ext(f.endpoint, 1023));
  } else {
    Check(e->Get("requestMethod") == Ext(f.endpoint.substr(0, space), 1023));
    Check(e->Get("request") == Ext(f.endpoint.substr(space + 1), 1023));
  }
}

void CheckExchange(FuzzedDataProvider& in, const apisensor::exporters::FormatOptions& options) {
  apisensor::exporters::ExchangeSummary s;
  s.method = in.ConsumeRandomLengthString(20);
  s.path = in.ConsumeRandomLengthString(2000);
  s.user_agent = in.ConsumeRandomLengthString(300);
  s.host = in.ConsumeRandomLengthString(300);
  s.process = in.ConsumeRandomLengthString(20);
  s.protocol = in.ConsumeRandomLengthString(40);
  s.has_response = in.ConsumeBool();
  s.status = in.ConsumeIntegral<uint16_t>();
  std::string line;
  Check(apisensor::exporters::MakeCefFormatter(options)->Format(s, line));
  const std::optional<CefEvent> e = apisensor::testing::ParseCef(line);
  Check(e.has_value());
  Check(e->Get("request") == Ext(s.path, 1023));
  Check(e->Get("requestMethod") == Ext(s.method, 1023));
  Check(e->Get("requestClientApplication") == Ext(s.user_agent, 1023));
  Check(e->Get("dhost") == Ext(s.host, 1023));
  Check(e->Get("cs5") == Ext(s.process, 4000));
  Check(e->Get("app") == Ext(s.protocol, 31));
  Check(!s.has_response || e->Get("cn1") == std::to_string(s.status));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)apisensor::testing::ParseCef(std::string_view(reinterpret_cast<const char*>(data), size));
  FuzzedDataProvider in(data, size);
  apisensor::exporters::FormatOptions options;
  options.product_version = in.ConsumeRandomLengthString(64);
  options.hostname = in.ConsumeRandomLengthString(200);
  if (in.ConsumeBool()) {
    CheckFinding(in, options);
  } else {
    CheckExchange(in, options);
  }
  return 0;
}
