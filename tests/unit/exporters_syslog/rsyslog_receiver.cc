#include "tests/unit/exporters_syslog/rsyslog_receiver.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace apisensor::testing {
namespace {

void Run(const std::string& command, const std::string& log) {
  const std::string line = command + " >>" + log + " 2>&1";
  if (std::system(line.c_str()) != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    throw std::runtime_error("failed: " + command + "\n" + text.str());
  }
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// A CA, and certificates it signs, with the openssl command line.
void MakeCertificates(const std::string& dir) {
  const std::string log = dir + "/openssl.log";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  for (const char* ca : {"ca", "other-ca"}) {
    Run("openssl req -x509" + ec + " -days 2 -subj /CN=apisensor-test-" + ca + " -keyout " + dir +
            "/" + ca + ".key -out " + dir + "/" + ca + ".pem",
        log);
  }
  WriteFile(dir + "/server.ext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  WriteFile(dir + "/client.ext", "extendedKeyUsage=clientAuth\n");
  for (const char* leaf : {"server", "client"}) {
    const std::string base = dir + "/" + leaf;
    Run("openssl req" + ec + " -subj /CN=" + (std::string(leaf) == "server" ? "localhost" : leaf) +
            " -keyout " + base + ".key -out " + base + ".csr",
        log);
    Run("openssl x509 -req -days 2 -in " + base + ".csr -CA " + dir + "/ca.pem -CAkey " + dir +
            "/ca.key -CAcreateserial -extfile " + base + ".ext -out " + base + ".pem",
        log);
  }
}

std::string Config(const std::string& dir, int udp, int tcp, int tls, int mtls) {
  std::ostringstream c;
  c << "global(workDirectory=\"" << dir << "/work\" maxMessageSize=\"256k\"\n"
    << "  defaultNetstreamDriverCAFile=\"" << dir << "/ca.pem\"\n"
    << "  defaultNetstreamDriverCertFile=\"" << dir << "/server.pem\"\n"
    << "  defaultNetstreamDriverKeyFile=\"" << dir << "/server.key\")\n"
    << "module(load=\"imudp\")\n"
    << "module(load=\"imtcp\" maxSessions=\"100\")\n"
    << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp << "\" name=\"udp\")\n"
    << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tcp << "\" name=\"tcp\")\n"
    << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tls << "\" name=\"tls\"\n"
    << "  streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")\n"
    << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << mtls << "\" name=\"mtls\"\n"
    << "  streamDriver.name=\"gtls\" streamDriver.mode=\"1\"\n"
    << "  streamDriver.authMode=\"x509/certvalid\")\n"
    << "template(name=\"fields\" type=\"string\" string=\"%inputname%\\t%pri%\\t"
    << "%timereported:::date-rfc3339%\\t%hostname%\\t%app-name%\\t%procid%\\t%msgid%\\t%msg%\\t"
    << "%rawmsg%\\n\")\n"
    << "action(type=\"omfile\" file=\"" << dir << "/received.log\" template=\"fields\")\n";
  return c.str();
}

// Whether something listens on 127.0.0.1:`port` (TCP) or is bound there (UDP), from /proc.
bool Listening(int port, bool udp) {
  std::ifstream table(udp ? "/proc/net/udp" : "/proc/net/tcp");
  char local[32];
  std::snprintf(local, sizeof local, "0100007F:%04X", port);
  std::string line;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, address, remote, state;
    fields >> slot >> address >> remote >> state;
    if (address == local && state == (udp ? "07" : "0A")) return true;
  }
  return false;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out(1);
  for (const char c : line) {
    if (c == '\t') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

bool RsyslogAvailable(std::string& reason) {
  if (!ProgramExists(kRsyslogd)) {
    reason = std::string(kRsyslogd) +
             " is missing: install rsyslog and rsyslog-gnutls "
             "(scripts/setup.sh --with-test-deps)";
    return false;
  }
  // The TLS inputs use the gtls network stream driver, a separate package.
  bool gtls = false;
  for (const char* dir : {"/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog",
                          "/usr/lib/rsyslog", "/usr/lib64/rsyslog"}) {
    gtls = gtls || std::filesystem::exists(std::string(dir) + "/lmnsd_gtls.so");
  }
  if (!gtls) {
    reason =
        "rsyslog's gtls driver (lmnsd_gtls.so) is missing: install rsyslog-gnutls "
        "(scripts/setup.sh --with-test-deps)";
    return false;
  }
  if (!ProgramExists("openssl")) {
    reason = "openssl is missing: install openssl (scripts/setup.sh --with-test-deps)";
    return false;
  }
  return true;
}

RsyslogReceiver::RsyslogReceiver() {
  std::string pattern = (std::filesystem::temp_directory_path() / "apisensor-rsyslog-XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  std::filesystem::create_directory(dir_ + "/work");
  MakeCertificates(dir_);
  udp_port_ = FreePort(true);
  tcp_port_ = FreePort();
  tls_port_ = FreePort();
  mtls_port_ = FreePort();
  WriteFile(dir_ + "/rsyslog.conf", Config(dir_, udp_port_, tcp_port_, tls_port_, mtls_port_));
}

RsyslogReceiver::~RsyslogReceiver() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RsyslogReceiver::Start() {
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
      kRsyslogd, "-n", "-f", dir_ + "/rsyslog.conf", "-i", dir_ + "/rsyslogd.pid"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(Listening(udp_port_, true) && Listening(tcp_port_, false) &&
           Listening(tls_port_, false) && Listening(mtls_port_, false))) {
    if (!process_->running()) {
      throw std::runtime_error(
          "rsyslogd exited at start (its messages are above; the TLS "
          "inputs need rsyslog-gnutls)");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(
          "rsyslogd did not listen on its ports within 10 s (its messages "
          "are above)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void RsyslogReceiver::Stop() {
  if (process_ != nullptr) process_->Stop();
  process_.reset();
}

std::vector<ReceivedMessage> RsyslogReceiver::ReadAll() const {
  std::vector<ReceivedMessage> out;
  std::ifstream in(dir_ + "/received.log");
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line still being written
    std::vector<std::string> f = SplitTabs(line);
    if (f.size() != 9) throw std::runtime_error("unexpected line in received.log: " + line);
    out.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]});
  }
  return out;
}

std::vector<ReceivedMessage> RsyslogReceiver::WaitFor(
    const std::function<bool(const ReceivedMessage&)>& match, size_t count,
    std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<ReceivedMessage> found;
    for (ReceivedMessage& m : ReadAll()) {
      if (match(m)) found.push_back(std::move(m));
    }
    if (found.size() >= count || std::chrono::steady_clock::now() > deadline) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace apisensor::testing
