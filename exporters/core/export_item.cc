#include "exporters/core/export_item.h"

#include "agent/inventory/views.h"
#include "agent/secrets/auth_observation.h"

namespace apisensor::exporters {

ExchangeSummary SummarizeExchange(const ExchangeRecord& record,
                                  const inventory::ObservedEndpoint& endpoint) {
  ExchangeSummary s;
  s.time_ns = record.ts_unix_ns;
  s.latency_ns = record.latency_ns;
  s.service = endpoint.service;
  s.method = endpoint.method;
  s.path = endpoint.path;
  s.endpoint_state = inventory::EndpointStateName(endpoint.state);
  const http::Request& request = record.http.request;
  const http::Header* host = request.Find("host");
  if (host == nullptr) host = request.Find(":authority");
  if (host != nullptr) s.host = host->value.substr(0, 255);
  s.protocol = record.http.grpc ? "grpc" : record.protocol;
  s.tls = record.tls;
  // The client is the remote end of a served call and the local end of an egress call.
  const bool served = record.role != Role::kClient;
  const SocketAddress& client = served ? record.remote : record.local;
  const SocketAddress& server = served ? record.local : record.remote;
  s.client_ip = client.AddressString();
  s.client_port = client.port;
  s.server_ip = server.AddressString();
  s.server_port = server.port;
  s.caller = endpoint.caller;
  if (endpoint.service_k8s != nullptr) s.k8s = *endpoint.service_k8s;
  if (endpoint.caller_k8s != nullptr) s.caller_k8s = *endpoint.caller_k8s;
  s.process = record.process.comm;
  s.pid = record.process.pid;
  if (const http::Header* ua = request.Find("user-agent")) s.user_agent = ua->value.substr(0, 256);
  s.auth = secrets::AuthKindName(record.auth.kind);
  s.request_body_bytes = request.body_size;
  if (record.http.response) {
    s.has_response = true;
    s.status = record.http.response->status;
    s.response_body_bytes = record.http.response->body_size;
  }
  return s;
}

}  // namespace apisensor::exporters
