// Detectors of how credentials travel (OWASP API2:2023, broken authentication), each decided
// from one exchange:
//   credential_in_url      an API key, token or password in the query string, where proxies,
//                          logs and browser history keep it;
//   cleartext_credentials  any credential sent without TLS between two hosts (loopback and
//                          same-host calls excluded);
//   weak_jwt               a JWT with alg "none", without exp, or expired yet answered 2xx.
#pragma once

#include "agent/detectors/detector.h"

namespace apisensor::detectors {

class CredentialInUrl final : public Detector {
 public:
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
};

class CleartextCredentials final : public Detector {
 public:
  // `local` tells which addresses are this host's; it must outlive the detector.
  explicit CleartextCredentials(const inventory::LocalAddresses& local) : local_(local) {}
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;

 private:
  const inventory::LocalAddresses& local_;
};

class WeakJwt final : public Detector {
 public:
  void Inspect(const ExchangeRecord& record, const inventory::ObservedEndpoint& endpoint,
               findings::FindingSink& sink) override;
};

}  // namespace apisensor::detectors
