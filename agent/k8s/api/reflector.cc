#include "agent/k8s/api/reflector.h"

#include <algorithm>
#include <random>

#include "agent/retry/backoff.h"

namespace apisensor::k8s::api {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Continue tokens are opaque base64; bound what is sent back.
constexpr size_t kMaxContinueBytes = 16 * 1024;

}  // namespace

void StopSignal::Stop() {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  cv_.notify_all();
}

bool StopSignal::WaitFor(std::chrono::milliseconds duration) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, duration, [&] { return stopped_.load(); });
}

Reflector::Reflector(ReflectorOptions options, ApiClient& client, ReflectorHandler& handler,
                     StopSignal& stop, Log log)
    : options_(std::move(options)),
      client_(client),
      handler_(handler),
      stop_(stop),
      log_(std::move(log)) {}

ReflectorStats Reflector::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string Reflector::Target(const std::string& extra) const {
  std::string target = options_.path + "?";
  if (!options_.field_selector.empty()) {
    target += "fieldSelector=" + QueryEscape(options_.field_selector) + "&";
  }
  return target + extra;
}

void Reflector::Run() {
  retry::Backoff backoff(
      static_cast<uint64_t>(std::max<int64_t>(options_.backoff_initial.count(), 1)),
      static_cast<uint64_t>(std::max<int64_t>(options_.backoff_max.count(), 1)),
      std::random_device{}());
  std::string resource_version;
  bool need_list = true;
  Clock::time_point listed_at = Clock::now();
  // 410s right after a list, with nothing in between: a server that cannot serve the version it
  // just listed. Relisting at once would spin, so those wait for the backoff.
  int quick_gones = 0;
  while (!stop_.stopped()) {
    if (need_list) {
      const Outcome listed = List(resource_version);
      if (listed == Outcome::kStopped) break;
      if (listed != Outcome::kOk) {
        {
          std::lock_guard lock(mu_);
          ++stats_.reconnects;
        }
        if (stop_.WaitFor(milliseconds(backoff.NextDelayMs()))) break;
        continue;
      }
      need_list = false;
      listed_at = Clock::now();
    }
    uint32_t timeout_s = std::max<uint32_t>(1, options_.watch_timeout_s);
    if (options_.resync_interval.count() > 0) {
      const auto left = options_.resync_interval - (Clock::now() - listed_at);
      if (left <= Clock::duration::zero()) {
        std::lock_guard lock(mu_);
        ++stats_.resyncs;
        need_list = true;
        continue;
      }
      const auto left_s = std::chrono::ceil<std::chrono::seconds>(left).count();
      timeout_s = static_cast<uint32_t>(std::clamp<int64_t>(left_s, 1, timeout_s));
    }
    bool saw_events = false;
    const Clock::time_point started = Clock::now();
    const Outcome watched = Watch(resource_version, timeout_s, saw_events);
    if (saw_events) {
      backoff.Reset();
      quick_gones = 0;
    }
    switch (watched) {
      case Outcome::kStopped:
        return;
      case Outcome::kGone: {
        std::lock_guard lock(mu_);
        ++stats_.relists_gone;
        need_list = true;
        if (saw_events || ++quick_gones < 2) continue;
        break;
      }
      case Outcome::kEnded:
        // The server's timeoutSeconds: watch again at once, unless it ends watches as soon as
        // they begin.
        if (saw_events || Clock::now() - started >= std::chrono::seconds(1)) continue;
        break;
      case Outcome::kOk:
      case Outcome::kFailed: {
        std::lock_guard lock(mu_);
        ++stats_.reconnects;
        break;
      }
    }
    if (stop_.WaitFor(milliseconds(backoff.NextDelayMs()))) break;
  }
}

Reflector::Outcome Reflector::List(std::string& resource_version) {
  const std::string verb = "list " + options_.resource;
  handler_.BeginList();
  std::string continue_token;
  std::string listed_version;
  size_t objects = 0;
  for (size_t page = 0;; ++page) {
    if (page >= options_.max_pages) {
      Fail(verb, {}, "the list has more than " + std::to_string(options_.max_pages) + " pages");
      return Outcome::kFailed;
    }
    std::string extra = "limit=" + std::to_string(options_.page_size);
    if (!continue_token.empty()) extra += "&continue=" + QueryEscape(continue_token);
    HttpResult r = client_.Get(Target(extra));
    {
      std::lock_guard lock(mu_);
      ++stats_.list_pages;
      if (r.too_large) ++stats_.oversize;
    }
    if (r.aborted || stop_.stopped()) return Outcome::kStopped;
    if (!r.error.empty() || r.status != 200) {
      Fail(verb, r);
      return Outcome::kFailed;
    }
    rapidjson::Document doc;
    // In place: strings point into the body instead of being copied.
    doc.ParseInsitu<kParseFlags>(r.body.data());
    const rapidjson::Value* items = nullptr;
    if (!doc.HasParseError() && doc.IsObject()) {
      const auto it = doc.FindMember("items");
      if (it != doc.MemberEnd() && (it->value.IsArray() || it->value.IsNull())) items = &it->value;
    }
    if (items == nullptr) {
      Fail(verb, {}, "the answer is not a list");
      return Outcome::kFailed;
    }
    if (items->IsArray()) {
      for (const rapidjson::Value& item : items->GetArray()) {
        handler_.ListItem(item);
        ++objects;
      }
    }
    listed_version = ResourceVersionOf(doc);
    continue_token.clear();
    const auto meta = doc.FindMember("metadata");
    if (meta != doc.MemberEnd() && meta->value.IsObject()) {
      const auto cont = meta->value.FindMember("continue");
      if (cont != meta->value.MemberEnd() && cont->value.IsString() &&
          cont->value.GetStringLength() <= kMaxContinueBytes) {
        continue_token.assign(cont->value.GetString(), cont->value.GetStringLength());
      }
    }
    if (continue_token.empty()) break;
  }
  if (listed_version.empty()) {
    Fail(verb, {}, "the list carries no resourceVersion");
    return Outcome::kFailed;
  }
  handler_.CommitList();
  resource_version = listed_version;
  {
    std::lock_guard lock(mu_);
    ++stats_.lists;
    stats_.synced = true;
  }
  Succeeded(verb + " (" + std::to_string(objects) + " objects)");
  return Outcome::kOk;
}

