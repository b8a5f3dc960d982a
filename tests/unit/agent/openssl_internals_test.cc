// Finding OpenSSL's internal read/write functions from machine code. The vectors are the first
// bytes of OpenSSL 3.0's SSL_read, SSL_read_ex and ssl_read_internal (Debian 12's libssl3), plus
// hand-made wrappers that must be refused.
#include "agent/capture/openssl_internals.h"

#include <gtest/gtest.h>

#include <vector>

namespace apisensor::capture {
namespace {

// sub rsp,0x18; mov rax,fs:0x28; mov [rsp+8],rax; xor eax,eax; test edx,edx; js +0x2f;
// mov rcx,rsp; movsxd rdx,edx; call 0x352d0; test eax,eax; jle ...
const std::vector<uint8_t> kSslRead = {
    0x48, 0x83, 0xec, 0x18, 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00, 0x48, 0x89, 0x44,
    0x24, 0x08, 0x31, 0xc0, 0x85, 0xd2, 0x78, 0x2f, 0x48, 0x89, 0xe1, 0x48, 0x63, 0xd2, 0xe8, 0x3d,
    0xfe, 0xff, 0xff, 0x85, 0xc0, 0x7e, 0x03, 0x8b, 0x04, 0x24, 0x48, 0x8b, 0x54, 0x24, 0x08, 0x64};
constexpr uint64_t kSslReadAt = 0x35470;
// sub rsp,8; call 0x352d0; xor edx,edx; test eax,eax; cmovs eax,edx
const std::vector<uint8_t> kSslReadEx = {0x48, 0x83, 0xec, 0x08, 0xe8, 0xc7, 0xfd, 0xff,
                                         0xff, 0x31, 0xd2, 0x85, 0xc0, 0x0f, 0x48, 0xc2};
constexpr uint64_t kSslReadExAt = 0x35500;
// push r13; push r12; push rbp; push rbx; sub rsp,...
const std::vector<uint8_t> kInternal = {0x41, 0x55, 0x41, 0x54, 0x55, 0x53, 0x48, 0x83};

TEST(WrappedCallTargetTest, BothPublicFormsWrapTheSameInternalFunction) {
  EXPECT_EQ(WrappedCallTarget(kSslRead, kSslReadAt), 0x352d0u);
  EXPECT_EQ(WrappedCallTarget(kSslReadEx, kSslReadExAt), 0x352d0u);
}

TEST(WrappedCallTargetTest, RefusesWhenAnArgumentRegisterChangesBeforeTheCall) {
  // mov rsi,rdx; call +0
  const std::vector<uint8_t> code = {0x48, 0x89, 0xd6, 0xe8, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(WrappedCallTarget(code, 0x1000), std::nullopt);
  // xor edi,edi; call +0
  const std::vector<uint8_t> zeroes_ssl = {0x31, 0xff, 0xe8, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(WrappedCallTarget(zeroes_ssl, 0x1000), std::nullopt);
}

TEST(WrappedCallTargetTest, RefusesJumpsReturnsAndIndirectCalls) {
  const std::vector<uint8_t> jump_first = {0xeb, 0x00, 0xe8, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(WrappedCallTarget(jump_first, 0x1000), std::nullopt);
  const std::vector<uint8_t> returns = {0xc3};
  EXPECT_EQ(WrappedCallTarget(returns, 0x1000), std::nullopt);
  const std::vector<uint8_t> indirect = {0xff, 0xd0};  // call rax
  EXPECT_EQ(WrappedCallTarget(indirect, 0x1000), std::nullopt);
}

TEST(WrappedCallTargetTest, RefusesLongFunctionsAndTruncatedCode) {
  std::vector<uint8_t> long_prologue(20, 0x90);  // 20 nops, then a call
  long_prologue.insert(long_prologue.end(), {0xe8, 0x00, 0x00, 0x00, 0x00});
  EXPECT_EQ(WrappedCallTarget(long_prologue, 0x1000), std::nullopt);
  const std::vector<uint8_t> cut(kSslRead.begin(), kSslRead.begin() + 32);  // mid-call
  EXPECT_EQ(WrappedCallTarget(cut, kSslReadAt), std::nullopt);
  EXPECT_EQ(WrappedCallTarget({}, 0x1000), std::nullopt);
}

TEST(StartsWithPushTest, PushIsEmulatedSubIsNot) {
  EXPECT_TRUE(StartsWithPush(kInternal, 0x352d0));
  EXPECT_TRUE(StartsWithPush(std::vector<uint8_t>{0x55}, 0));         // push rbp
  EXPECT_FALSE(StartsWithPush(kSslRead, kSslReadAt));                 // sub rsp
  EXPECT_FALSE(StartsWithPush(std::vector<uint8_t>{0x6a, 0x01}, 0));  // push imm
  EXPECT_FALSE(StartsWithPush({}, 0));
}

TEST(FirstEmulatedOffsetTest, SkipsToTheFirstEmulatedInstruction) {
  // OpenSSL 3.0's SSL_free: test rdi,rdi; je ...; push r13: the je, 3 bytes in.
  const std::vector<uint8_t> ssl_free = {0x48, 0x85, 0xff, 0x0f, 0x84, 0x97,
                                         0x03, 0x00, 0x00, 0x41, 0x55};
  EXPECT_EQ(FirstEmulatedOffset(ssl_free, 0x3b390), 3u);
  EXPECT_EQ(FirstEmulatedOffset(kInternal, 0x352d0), 0u);     // push first
  EXPECT_EQ(FirstEmulatedOffset(kSslRead, kSslReadAt), 22u);  // js, 22 bytes in
}

TEST(FirstEmulatedOffsetTest, RefusesWhenTheFirstArgumentChangesFirst) {
  // mov rdi,[rdi]; push rbx
  const std::vector<uint8_t> code = {0x48, 0x8b, 0x3f, 0x53};
  EXPECT_EQ(FirstEmulatedOffset(code, 0x1000), std::nullopt);
  const std::vector<uint8_t> returns = {0x31, 0xc0, 0xc3};  // xor eax,eax; ret
  EXPECT_EQ(FirstEmulatedOffset(returns, 0x1000), std::nullopt);
}

}  // namespace
}  // namespace apisensor::capture
