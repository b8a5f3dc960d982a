// A stand-in for kube-apiserver inside the test: httplib's HTTPS server answering LISTs and GETs
// with recorded responses and streaming watch events the test pushes one step at a time, so the
// watcher is exercised over real TLS, real chunked streams and real dropped connections.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace apisensor::testing {

struct RecordedRequest {
  std::string path;
  std::string key;  // see FakeApiServer::Key
  std::map<std::string, std::string> params;
  std::string authorization;
  bool watch = false;
  std::string param(const std::string& name) const {
    const auto it = params.find(name);
    return it == params.end() ? "" : it->second;
  }
};

struct Answer {
  int status = 200;
  std::string body;
};

class FakeApiServer {
 public:
  FakeApiServer(const std::string& cert_file, const std::string& key_file);
  ~FakeApiServer();
  FakeApiServer(const FakeApiServer&) = delete;
  FakeApiServer& operator=(const FakeApiServer&) = delete;

  int port() const { return port_; }

  // Requests are matched by key: the path, then "?fieldSelector=<selector>" when there is one,
  // then "&continue=<token>" for the later pages of a list (values decoded).
  static std::string Key(const std::string& path, const std::string& selector = "",
                         const std::string& continue_token = "");

  // Answers to non-watch GETs of `key`, in order; the last one repeats. Unknown keys get 404.
  void SetAnswers(const std::string& key, std::vector<Answer> answers);

  // Watch streams of `key`: each watch request takes what was pushed, in order.
  void PushLine(const std::string& key, const std::string& line);
  void PushLines(const std::string& key, const std::string& jsonl);
  void PushDrop(const std::string& key);  // the open stream's connection is cut mid-stream
  void PushEnd(const std::string& key);   // the open stream ends cleanly
  // The next watch request of `key` (not the open one) is answered with this instead.
  void PushAnswer(const std::string& key, Answer answer);
  // Whether everything pushed to `key` was sent.
  bool Drained(const std::string& key);

  // Requests whose bearer token is not one of these get a 401 (empty: any token or none).
  void SetAcceptedTokens(std::set<std::string> tokens);

  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests(const std::string& key, bool watch) const;
  // Waits until `done` holds, polling; false at the timeout.
  static bool WaitUntil(const std::function<bool()>& done,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  struct Item {
    enum Kind { kLine, kDrop, kEnd, kAnswer } kind;
    std::string line;
    Answer answer;
  };
  struct Channel {
    std::deque<Item> items;
    uint64_t generation = 0;  // of the newest stream: older streams end
  };

  void Handle(const httplib::Request& req, httplib::Response& res);
  void Push(const std::string& key, Item item);

  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, std::deque<Answer>> answers_;
  std::map<std::string, std::shared_ptr<Channel>> channels_;
  std::set<std::string> tokens_;
  std::vector<RecordedRequest> requests_;
};

// The contents of tests/data/k8s/<name>.
std::string ReadTestData(const std::string& name);

}  // namespace apisensor::testing
