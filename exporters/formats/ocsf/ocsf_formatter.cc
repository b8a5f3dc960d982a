#include "exporters/formats/ocsf/ocsf_formatter.h"

#include <string>
#include <variant>

#include "exporters/formats/ocsf/exchange_event.h"
#include "exporters/formats/ocsf/finding_event.h"
#include "exporters/formats/ocsf/ocsf_json.h"

namespace apisensor::exporters {
namespace {

class OcsfFormatter final : public Formatter {
 public:
  explicit OcsfFormatter(const FormatOptions& options)
      : options_(options),
        exchange_class_(options.ocsf_exchange_class == "http_activity"
                            ? ocsf::ExchangeClass::kHttpActivity
                            : ocsf::ExchangeClass::kApiActivity) {}

  bool Format(const ExportItem& item, std::string& out) override {
    ocsf::JsonOut json(scratch_);
    if (const auto* finding = std::get_if<findings::Finding>(&item)) {
      ocsf::WriteDetectionFinding(json, *finding, options_);
    } else {
      ocsf::WriteExchangeEvent(json, std::get<ExchangeSummary>(item), exchange_class_, options_);
    }
    json.AppendTo(out);
    return true;
  }

 private:
  const FormatOptions options_;
  const ocsf::ExchangeClass exchange_class_;
  std::string scratch_;  // reused for UTF-8 repairs
};

}  // namespace

std::unique_ptr<Formatter> MakeOcsfFormatter(const FormatOptions& options) {
  return std::make_unique<OcsfFormatter>(options);
}

}  // namespace apisensor::exporters
