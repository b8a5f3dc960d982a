// How a receiver knows a batch came from apisensor and was not altered: an HMAC-SHA256 with a key
// both sides hold, over the timestamp and the body, so an old request replayed later fails a
// receiver's freshness check on the timestamp.
#pragma once

#include <string>
#include <string_view>

namespace apisensor::exporters {

// "sha256=<64 lower-case hex digits>" of HMAC-SHA256(key, timestamp + "." + body): the value of
// X-Apisensor-Signature.
std::string WebhookSignature(std::string_view key, std::string_view timestamp,
                             std::string_view body);

}  // namespace apisensor::exporters
