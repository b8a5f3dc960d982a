// Candidate checks for passwords: a field whose name says it holds a password or secret, with a
// value that is neither empty nor a placeholder. The pattern matches the tail of the name, the
// syntax binding it to a value, and the value's first character; the check recovers the whole
// name from there. The word alone (prose, labels, HTML input types) never matches.
#include <algorithm>
#include <string_view>

#include "agent/sensitive/candidate_checks.h"
#include "agent/sensitive/password_field.h"
#include "agent/sensitive/text_chars.h"

namespace apisensor::sensitive {
namespace {

// Placeholders are short; a longer value is a value, whatever follows.
constexpr size_t kMaxValueScan = 256;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsFormNameChar(char c) {
  return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%';
}

bool IsXmlNameChar(char c) { return IsAlnum(c) || c == '_' || c == '-' || c == '.' || c == ':'; }

bool IsRealValue(std::string_view value) { return !IsPlaceholderValue(value); }

// The value of a JSON member starting at `pos`. With `escaped`, the JSON sits inside another
// JSON string, so its quotes are written \".
bool IsRealJsonValue(std::string_view text, size_t pos, bool escaped) {
  const char first = text[pos];
  if (IsDigit(first) || first == '-') return true;  // a number is never empty
  size_t begin = pos + 1;
  if (escaped) {
    if (first != '\\' || CharAt(text, pos + 1) != '"') return false;
    begin = pos + 2;
  } else if (first != '"') {
    return false;  // null, true, false, an object or an array
  }
  size_t end = begin;
  while (end < text.size() && end - begin < kMaxValueScan) {
    const char c = text[end];
    if (!escaped && c == '"') break;
    if (c == '\\') {
      if (escaped && CharAt(text, end + 1) == '"') break;
      end += 2;
      continue;
    }
    ++end;
  }
  end = std::min(end, text.size());
  return IsRealValue(text.substr(begin, end - begin));
}

// An unquoted value ends at a field separator or white space; a quoted one at its quote.
std::string_view FieldValue(std::string_view text, size_t begin) {
  const char quote = CharAt(text, begin);
  if (quote == '"' || quote == '\'') {
    const size_t close = text.substr(begin + 1, kMaxValueScan).find(quote);
    return text.substr(begin + 1, close == std::string_view::npos ? kMaxValueScan : close);
  }
  size_t end = begin;
  while (end < text.size() && end - begin < kMaxValueScan &&
         std::string_view("&; \t\r\n\"'<>").find(text[end]) == std::string_view::npos) {
    ++end;
  }
  return text.substr(begin, end - begin);
}

bool EndsWithIgnoringCase(std::string_view text, std::string_view lower_suffix) {
  if (text.size() < lower_suffix.size()) return false;
  const std::string_view tail = text.substr(text.size() - lower_suffix.size());
  for (size_t i = 0; i < tail.size(); ++i) {
    if (ToLower(tail[i]) != lower_suffix[i]) return false;
  }
  return true;
}

bool IsPasswordJsonMember(const Match& m) {
  // "…password"<ws>:<ws><value's first character>, possibly with \" quotes.
  const std::string_view text = m.text;
  const size_t value = m.end - 1;
  size_t pos = value;
  while (pos > 0 && IsJsonSpace(text[pos - 1])) --pos;
  if (pos == 0 || text[pos - 1] != ':') return false;
  --pos;
  while (pos > 0 && IsJsonSpace(text[pos - 1])) --pos;
  if (pos == 0 || text[pos - 1] != '"') return false;
  size_t name_end = pos - 1;
  const bool escaped = CharBefore(text, name_end) == '\\';
  if (escaped) --name_end;
  size_t name_begin = name_end;
  while (name_begin > 0 && text[name_begin - 1] != '"') {
    if (name_end - name_begin == kMaxFieldNameLength) return false;
    --name_begin;
  }
  if (name_begin == 0) return false;
  if (escaped != (CharBefore(text, name_begin - 1) == '\\')) return false;
  if (!IsPasswordFieldName(text.substr(name_begin, name_end - name_begin))) {
    return false;
  }
  return IsRealJsonValue(text, value, escaped);
}

bool IsPasswordFormField(const Match& m) {
  // …password=<value's first character>, as in bodies, query strings and user[password]=.
  const std::string_view text = m.text;
  const size_t equals = m.end - 2;
  size_t name_begin = equals;
  while (name_begin > 0 && IsFormNameChar(text[name_begin - 1])) {
    if (equals - name_begin == kMaxFieldNameLength) return false;
    --name_begin;
  }
  // In a=password=x the name is a value; in type=password> an HTML attribute.
  if (CharBefore(text, name_begin) == '=') return false;
  if (!IsPasswordFieldName(text.substr(name_begin, equals - name_begin))) {
    return false;
  }
  return IsRealValue(FieldValue(text, m.end - 1));
}

bool IsPasswordMultipartField(const Match& m) {
  // Content-Disposition: form-data; name="password"<CRLF><CRLF><value's first character>.
  const std::string_view text = m.text;
  size_t pos = m.end - 1;
  while (pos > 0 && (text[pos - 1] == '\r' || text[pos - 1] == '\n')) --pos;
  if (pos == 0 || text[pos - 1] != '"') return false;
  const size_t name_end = pos - 1;
  size_t name_begin = name_end;
  while (name_begin > 0 && text[name_begin - 1] != '"') {
    if (name_end - name_begin == kMaxFieldNameLength) return false;
    --name_begin;
  }
  if (name_begin == 0 || !EndsWithIgnoringCase(text.substr(0, name_begin - 1), "name=")) {
    return false;
  }
  if (!IsPasswordFieldName(text.substr(name_begin, name_end - name_begin))) {
    return false;
  }
  size_t value_end = m.end - 1;
  while (value_end < text.size() && value_end - (m.end - 1) < kMaxValueScan &&
         text[value_end] != '\r' && text[value_end] != '\n') {
    ++value_end;
  }
  return IsRealValue(text.substr(m.end - 1, value_end - (m.end - 1)));
}

bool IsPasswordXmlElement(const Match& m) {
  // <password><value's first character>, or <ns:password>.
  const std::string_view text = m.text;
  const size_t close = m.end - 2;  // the '>'
  size_t name_begin = close;
  while (name_begin > 0 && IsXmlNameChar(text[name_begin - 1])) {
    if (close - name_begin == kMaxFieldNameLength) return false;
    --name_begin;
  }
  if (CharBefore(text, name_begin) != '<') return false;  // also rules out </password>
  std::string_view name = text.substr(name_begin, close - name_begin);
  if (const size_t colon = name.rfind(':'); colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  if (!IsPasswordFieldName(name)) return false;
  const std::string_view rest = text.substr(m.end - 1, kMaxValueScan);
  return IsRealValue(rest.substr(0, rest.find('<')));
}

}  // namespace

KindSet CheckPasswordField(const Match& m, CheckState&) {
  // What separates the name from the value tells the syntax: '=' a form field, '>' an XML
  // element, line breaks straight after the name's quote a multipart part, ':' a JSON member.
  const std::string_view text = m.text;
  const char separator = text[m.end - 2];
  bool found = false;
  if (separator == '=') {
    found = IsPasswordFormField(m);
  } else if (separator == '>') {
    found = IsPasswordXmlElement(m);
  } else {
    size_t pos = m.end - 1;
    while (pos > 0 && IsJsonSpace(text[pos - 1])) --pos;
    found = CharBefore(text, pos) == '"' ? IsPasswordMultipartField(m) : IsPasswordJsonMember(m);
  }
  return ConfirmedIf(found, Kind::kPassword);
}

}  // namespace apisensor::sensitive
