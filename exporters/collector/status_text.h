// Why a stream to the collector failed, as the end of one sentence a user can act on
// ("connection refused", "the TLS handshake failed: ..."), from gRPC's status.
#pragma once

#include <grpcpp/support/status.h>

#include <string>

namespace apisensor::exporters {

std::string DescribeStreamFailure(const grpc::Status& status);

}  // namespace apisensor::exporters
