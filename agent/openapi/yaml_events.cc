#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <streambuf>

#include "agent/openapi/document_readers.h"

namespace apisensor::openapi {
namespace {

using Kind = YamlTree::Kind;

// Lets yaml-cpp read the caller's text in place instead of a copy in a stringstream.
class ViewStreamBuf : public std::streambuf {
 public:
  explicit ViewStreamBuf(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // read-only: no put area, no overflow()
    setg(begin, begin, begin + text.size());
  }
};

TextPosition PositionOf(const YAML::Mark& mark) {
  return {mark.line < 0 ? 0 : mark.line + 1, mark.column < 0 ? 0 : mark.column + 1};
}

class YamlEvents final : public YAML::EventHandler {
 public:
  explicit YamlEvents(TreeBuilder& builder) : builder_(builder) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_.Leaf(PositionOf(mark), anchor, Kind::kNull, {});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_.Alias(PositionOf(mark), anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    builder_.Leaf(PositionOf(mark), anchor, Kind::kScalar, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    builder_.Open(PositionOf(mark), anchor, Kind::kSequence);
  }
  void OnSequenceEnd() override { builder_.Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    builder_.Open(PositionOf(mark), anchor, Kind::kMap);
  }
  void OnMapEnd() override { builder_.Close(); }

 private:
  TreeBuilder& builder_;
};

}  // namespace

void ReadYamlDocument(std::string_view text, TreeBuilder& builder, const YamlLimits& limits) {
  PrescanYaml(text, limits);
  ViewStreamBuf buffer(text);
  std::istream stream(&buffer);
  YamlEvents events(builder);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(events);
  } catch (const YAML::DeepRecursion& e) {
    const TextPosition at = PositionOf(e.mark);
    throw YamlError(at.line, at.column, "nesting too deep");
  } catch (const YAML::Exception& e) {
    const TextPosition at = PositionOf(e.mark);
    throw YamlError(at.line, at.column, e.msg);
  }
}

}  // namespace apisensor::openapi
