#include "agent/capture/openssl_internals.h"

#include <capstone/capstone.h>

namespace apisensor::capture {
namespace {

// Instructions a wrapper runs before its call: enough for stack-protector set-up and argument
// checks, small enough that a function doing real work is rejected.
constexpr int kMaxPrologueInstructions = 16;

// Decodes `code` one instruction at a time, with details (operands, registers written).
class Instructions {
 public:
  Instructions(std::span<const uint8_t> code, uint64_t address)
      : next_(code.data()), left_(code.size()), at_(address) {
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle_) != CS_ERR_OK) return;
    if (cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON) == CS_ERR_OK) insn_ = cs_malloc(handle_);
  }
  ~Instructions() {
    if (insn_ != nullptr) cs_free(insn_, 1);
    if (handle_ != 0) cs_close(&handle_);
  }
  Instructions(const Instructions&) = delete;
  Instructions& operator=(const Instructions&) = delete;

  // The next instruction; null at the end of the code, on bytes that do not decode, or when
  // Capstone could not be set up.
  const cs_insn* Next() {
    if (insn_ == nullptr || !cs_disasm_iter(handle_, &next_, &left_, &at_, insn_)) return nullptr;
    return insn_;
  }
  csh handle() const { return handle_; }

 private:
  csh handle_ = 0;
  cs_insn* insn_ = nullptr;
  const uint8_t* next_;
  size_t left_;
  uint64_t at_;
};

bool IsRegisterPush(const cs_insn* insn) {
  const cs_x86& x86 = insn->detail->x86;
  return insn->id == X86_INS_PUSH && x86.op_count == 1 && x86.operands[0].type == X86_OP_REG;
}

bool WritesArgumentRegister(csh handle, const cs_insn* insn, bool first_only = false) {
  cs_regs read, written;
  uint8_t read_count = 0, written_count = 0;
  if (cs_regs_access(handle, insn, read, &read_count, written, &written_count) != CS_ERR_OK)
    return true;  // unknown effect: assume the worst
  for (uint8_t i = 0; i < written_count; ++i) {
    switch (written[i]) {
      case X86_REG_RDI:
      case X86_REG_EDI:
      case X86_REG_DI:
      case X86_REG_DIL:
        return true;
      case X86_REG_RSI:
      case X86_REG_ESI:
      case X86_REG_SI:
      case X86_REG_SIL:
        if (!first_only) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

bool IsEmulated(const cs_insn* insn) {
  if (IsRegisterPush(insn)) return true;
  const cs_x86& x86 = insn->detail->x86;
  const bool relative = x86.op_count == 1 && x86.operands[0].type == X86_OP_IMM;
  if (insn->id == X86_INS_CALL || insn->id == X86_INS_JMP) return relative;
  for (uint8_t i = 0; i < insn->detail->groups_count; ++i) {
    if (insn->detail->groups[i] == X86_GRP_JUMP) return relative;  // jcc
  }
  return false;
}

}  // namespace

std::optional<uint64_t> WrappedCallTarget(std::span<const uint8_t> code, uint64_t address) {
  Instructions instructions(code, address);
  for (int i = 0; i < kMaxPrologueInstructions; ++i) {
    const cs_insn* insn = instructions.Next();
    if (insn == nullptr) return std::nullopt;
    const cs_x86& x86 = insn->detail->x86;
    if (insn->id == X86_INS_CALL) {
      if (x86.op_count != 1 || x86.operands[0].type != X86_OP_IMM) return std::nullopt;
      return static_cast<uint64_t>(x86.operands[0].imm);
    }
    if (insn->id == X86_INS_JMP || insn->id == X86_INS_RET) return std::nullopt;
    if (WritesArgumentRegister(instructions.handle(), insn)) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<uint64_t> FirstEmulatedOffset(std::span<const uint8_t> code, uint64_t address) {
  Instructions instructions(code, address);
  for (int i = 0; i < kMaxPrologueInstructions; ++i) {
    const cs_insn* insn = instructions.Next();
    if (insn == nullptr) return std::nullopt;
    if (IsEmulated(insn)) return insn->address - address;
    if (insn->id == X86_INS_RET || WritesArgumentRegister(instructions.handle(), insn, true))
      return std::nullopt;
  }
  return std::nullopt;
}

bool StartsWithPush(std::span<const uint8_t> code, uint64_t address) {
  Instructions instructions(code, address);
  const cs_insn* first = instructions.Next();
  return first != nullptr && IsRegisterPush(first);
}

}  // namespace apisensor::capture
