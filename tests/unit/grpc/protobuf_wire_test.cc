// Schema-less protobuf reading: the encodings below are what protoc-generated code writes for
// the messages in the comments.
#include "parsers/grpc/protobuf_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace apisensor::grpc {
namespace {

std::optional<std::vector<ProtoField>> Decode(const std::string& bytes, ProtoLimits limits = {}) {
  return DecodeProtobuf({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, limits);
}

TEST(ProtobufWireTest, ScalarsStringsAndNestedMessages) {
  // { id: 150, name: "ada", price: fixed64 1, score: fixed32 2, owner: { id: 7, email: "a@b" } }
  const std::string bytes = std::string("\x08\x96\x01", 3) +
                            "\x12\x03"
                            "ada" +
                            std::string("\x19\x01\0\0\0\0\0\0\0", 9) +
                            std::string("\x25\x02\0\0\0", 5) +
                            std::string("\x2a\x07\x08\x07\x12\x03", 6) + "a@b";
  const auto fields = Decode(bytes);
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(ProtobufShape(*fields), "1:varint 2:string 3:fixed64 4:fixed32 5:{1:varint 2:string}");
  EXPECT_EQ((*fields)[0].scalar, 150u);
  EXPECT_EQ((*fields)[1].text, "ada");
  EXPECT_EQ((*fields)[4].message[1].text, "a@b");
}

TEST(ProtobufWireTest, BinaryThatIsNoMessageIsBytes) {
  // field 1, 4 bytes 0xff 0xff 0xff 0xff: not UTF-8, not a message (unterminated varint key)
  const auto fields = Decode(std::string("\x0a\x04\xff\xff\xff\xff", 6));
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(ProtobufShape(*fields), "1:bytes");
}

TEST(ProtobufWireTest, MalformedInputIsRefused) {
  EXPECT_FALSE(Decode(std::string("\x08", 1)).has_value());  // varint cut
  EXPECT_FALSE(Decode(std::string("\x12\x05"
                                  "ab",
                                  4))
                   .has_value());                                    // length past the end
  EXPECT_FALSE(Decode(std::string("\x0b\x08\x01", 3)).has_value());  // group start
  EXPECT_FALSE(Decode(std::string("\x00\x01", 2)).has_value());      // field number 0
  EXPECT_FALSE(Decode(std::string("\x0f", 1)).has_value());          // wire type 7
  EXPECT_FALSE(Decode(std::string(11, '\xff')).has_value());         // endless varint
  EXPECT_EQ(ProtobufShape(*Decode("")), "");                         // empty message
}

TEST(ProtobufWireTest, CapsHoldOnDeepAndWideInput) {
  // 200 nested levels of field 1: kept down to max_depth, deeper levels are bytes.
  std::string deep = "\x08\x01";
  for (int i = 0; i < 200; ++i) {
    std::string wrapped = "\x0a";
    wrapped += static_cast<char>(deep.size() < 128 ? deep.size() : 0);
    if (deep.size() >= 128) break;
    deep = wrapped + deep;
  }
  ProtoLimits limits;
  limits.max_depth = 3;
  const auto fields = Decode(deep, limits);
  ASSERT_TRUE(fields.has_value());
  EXPECT_LE(ProtobufShape(*fields).size(), 64u);

  std::string wide;
  for (int i = 0; i < 1000; ++i) wide += "\x08\x01";
  limits.max_fields = 100;
  EXPECT_FALSE(Decode(wide, limits).has_value());  // more fields than the cap: not summarised
}

}  // namespace
}  // namespace apisensor::grpc
