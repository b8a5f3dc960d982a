#include "agent/detectors/credential_detectors.h"

#include "agent/detectors/finding_builder.h"
#include "agent/text/ascii_case.h"

namespace apisensor::detectors {
void CredentialInUrl::Inspect(const ExchangeRecord& record,
                              const inventory::ObservedEndpoint& endpoint,
                              findings::FindingSink& sink) {
  const std::optional<secrets::QueryCredential> credential =
      secrets::FindQueryCredential(record.http.request.target);
  if (!credential) return;
  findings::Finding f = StartFinding(
      "credential_in_url", findings::Severity::kMedium, "API2:2023", "Credential in the URL",
      "A credential travels in the query string, where proxies, access logs and browser history "
      "keep it in clear. Send it in a header instead.",
      record, endpoint);
  f.evidence.emplace_back("query_parameter", credential->name.substr(0, 64));
  sink.Report(f);
}

void CleartextCredentials::Inspect(const ExchangeRecord& record,
                                   const inventory::ObservedEndpoint& endpoint,
                                   findings::FindingSink& sink) {
  if (record.tls || !record.auth.authenticated()) return;
  // Between processes of one host nothing crosses a wire.
  if (local_.IsLocal(record.remote)) return;
  findings::Finding f = StartFinding(
      "cleartext_credentials", findings::Severity::kHigh, "API2:2023",
      "Credentials sent without TLS",
      "A credential crossed the network in clear text: anyone on the path can read and replay it.",
      record, endpoint);
  f.evidence.emplace_back("auth", secrets::AuthKindName(record.auth.kind));
  if (!record.auth.carrier.empty()) {
    f.evidence.emplace_back("carrier",
                            std::string(record.auth.carrier_in) + ":" + record.auth.carrier);
  }
  sink.Report(f);
}

void WeakJwt::Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
                      findings::FindingSink& sink) {
  if (!record.auth.jwt) return;
  const secrets::JwtClaims& jwt = *record.auth.jwt;
  const int64_t now_s = static_cast<int64_t>(record.ts_unix_ns / 1'000'000'000);
  std::string_view problem;
  findings::Severity severity = findings::Severity::kMedium;
  if (text::EqualsIgnoreAsciiCase(jwt.alg, "none")) {
    problem = "alg_none";
    severity = findings::Severity::kCritical;
  } else if (!jwt.exp) {
    problem = "no_expiry";
  } else if (*jwt.exp < now_s && IsSuccess(record)) {
    problem = "expired_accepted";
    severity = findings::Severity::kHigh;
  } else {
    return;
  }
  findings::Finding f = StartFinding(
      "weak_jwt", severity, "API2:2023", "Weak JWT",
      problem == "alg_none"
          ? "A JWT with alg \"none\" carries no signature: anyone can forge its claims."
      : problem == "no_expiry"
          ? "A JWT without exp never expires: a leaked token stays valid forever."
          : "The server accepted a JWT after its expiry: it does not check exp.",
      record, endpoint);
  // One finding per problem: an unsigned token and a missing expiry are different fixes.
  f.id = findings::FindingId(f.type + ":" + std::string(problem), f.service, f.endpoint, f.caller);
  f.evidence.emplace_back("problem", problem);
  f.evidence.emplace_back("alg", jwt.alg);
  if (!jwt.iss.empty()) f.evidence.emplace_back("iss", jwt.iss);
  if (jwt.exp) f.evidence.emplace_back("exp", std::to_string(*jwt.exp));
  sink.Report(f);
}

}  // namespace apisensor::detectors
