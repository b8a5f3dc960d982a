// RFC 6587 §3.4.1 octet counting, byte for byte. rsyslog takes octet-counted and LF-terminated
// frames alike, so only the raw bytes on a plain listener show which one the sink sends: each
// message must be "LEN SP MSG" with LEN its exact size in bytes, nothing between frames.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "exporters/formats/cef/cef_formatter.h"
#include "exporters/syslog/syslog_sink.h"

namespace apisensor::exporters::syslog {
namespace {

class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (conn_ >= 0) ::close(conn_);
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }

  // Reads what the sink sent until `done` says it is enough or 5 s pass.
  template <typename Done>
  std::string Receive(Done done) {
    std::string bytes;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done(bytes) && std::chrono::steady_clock::now() < deadline) {
      if (conn_ < 0) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) == 1) conn_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        continue;
      }
      pollfd p{conn_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      char buffer[4096];
      const ssize_t n = ::recv(conn_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      bytes.append(buffer, static_cast<size_t>(n));
    }
    return bytes;
  }

 private:
  int fd_ = -1;
  int conn_ = -1;
  int port_ = 0;
};

// Splits octet-counted frames; stops (leaving `rest`) at the first byte that does not start one.
std::vector<std::string> Frames(std::string_view bytes, std::string_view* rest = nullptr) {
  std::vector<std::string> frames;
  while (!bytes.empty()) {
    const size_t space = bytes.find(' ');
    if (space == 0 || space == std::string_view::npos || space > 7 || bytes[0] == '0') break;
    size_t length = 0;
    bool digits = true;
    for (const char c : bytes.substr(0, space)) {
      digits = digits && c >= '0' && c <= '9';
      length = length * 10 + static_cast<size_t>(c - '0');
    }
    if (!digits || bytes.size() < space + 1 + length) break;
    frames.emplace_back(bytes.substr(space + 1, length));
    bytes.remove_prefix(space + 1 + length);
  }
  if (rest != nullptr) *rest = bytes;
  return frames;
}

findings::Finding Finding(const std::string& id, const std::string& description) {
  findings::Finding f;
  f.id = id;
  f.type = "unauthenticated_access";
  f.severity = findings::Severity::kHigh;
  f.title = "Unauthenticated call";
  f.description = description;
  f.endpoint = "GET /users/{id}";
  f.caller = "10.0.0.7";
  f.first_seen_ns = f.last_seen_ns = 1'700'000'000'000'000'000;
  return f;
}

TEST(SyslogFraming, TcpSendsOctetCountedFramesAndNothingElse) {
  Listener listener;
  ASSERT_NE(listener.port(), 0);
  SyslogSinkOptions o;
  o.address = *ParseHostPort("127.0.0.1:" + std::to_string(listener.port()));
  o.transport = TransportKind::kTcp;
  o.header.hostname = "framing";
  o.header.app_name = "apisensor";
  o.max_message_bytes = 8192;
  o.timeout_ms = 2000;
  SyslogSink sink(o, MakeCefFormatter(FormatOptions{}));

  // Line breaks, a multi-byte character and lengths with different digit counts.
  const std::vector<findings::Finding> sent = {Finding("a", "x"), Finding("b", "two\nlines ✓"),
                                               Finding("c", std::string(3000, 'y'))};
  std::vector<ExportItemPtr> batch;
  for (const findings::Finding& f : sent) batch.push_back(std::make_shared<const ExportItem>(f));
  ASSERT_EQ(sink.Deliver(batch).outcome, Delivery::kDelivered);
  // The second batch goes on the same connection, framed the same way.
  ASSERT_EQ(sink.Deliver(std::vector{batch[0]}).outcome, Delivery::kDelivered);

  const std::string bytes =
      listener.Receive([](const std::string& b) { return Frames(b).size() >= 4; });
  std::string_view rest;
  const std::vector<std::string> frames = Frames(bytes, &rest);
  ASSERT_EQ(frames.size(), 4u) << bytes;
  EXPECT_TRUE(rest.empty()) << "bytes outside any frame: " << rest;
  for (size_t i = 0; i < frames.size(); ++i) {
    const findings::Finding& f = sent[i % 3];
    std::string cef;
    MakeCefFormatter(FormatOptions{})->Format(f, cef);
    // <PRI>1 ... MSG: the frame is the syslog message exactly, no LF or NUL trailer.
    EXPECT_TRUE(frames[i].starts_with("<" + std::to_string(kDefaultFacility * 8 + 3) + ">1 "))
        << frames[i];
    EXPECT_TRUE(frames[i].ends_with(" - " + cef)) << frames[i];
    EXPECT_EQ(frames[i].find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace apisensor::exporters::syslog
