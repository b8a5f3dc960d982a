// A real rsyslogd for the syslog sink tests, run as the current user in the foreground with its
// own directory: UDP, TCP, TLS (gtls driver, server certificate from a CA made for the test) and
// mutual TLS inputs on free loopback ports, every received message written to a file as
//   input TAB pri TAB timestamp TAB hostname TAB app-name TAB procid TAB msgid TAB msg TAB raw
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/support/child_process.h"

namespace apisensor::testing {

inline constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";

struct ReceivedMessage {
  std::string input;  // udp, tcp, tls, mtls
  std::string pri;
  std::string timestamp;
  std::string hostname;
  std::string app_name;
  std::string procid;
  std::string msgid;
  std::string msg;
  std::string raw;  // the whole syslog message as received (without TCP framing)
};

class RsyslogReceiver {
 public:
  // Makes the directory, certificates and configuration; throws std::runtime_error on failure.
  RsyslogReceiver();
  ~RsyslogReceiver();
  RsyslogReceiver(const RsyslogReceiver&) = delete;
  RsyslogReceiver& operator=(const RsyslogReceiver&) = delete;

  // Starts rsyslogd and returns once every input listens; throws if it does not within 10 s.
  void Start();
  void Stop();

  int udp_port() const { return udp_port_; }
  int tcp_port() const { return tcp_port_; }
  int tls_port() const { return tls_port_; }
  int mtls_port() const { return mtls_port_; }
  const std::string& dir() const { return dir_; }
  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string client_cert() const { return dir_ + "/client.pem"; }
  std::string client_key() const { return dir_ + "/client.key"; }
  // A CA that signed nothing the receiver uses.
  std::string other_ca_file() const { return dir_ + "/other-ca.pem"; }

  // Every message received so far that `match` accepts, once there are at least `count` of them
  // or the timeout passed.
  std::vector<ReceivedMessage> WaitFor(const std::function<bool(const ReceivedMessage&)>& match,
                                       size_t count, std::chrono::milliseconds timeout) const;

 private:
  std::vector<ReceivedMessage> ReadAll() const;

  std::string dir_;
  int udp_port_ = 0;
  int tcp_port_ = 0;
  int tls_port_ = 0;
  int mtls_port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// True when the test may go on with rsyslogd; otherwise the caller skips (or, with CI=true,
// fails) with the returned reason.
bool RsyslogAvailable(std::string& reason);

}  // namespace apisensor::testing
