#include "exporters/splunk/hec_reply.h"

#include <rapidjson/document.h>

namespace apisensor::exporters::splunk {
namespace {

// Replies are a few dozen bytes; a "reply" larger than this is not from a HEC.
constexpr size_t kMaxReplyBytes = 64 * 1024;

bool Parse(std::string_view body, rapidjson::Document& doc) {
  if (body.size() > kMaxReplyBytes) return false;
  // Iterative: deep nesting from a hostile peer cannot exhaust the stack. StopWhenDone: a
  // trailing newline or junk after the object does not hide it.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(body.data(),
                                                                                body.size());
  return !doc.HasParseError() && doc.IsObject();
}

// Server text goes into log lines: printable ASCII only, bounded.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= kMaxReplyText) break;
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

// The member `key` of `object`, or nullptr. (Comparing rapidjson 1.1 member iterators is
// ambiguous in C++20, so no FindMember here.)
const rapidjson::Value* Member(const rapidjson::Value& object, std::string_view key) {
  const rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
  return object.HasMember(name) ? &object[name] : nullptr;
}

}  // namespace

HecReply ParseHecReply(std::string_view body) {
  HecReply reply;
  rapidjson::Document doc;
  if (!Parse(body, doc)) return reply;
  if (const rapidjson::Value* code = Member(doc, "code"); code != nullptr && code->IsInt64()) {
    reply.code = code->GetInt64();
  }
  if (const rapidjson::Value* text = Member(doc, "text"); text != nullptr && text->IsString()) {
    reply.text = Printable(std::string_view(text->GetString(), text->GetStringLength()));
  }
  if (const rapidjson::Value* id = Member(doc, "ackId"); id != nullptr && id->IsUint64()) {
    reply.ack_id = id->GetUint64();
  }
  return reply;
}

std::optional<bool> ParseAckStatus(std::string_view body, uint64_t ack_id) {
  rapidjson::Document doc;
  if (!Parse(body, doc)) return std::nullopt;
  const rapidjson::Value* acks = Member(doc, "acks");
  if (acks == nullptr || !acks->IsObject()) return std::nullopt;
  const rapidjson::Value* status = Member(*acks, std::to_string(ack_id));
  if (status == nullptr || !status->IsBool()) return std::nullopt;
  return status->GetBool();
}

std::string AckQuery(uint64_t ack_id) { return "{\"acks\":[" + std::to_string(ack_id) + "]}"; }

}  // namespace apisensor::exporters::splunk
