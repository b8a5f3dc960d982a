#include "tests/unit/k8s_api/fake_api_server.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace apisensor::testing {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::string ReadTestData(const std::string& name) {
  const std::string path = std::string(APISENSOR_K8S_TEST_DATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

FakeApiServer::FakeApiServer(const std::string& cert_file, const std::string& key_file)
    : server_(cert_file.c_str(), key_file.c_str()) {
  if (!server_.is_valid()) throw std::runtime_error("the test API server's TLS setup failed");
  // Watch streams hold a thread each until they end; abandoned ones end at their next step.
  server_.new_task_queue = [] { return new httplib::ThreadPool(32); };
  server_.Get(".*",
              [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("the test API server cannot bind");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeApiServer::~FakeApiServer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_.stop();
  thread_.join();
}

std::string FakeApiServer::Key(const std::string& path, const std::string& selector,
                               const std::string& continue_token) {
  std::string key = path;
  char sep = '?';
  if (!selector.empty()) {
    key += sep + std::string("fieldSelector=") + selector;
    sep = '&';
  }
  if (!continue_token.empty()) key += sep + std::string("continue=") + continue_token;
  return key;
}

void FakeApiServer::SetAnswers(const std::string& key, std::vector<Answer> answers) {
  std::lock_guard lock(mu_);
  answers_[key] = std::deque<Answer>(answers.begin(), answers.end());
}

void FakeApiServer::Push(const std::string& key, Item item) {
  {
    std::lock_guard lock(mu_);
    auto& channel = channels_[key];
    if (channel == nullptr) channel = std::make_shared<Channel>();
    channel->items.push_back(std::move(item));
  }
  cv_.notify_all();
}

void FakeApiServer::PushLine(const std::string& key, const std::string& line) {
  Push(key, {Item::kLine, line + "\n", {}});
}

void FakeApiServer::PushLines(const std::string& key, const std::string& jsonl) {
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) PushLine(key, line);
  }
}

void FakeApiServer::PushDrop(const std::string& key) { Push(key, {Item::kDrop, {}, {}}); }
void FakeApiServer::PushEnd(const std::string& key) { Push(key, {Item::kEnd, {}, {}}); }
void FakeApiServer::PushAnswer(const std::string& key, Answer answer) {
  Push(key, {Item::kAnswer, {}, std::move(answer)});
}

bool FakeApiServer::Drained(const std::string& key) {
  std::lock_guard lock(mu_);
  const auto it = channels_.find(key);
  return it == channels_.end() || it->second->items.empty();
}

void FakeApiServer::SetAcceptedTokens(std::set<std::string> tokens) {
  std::lock_guard lock(mu_);
  tokens_ = std::move(tokens);
}

std::vector<RecordedRequest> FakeApiServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::vector<RecordedRequest> FakeApiServer::requests(const std::string& key, bool watch) const {
  std::vector<RecordedRequest> out;
  for (RecordedRequest& r : requests()) {
    if (r.key == key && r.watch == watch) out.push_back(std::move(r));
  }
  return out;
}

bool FakeApiServer::WaitUntil(const std::function<bool()>& done,
                              std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void FakeApiServer::Handle(const httplib::Request& req, httplib::Response& res) {
  RecordedRequest record;
  record.path = req.path;
  for (const auto& [name, value] : req.params) record.params[name] = value;
  record.authorization = req.get_header_value("Authorization");
  record.watch = record.param("watch") == "true" || record.param("watch") == "1";
  record.key =
      Key(req.path, record.param("fieldSelector"), record.watch ? "" : record.param("continue"));
  std::unique_lock lock(mu_);
  requests_.push_back(record);
  if (!tokens_.empty()) {
    const std::string& auth = record.authorization;
    const std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    if (tokens_.count(token) == 0) {
      res.status = 401;
      res.set_content(ReadTestData("status_401.json"), "application/json");
      return;
    }
  }
  if (!record.watch) {
    const auto it = answers_.find(record.key);
    if (it == answers_.end() || it->second.empty()) {
      res.status = 404;
      res.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                      R"("message":"not found","reason":"NotFound","code":404})",
                      "application/json");
      return;
    }
    const Answer answer = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    res.status = answer.status;
    res.set_content(answer.body, "application/json");
    return;
  }
  auto& slot = channels_[record.key];
  if (slot == nullptr) slot = std::make_shared<Channel>();
  std::shared_ptr<Channel> channel = slot;
  if (!channel->items.empty() && channel->items.front().kind == Item::kAnswer) {
    const Answer answer = channel->items.front().answer;
    channel->items.pop_front();
    res.status = answer.status;
    res.set_content(answer.body, "application/json");
    return;
  }
  const uint64_t generation = ++channel->generation;
  cv_.notify_all();
  const std::string timeout = record.param("timeoutSeconds");
  const auto deadline =
      Clock::now() + std::chrono::seconds(timeout.empty() ? 1800 : std::stoi(timeout));
  lock.unlock();
  res.set_chunked_content_provider(
      "application/json", [this, channel, generation, deadline](size_t, httplib::DataSink& sink) {
        std::unique_lock lock(mu_);
        const auto ready = [&] {
          return stopping_ || channel->generation != generation ||
                 (!channel->items.empty() && channel->items.front().kind != Item::kAnswer);
        };
        cv_.wait_for(lock, std::chrono::milliseconds(20), ready);
        // A newer watch of the same key means the client gave this one up.
        if (stopping_ || channel->generation != generation) return false;
        if (Clock::now() >= deadline) {
          lock.unlock();
          sink.done();
          return true;
        }
        if (channel->items.empty() || channel->items.front().kind == Item::kAnswer) return true;
        const Item item = channel->items.front();
        channel->items.pop_front();
        lock.unlock();
        switch (item.kind) {
          case Item::kLine:
            return sink.write(item.line.data(), item.line.size());
          case Item::kDrop:
            return false;
          case Item::kEnd:
          case Item::kAnswer:
            sink.done();
            return true;
        }
        return false;
      });
}

}  // namespace apisensor::testing
