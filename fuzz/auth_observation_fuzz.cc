// Fuzzes credential classification with any header values and request targets: it must classify
// or say none, never crash, and never hand back more of a JWT claim than the cap allows.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/secrets/auth_observation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The first byte picks where the bytes go; the rest is the value.
  const char* names[] = {"authorization", "cookie", "x-api-key", "x-auth-token"};
  apisensor::http::Request request;
  request.method = "GET";
  if (size > 0 && data[0] % 5 == 4) {
    request.target = "/x?" + input.substr(1);
  } else {
    request.target = "/x";
    request.headers.push_back({names[size > 0 ? data[0] % 4 : 0], size > 0 ? input.substr(1) : ""});
  }
  apisensor::secrets::AuthObservation out;
  apisensor::secrets::ObserveAuth(request, out);
  if (out.jwt && (out.jwt->alg.size() > apisensor::secrets::JwtClaims::kMaxClaimBytes ||
                  out.jwt->iss.size() > apisensor::secrets::JwtClaims::kMaxClaimBytes)) {
    __builtin_trap();
  }
  if (out.kind == apisensor::secrets::AuthKind::kNone && !out.carrier.empty()) __builtin_trap();
  (void)apisensor::secrets::DecodeJwtClaims(input);
  return 0;
}
