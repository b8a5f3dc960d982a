#include "exporters/collector/status_text.h"

#include <gtest/gtest.h>

namespace apisensor::exporters {
namespace {

TEST(StatusText, NamesCommonFailuresInOneClause) {
  EXPECT_EQ(DescribeStreamFailure(grpc::Status(
                grpc::StatusCode::UNAVAILABLE,
                "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:9: "
                "Failed to connect to remote host: Connection refused")),
            "connection refused");
  EXPECT_EQ(DescribeStreamFailure(grpc::Status(
                grpc::StatusCode::UNAVAILABLE,
                "DNS resolution failed for nosuch.invalid:443: C-ares status is not ARES_SUCCESS")),
            "the host name does not resolve");
  const std::string tls = DescribeStreamFailure(grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:9: Ssl handshake "
      "failed: SSL_ERROR_SSL: error:1000007d:SSL routines:OPENSSL_internal:"
      "CERTIFICATE_VERIFY_FAILED"));
  EXPECT_NE(tls.find("the TLS handshake failed"), std::string::npos) << tls;
  EXPECT_NE(tls.find("CERTIFICATE_VERIFY_FAILED"), std::string::npos) << tls;
  EXPECT_NE(tls.find("check ca_file"), std::string::npos) << tls;
  const std::string auth =
      DescribeStreamFailure(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token."));
  EXPECT_EQ(auth,
            "the collector refused the agent's credentials (bad token): check token_file "
            "and cert_file");
  EXPECT_EQ(DescribeStreamFailure(grpc::Status(grpc::StatusCode::UNAVAILABLE, "Socket closed")),
            "the collector closed the connection");
  EXPECT_EQ(DescribeStreamFailure(grpc::Status(grpc::StatusCode::INTERNAL, "Weird thing\nmore")),
            "weird thing");
}

}  // namespace
}  // namespace apisensor::exporters
