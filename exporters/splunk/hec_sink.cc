#include "exporters/splunk/hec_sink.h"

#include <httplib.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "exporters/splunk/gzip.h"

namespace apisensor::exporters::splunk {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxReplyBody = 64 * 1024;
constexpr auto kFirstAckPoll = std::chrono::milliseconds(50);
constexpr auto kMaxAckPoll = std::chrono::milliseconds(1000);

DeliveryResult Retry(std::string sentence) { return {Delivery::kRetry, std::move(sentence)}; }

}  // namespace

std::string RandomUuid() {
  std::random_device device;
  std::uniform_int_distribution<int> byte(0, 255);
  unsigned char b[16];
  for (unsigned char& x : b) x = static_cast<unsigned char>(byte(device));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

HecSink::HecSink(HecSinkConfig config, std::unique_ptr<Formatter> formatter)
    : config_(std::move(config)),
      formatter_(std::move(formatter)),
      context_{config_.url.authority(), config_.token_file, config_.metadata.index},
      channel_(RandomUuid()),
      ack_target_(config_.url.ack_path + "?channel=" + channel_),
      client_(std::make_unique<httplib::Client>(config_.url.origin())) {
  const auto timeout = std::chrono::milliseconds(config_.timeout_ms);
  client_->set_connection_timeout(timeout);
  client_->set_read_timeout(timeout);
  client_->set_write_timeout(timeout);
  // One connection for the batch and its acknowledgement polls, and across batches.
  client_->set_keep_alive(true);
  client_->set_follow_location(false);
  if (config_.url.tls) {
    if (!config_.ca_file.empty()) client_->set_ca_cert_path(config_.ca_file);
    client_->enable_server_certificate_verification(!config_.insecure_skip_verify);
  }
}

HecSink::~HecSink() = default;

HecSink::Reply HecSink::Post(const std::string& path, const std::string& body, bool gzipped) {
  httplib::Request req;
  req.method = "POST";
  req.path = path;
  req.body = body;
  req.headers = {{"Authorization", "Splunk " + config_.token},
                 {"Content-Type", "application/json"},
                 {"User-Agent", "apisensor"}};
  if (gzipped) req.headers.emplace("Content-Encoding", "gzip");
  if (config_.ack) req.headers.emplace("X-Splunk-Request-Channel", channel_);

  Reply reply;
  // cpp-httplib bounds each read by the read timeout; this bounds the whole reply, so a server
  // that trickles bytes cannot hold the worker either.
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeout_ms);
  req.content_receiver = [&reply, deadline](const char* data, size_t n, uint64_t, uint64_t) {
    if (reply.body.size() < kMaxReplyBody) {
      reply.body.append(data, std::min(n, kMaxReplyBody - reply.body.size()));
    }
    return Clock::now() < deadline;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!client_->send(req, res, error)) {
    reply.error = TransportError(static_cast<int>(error));
    return reply;
  }
  reply.ok = true;
  reply.status = res.status;
  return reply;
}

std::string HecSink::TransportError(int code) const {
  const auto error = static_cast<httplib::Error>(code);
  const std::string where = "Splunk HEC at " + context_.authority;
  const std::string ms = std::to_string(config_.timeout_ms) + " ms";
  switch (error) {
    case httplib::Error::Connection:
      return "cannot connect to " + where + " (refused, unreachable or unresolvable).";
    case httplib::Error::ConnectionTimeout:
      return "cannot connect to " + where + " within " + ms + ".";
    case httplib::Error::Read:
      return where + " did not answer within " + ms + " or closed the connection.";
    case httplib::Error::Write:
      return where + " closed the connection while the batch was being sent.";
    case httplib::Error::Canceled:
      return where + " took longer than " + ms + " to answer.";
    case httplib::Error::SSLConnection:
      return "cannot set up TLS with " + where + ": is it serving https on this port?";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the CA certificates of ca_file " + config_.ca_file + ".";
    case httplib::Error::SSLServerVerification: {
      const long verify = client_->get_openssl_verify_result();
      const std::string against = config_.ca_file.empty()
                                      ? std::string("the system's CA certificates")
                                      : "ca_file " + config_.ca_file;
      if (verify == X509_V_OK) {
        return "the certificate of " + where + " does not name " + config_.url.host +
               ": use the host name it was issued for in url.";
      }
      return "cannot verify the certificate of " + where + " against " + against + " (" +
             X509_verify_cert_error_string(verify) +
             "): set ca_file to the CA that signed Splunk's certificate.";
    }
    default:
      return "cannot send to " + where + ": " + httplib::to_string(error) + ".";
  }
}

DeliveryResult HecSink::Deliver(std::span<const ExportItemPtr> items) {
  const size_t written = WriteHecBatch(items, *formatter_, config_.metadata, body_);
  const uint64_t skipped = items.size() - written;  // the format cannot express them
  if (written == 0) return Delivered(skipped);
  const std::string* payload = &body_;
  if (config_.gzip) {
    if (!Gzip(body_, gzipped_)) return Retry("cannot gzip the batch (out of memory).");
    payload = &gzipped_;
  }
  const Reply reply = Post(config_.url.event_path, *payload, config_.gzip);
  if (!reply.ok) return Scrubbed(Retry(reply.error));
  const HecReply parsed = ParseHecReply(reply.body);
  DeliveryResult result = ClassifyEventReply(reply.status, parsed, context_);
  // A token without indexer acknowledgement answers without an ackId: Splunk took the batch
  // and will not say more, so it is delivered.
  if (result.outcome == Delivery::kDelivered && config_.ack && parsed.ack_id) {
    result = AwaitAck(*parsed.ack_id);
  }
  result.skipped = skipped;
  return Scrubbed(std::move(result));
}

DeliveryResult HecSink::AwaitAck(uint64_t ack_id) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.ack_timeout_ms);
  const std::string query = AckQuery(ack_id);
  auto interval = kFirstAckPoll;
  std::string problem;
  while (true) {
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(interval, left));
    interval = std::min(interval * 2, kMaxAckPoll);
    const Reply reply = Post(ack_target_, query, false);
    if (!reply.ok) {
      problem = " (last poll: " + reply.error + ")";
      continue;
    }
    if (reply.status == 200) {
      if (ParseAckStatus(reply.body, ack_id).value_or(false)) return {Delivery::kDelivered, ""};
      continue;
    }
    const HecReply parsed = ParseHecReply(reply.body);
    if (reply.status >= 400 && reply.status < 500 && reply.status != 429) {
      // The channel expired or acknowledgement was turned off: waiting longer cannot help.
      return Retry("Splunk HEC at " + context_.authority + " cannot confirm ackId " +
                   std::to_string(ack_id) + " (HTTP " + std::to_string(reply.status) +
                   (parsed.text.empty() ? "" : ": " + parsed.text) + "); sending the batch again.");
    }
    problem = " (last poll: HTTP " + std::to_string(reply.status) + ")";
  }
  return Retry("Splunk HEC at " + context_.authority + " did not acknowledge the batch within " +
               std::to_string(config_.ack_timeout_ms) + " ms" + problem + "; sending it again.");
}

DeliveryResult HecSink::Scrubbed(DeliveryResult result) const {
  // A server may echo what it was sent; the token must not reach a log through its text.
  const std::string& token = config_.token;
  if (token.size() < 6) return result;
  for (size_t at = result.error.find(token); at != std::string::npos;
       at = result.error.find(token, at)) {
    result.error.replace(at, token.size(), "<token>");
  }
  return result;
}

}  // namespace apisensor::exporters::splunk
