// A real program started by a test (a receiver such as rsyslogd or a Python HEC server), killed
// and reaped when the test ends, whatever happens in between.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace apisensor::testing {

class ChildProcess {
 public:
  // Starts argv[0] (looked up on PATH) with its stdout on a pipe the test can read and its
  // stderr inherited. Throws std::runtime_error when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The next line the program printed (without the newline), or nullopt at the timeout or EOF.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status as waitpid reports it.
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  bool running();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
  int status_ = 0;
};

// Whether `program` is found on PATH (or is an existing path).
bool ProgramExists(const std::string& program);

// A TCP or UDP port nothing listens on now (bound to 127.0.0.1 and released).
int FreePort(bool udp = false);

}  // namespace apisensor::testing
