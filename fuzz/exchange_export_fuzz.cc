// Fuzzes what turns a parsed exchange into output: request-target splitting, credential
// redaction and the JSON line writer. Input: "method\ntarget\nname:value\n...", with arbitrary
// bytes anywhere. Checks that every line parses as JSON and that an alphanumeric Authorization
// token found nowhere else in the input is in none of the line's strings.
#include <rapidjson/document.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "agent/exchange/exchange_record.h"
#include "agent/secrets/credential_redactor.h"
#include "agent/secrets/fingerprint.h"
#include "agent/text/ascii_case.h"
#include "exporters/json/exchange_json.h"

namespace {

using apisensor::ExchangeRecord;

constexpr size_t kMaxHeaders = 64;

std::string_view NextLine(std::string_view& rest) {
  const size_t end = rest.find('\n');
  const std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

// Only alphanumeric tokens are checked: punctuated ones can be assembled by the JSON syntax
// around other fields (a token `x","query":[` is in every line whose path ends in x). And only
// those with a letter that is no hex digit: the fuzzer learns fingerprints ("fp:" + 16 hex) from
// the comparisons below and offers a piece of one as a token, which another value's fingerprint
// then holds without any leak.
bool IsCheckableToken(std::string_view token) {
  bool beyond_hex = false;
  for (char c : token) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    beyond_hex |= !std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(c);
  }
  return beyond_hex;
}

// Case-insensitively: header names are lower-cased on the way, which can make a second copy.
size_t Occurrences(std::string_view haystack, std::string_view needle) {
  const std::string lower_haystack = apisensor::text::AsciiLowerCopy(haystack);
  const std::string lower_needle = apisensor::text::AsciiLowerCopy(needle);
  size_t count = 0;
  for (size_t at = lower_haystack.find(lower_needle); at != std::string::npos;
       at = lower_haystack.find(lower_needle, at + 1)) {
    ++count;
  }
  return count;
}

// Whether any decoded string of the document, key or value, holds `secret`. Decoded, because in
// the raw line an escape can run into the text after it ("\u0000" + "0030..." reads "0000030...").
bool AnyStringHolds(const rapidjson::Value& v, std::string_view secret) {
  if (v.IsString()) {
    return std::string_view(v.GetString(), v.GetStringLength()).find(secret) !=
           std::string_view::npos;
  }
  if (v.IsArray()) {
    for (const auto& element : v.GetArray()) {
      if (AnyStringHolds(element, secret)) return true;
    }
  }
  if (v.IsObject()) {
    for (const auto& member : v.GetObject()) {
      if (AnyStringHolds(member.name, secret) || AnyStringHolds(member.value, secret)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto fingerprinter = apisensor::secrets::Fingerprinter::Ephemeral();
  static apisensor::secrets::CredentialRedactor redactor(fingerprinter);
  static apisensor::exporters::ExchangeJsonWriter writer;

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  ExchangeRecord record;
  record.role = apisensor::Role::kServer;
  record.ts_unix_ns = size * 1'000'003'007ULL;
  record.local.family = 2;
  record.remote.family = 10;
  record.http.request.method = NextLine(rest);
  record.http.request.target = NextLine(rest);
  std::string_view secret;  // an Authorization token worth checking for
  while (!rest.empty() && record.http.request.headers.size() < kMaxHeaders) {
    const std::string_view line = NextLine(rest);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    apisensor::http::Header header;
    for (char c : line.substr(0, colon)) {
      header.name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    header.value = line.substr(colon + 1);
    if (header.name == "authorization") {
      const size_t space = header.value.find(' ');
      const std::string_view token =
          line.substr(colon + 1).substr(space == std::string::npos ? 0 : space + 1);
      if (token.size() >= 12 && IsCheckableToken(token) && Occurrences(input, token) == 1) {
        secret = token;
      }
    }
    record.http.request.headers.push_back(std::move(header));
  }
  record.http.response.emplace();
  record.http.response->status = static_cast<uint16_t>(size % 600);
  record.http.response->headers = record.http.request.headers;

  redactor.Redact(record.http.request);
  redactor.Redact(*record.http.response);
  std::string line;
  writer.Append(record, line);

  if (line.empty() || line.back() != '\n') std::abort();
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size() - 1);
  if (doc.HasParseError() || !doc.IsObject()) std::abort();
  if (!secret.empty() && AnyStringHolds(doc, secret)) std::abort();
  return 0;
}
