#include <string>
#include <vector>

#include "agent/openapi/document_readers.h"

namespace apisensor::openapi {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// After these (or at the start of a line) a quoted scalar, a flow collection, an anchor, a tag
// or a block scalar may begin; anywhere else the character is plain text.
bool StartsValue(char previous) {
  return previous == '\n' || previous == ':' || previous == '-' || previous == '[' ||
         previous == '{' || previous == ',' || previous == '?';
}

class Prescan {
 public:
  Prescan(std::string_view text, const YamlLimits& limits) : text_(text), limits_(limits) {}

  void Run();

 private:
  struct Level {
    size_t start;
    TextPosition at;
    bool key_position;  // not right after ':': yaml-cpp must wait for its end to tell
  };

  TextPosition Here() const { return {line_, static_cast<int>(i_ - line_start_) + 1}; }
  bool NextIsBlankOrEnd() const {
    return i_ + 1 >= text_.size() || IsBlank(text_[i_ + 1]) || text_[i_ + 1] == '\n';
  }
  void NewLine() {
    ++line_;
    line_start_ = i_ + 1;
  }
  void SkipToEndOfLine() {
    while (i_ < text_.size() && text_[i_] != '\n') ++i_;
  }
  bool SkipBlockScalarLine();
  void SkipQuoted(char quote);
  void SkipToken();
  void CloseLevel();
  [[noreturn]] void TooLarge(const Level& level) const;

  std::string_view text_;
  const YamlLimits& limits_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  char previous_ = '\n';
  size_t previous_column_ = 0;
  size_t entry_column_ = 0;  // where the current block mapping entry (or item) starts
  bool pending_entry_ = true;
  bool in_block_scalar_ = false;
  long block_parent_indent_ = -1;
  std::vector<Level> levels_;
};

// At the start of a line inside a block scalar: skips the line, newline included, when it is
// still content.
bool Prescan::SkipBlockScalarLine() {
  size_t j = i_;
  while (j < text_.size() && text_[j] == ' ') ++j;
  size_t k = j;
  while (k < text_.size() && IsBlank(text_[k])) ++k;
  const bool blank = k >= text_.size() || text_[k] == '\n';
  if (!blank && static_cast<long>(j - i_) <= block_parent_indent_) {
    in_block_scalar_ = false;
    return false;
  }
  SkipToEndOfLine();
  if (i_ < text_.size()) {  // the newline too, so that the next line starts afresh
    NewLine();
    previous_ = '\n';
    ++i_;
  }
  return true;
}

void Prescan::SkipQuoted(char quote) {
  for (++i_; i_ < text_.size(); ++i_) {
    const char c = text_[i_];
    if (c == '\n') {
      NewLine();
    } else if (quote == '"' && c == '\\') {
      ++i_;
      if (i_ < text_.size() && text_[i_] == '\n') NewLine();
    } else if (c == quote) {
      if (quote == '\'' && i_ + 1 < text_.size() && text_[i_ + 1] == '\'') {
        ++i_;  // '' is a quote inside a single-quoted scalar
        continue;
      }
      ++i_;
      return;
    }
  }
}

// An anchor, alias or tag: up to white space or a flow indicator.
void Prescan::SkipToken() {
  ++i_;
  while (i_ < text_.size() && !IsBlank(text_[i_]) && text_[i_] != '\n' && text_[i_] != ',' &&
         text_[i_] != ']' && text_[i_] != '}' && text_[i_] != '[' && text_[i_] != '{') {
    ++i_;
  }
}

void Prescan::TooLarge(const Level& level) const {
  throw YamlError(level.at.line, level.at.column,
                  "a flow collection of more than " + std::to_string(limits_.max_key_flow_bytes) +
                      " bytes where a key may start (write it in block style, or the whole "
                      "document as JSON)");
}

void Prescan::CloseLevel() {
  if (levels_.empty()) return;
  const Level level = levels_.back();
  levels_.pop_back();
  if (level.key_position && i_ - level.start > limits_.max_key_flow_bytes) TooLarge(level);
}

void Prescan::Run() {
  while (i_ < text_.size()) {
    if (i_ == line_start_ && levels_.empty()) {
      if (in_block_scalar_ && SkipBlockScalarLine()) continue;
      pending_entry_ = true;
    }
    const char c = text_[i_];
    if (c == '\n') {
      NewLine();
      previous_ = '\n';
      ++i_;
      continue;
    }
    if (IsBlank(c)) {
      ++i_;
      continue;
    }
    const size_t column = i_ - line_start_;
    if (pending_entry_) {
      entry_column_ = column;
      pending_entry_ = false;
    }
    if (c == '#' && (i_ == line_start_ || IsBlank(text_[i_ - 1]))) {
      SkipToEndOfLine();
      continue;
    }
    if (StartsValue(previous_)) {
      if (c == '"' || c == '\'') {
        SkipQuoted(c);
        previous_ = c;
        continue;
      }
      if (c == '&' || c == '!') {
        SkipToken();  // the node it decorates starts next: `previous_` stays
        continue;
      }
      if ((c == '|' || c == '>') && levels_.empty()) {
        in_block_scalar_ = true;
        block_parent_indent_ = previous_ == '-'   ? static_cast<long>(previous_column_)
                               : previous_ == ':' ? static_cast<long>(entry_column_)
                                                  : -1;
        SkipToEndOfLine();
        continue;
      }
      if (c == '[' || c == '{') {
        if (levels_.size() >= limits_.max_depth) {
          throw YamlError(line_, static_cast<int>(column) + 1,
                          "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
        }
        levels_.push_back({i_, Here(), previous_ != ':'});
        previous_ = c;
        ++i_;
        continue;
      }
      if (c == '-' && levels_.empty() && NextIsBlankOrEnd()) {
        previous_ = '-';
        previous_column_ = column;
        pending_entry_ = true;  // "- key: |": the entry starts after the dash
        ++i_;
        continue;
      }
    }
    if (c == ']' || c == '}') CloseLevel();
    previous_ = c;
    previous_column_ = column;
    ++i_;
  }
  // An unclosed collection runs to the end, and yaml-cpp queues all of it before failing.
  for (const Level& level : levels_) {
    if (level.key_position && text_.size() - level.start > limits_.max_key_flow_bytes) {
      TooLarge(level);
    }
  }
}

}  // namespace

void PrescanYaml(std::string_view text, const YamlLimits& limits) { Prescan(text, limits).Run(); }

}  // namespace apisensor::openapi
