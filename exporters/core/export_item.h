// What the exporters carry: findings, and (for sinks that ask for them) a summary of every
// exchange. Items are immutable and shared: one allocation per item, however many sinks queue it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "agent/exchange/exchange_record.h"
#include "agent/findings/finding.h"
#include "agent/inventory/inventory.h"

namespace apisensor::exporters {

// One exchange as a SIEM or the collector sees it: the endpoint template instead of the raw path
// (which can carry ids and tokens), the credential kind instead of any credential.
struct ExchangeSummary {
  uint64_t time_ns = 0;     // wall clock, request's first byte
  uint64_t latency_ns = 0;  // 0 without a response
  std::string service;
  std::string method;
  std::string path;            // the endpoint template
  std::string endpoint_state;  // declared, shadow, zombie
  std::string host;            // Host / :authority as sent
  std::string protocol;        // "http/1.1", "h2", "grpc"
  bool tls = false;
  std::string client_ip;
  uint16_t client_port = 0;
  std::string server_ip;
  uint16_t server_port = 0;
  std::string caller;   // as the inventory names it
  std::string process;  // comm of the traced process
  uint32_t pid = 0;
  std::string user_agent;  // at most 256 bytes
  std::string auth;        // secrets::AuthKindName
  bool has_response = false;
  uint16_t status = 0;
  uint64_t request_body_bytes = 0;
  uint64_t response_body_bytes = 0;
  k8s::WorkloadIdentity k8s;         // the service's workload, when known
  k8s::WorkloadIdentity caller_k8s;  // the caller's workload or Service, when known
};

ExchangeSummary SummarizeExchange(const ExchangeRecord& record,
                                  const inventory::ObservedEndpoint& endpoint);

using ExportItem = std::variant<findings::Finding, ExchangeSummary>;
using ExportItemPtr = std::shared_ptr<const ExportItem>;

}  // namespace apisensor::exporters