Reflector::Outcome Reflector::Watch(std::string& resource_version, uint32_t timeout_s,
                                    bool& saw_events) {
  const std::string verb = "watch " + options_.resource;
  const std::string target =
      Target("watch=true&allowWatchBookmarks=true&resourceVersion=" + resource_version +
             "&timeoutSeconds=" + std::to_string(timeout_s));
  bool gone = false;
  std::string error_event;  // an ERROR event other than 410
  const auto on_line = [&](std::string_view line) {
    rapidjson::Document doc;
    const std::optional<WatchEvent> event = ParseWatchEvent(line, doc);
    {
      std::lock_guard lock(mu_);
      if (!event) {
        ++stats_.bad_events;
        return true;
      }
      switch (event->type) {
        case EventType::kError:
          ++stats_.error_events;
          break;
        case EventType::kBookmark:
          ++stats_.bookmarks;
          break;
        case EventType::kAdded:
          ++stats_.added;
          break;
        case EventType::kModified:
          ++stats_.modified;
          break;
        case EventType::kDeleted:
          ++stats_.deleted;
          break;
      }
    }
    if (event->type == EventType::kError) {
      if (event->code == 410) {
        gone = true;
      } else {
        error_event = "the watch ended with an error (code " + std::to_string(event->code) +
                      (event->message.empty() ? "" : ": " + event->message) + ")";
      }
      return false;
    }
    if (!saw_events) Succeeded(verb);  // a 401 or a lost connection before is over
    saw_events = true;
    // Outside mu_: the handler may wait on a request (a pod's owner).
    if (event->type != EventType::kBookmark) handler_.Event(event->type, *event->object);
    std::string version = ResourceVersionOf(*event->object);
    if (!version.empty()) resource_version = std::move(version);
    return !stop_.stopped();
  };
  const uint64_t read_timeout_ms = static_cast<uint64_t>(timeout_s) * 1000 +
                                   static_cast<uint64_t>(options_.watch_read_margin.count());
  const HttpResult r = client_.Stream(target, read_timeout_ms, on_line, [&] {
    std::lock_guard lock(mu_);
    ++stats_.oversize;
  });
  if (r.aborted || stop_.stopped()) return Outcome::kStopped;
  if (gone || r.status == 410) return Outcome::kGone;
  if (!error_event.empty()) {
    Fail(verb, {}, error_event);
    return Outcome::kFailed;
  }
  if (!r.error.empty() || r.status != 200) {
    Fail(verb, r);
    return Outcome::kFailed;
  }
  Succeeded(verb);
  return Outcome::kEnded;
}

void Reflector::Fail(const std::string& verb, const HttpResult& r, const std::string& why) {
  {
    std::lock_guard lock(mu_);
    ++stats_.errors;
    if (r.status == 401 || r.status == 403) ++stats_.auth_failures;
  }
  const std::string message = StatusMessage(r.body);
  const std::string detail = message.empty() ? "" : ": " + message;
  // A missing or unreadable token explains 401s, 403s (anonymous) and nothing else.
  const std::string token_error = client_.token().error();
  const std::string token_note = token_error.empty() ? "" : " (" + token_error + ")";
  std::string sentence;
  if (!why.empty()) {
    sentence = "The Kubernetes API's answer to " + verb + " is unusable: " + why +
               "; retrying with backoff.";
  } else if (r.status == 401) {
    client_.token().Invalidate();
    sentence = "The Kubernetes API refused the service account token for " + verb + " (HTTP 401" +
               detail + ")" + token_note + "; the agent re-reads " + client_.token().path() +
               " and retries.";
  } else if (r.status == 403) {
    sentence = "The Kubernetes API denied " + verb + " (HTTP 403" + detail + ")" + token_note +
               ": grant the agent's service account get, list and watch on " + options_.resource +
               ".";
  } else if (r.status != 0 && r.status != 200) {
    sentence = "The Kubernetes API answered " + verb + " with HTTP " + std::to_string(r.status) +
               detail + "; retrying with backoff.";
  } else {
    sentence = "The Kubernetes API at " + ApiOrigin(client_.cluster()) + " failed to " + verb +
               ": " + r.error + "; retrying with backoff.";
  }
  if (sentence != last_logged_) {
    last_logged_ = sentence;
    if (log_) log_(sentence);
  }
}

void Reflector::Succeeded(const std::string& verb) {
  if (last_logged_.empty()) return;
  last_logged_.clear();
  if (log_) log_("The Kubernetes API answers again: " + verb + ".");
}

}  // namespace apisensor::k8s::api
