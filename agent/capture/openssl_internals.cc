#include "agent/capture/openssl_internals.h"

#include <capstone/capstone.h>

#include <array>
#include <memory>

namespace apisensor::capture {
namespace {

// Instructions a wrapper runs before its call: enough for stack-protector set-up and argument
// checks, small enough that a function doing real work is rejected.
constexpr int kMaxPrologueInstructions = 16;

struct Disassembler {
  csh handle = 0;
  bool ok = false;
  Disassembler() {
    ok = cs_open(CS_ARCH_X86, CS_MODE_64, &handle) == CS_ERR_OK &&
         cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON) == CS_ERR_OK;
  }
  ~Disassembler() {
    if (handle != 0) cs_close(&handle);
  }
};

struct InsnDeleter {
  void operator()(cs_insn* insn) const { cs_free(insn, 1); }
};

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
  const cs_x86& x86 = insn->detail->x86;
  if (insn->id == X86_INS_PUSH) return x86.op_count == 1 && x86.operands[0].type == X86_OP_REG;
  const bool relative = x86.op_count == 1 && x86.operands[0].type == X86_OP_IMM;
  if (insn->id == X86_INS_CALL || insn->id == X86_INS_JMP) return relative;
  for (uint8_t i = 0; i < insn->detail->groups_count; ++i) {
    if (insn->detail->groups[i] == X86_GRP_JUMP) return relative;  // jcc
  }
  return false;
}

}  // namespace

std::optional<uint64_t> WrappedCallTarget(std::span<const uint8_t> code, uint64_t address) {
  Disassembler d;
  if (!d.ok) return std::nullopt;
  std::unique_ptr<cs_insn, InsnDeleter> insn(cs_malloc(d.handle));
  const uint8_t* next = code.data();
  size_t left = code.size();
  uint64_t at = address;
  for (int i = 0; i < kMaxPrologueInstructions; ++i) {
    if (!cs_disasm_iter(d.handle, &next, &left, &at, insn.get())) return std::nullopt;
    const cs_x86& x86 = insn->detail->x86;
    if (insn->id == X86_INS_CALL) {
      if (x86.op_count != 1 || x86.operands[0].type != X86_OP_IMM) return std::nullopt;
      return static_cast<uint64_t>(x86.operands[0].imm);
    }
    if (insn->id == X86_INS_JMP || insn->id == X86_INS_RET) return std::nullopt;
    if (WritesArgumentRegister(d.handle, insn.get())) return std::nullopt;
  }
  return std::nullopt;
}

std::optional<uint64_t> FirstEmulatedOffset(std::span<const uint8_t> code, uint64_t address) {
  Disassembler d;
  if (!d.ok) return std::nullopt;
  std::unique_ptr<cs_insn, InsnDeleter> insn(cs_malloc(d.handle));
  const uint8_t* next = code.data();
  size_t left = code.size();
  uint64_t at = address;
  for (int i = 0; i < kMaxPrologueInstructions; ++i) {
    if (!cs_disasm_iter(d.handle, &next, &left, &at, insn.get())) return std::nullopt;
    if (IsEmulated(insn.get())) return insn->address - address;
    if (insn->id == X86_INS_RET || WritesArgumentRegister(d.handle, insn.get(), true))
      return std::nullopt;
  }
  return std::nullopt;
}

bool StartsWithPush(std::span<const uint8_t> code, uint64_t address) {
  Disassembler d;
  if (!d.ok) return false;
  std::unique_ptr<cs_insn, InsnDeleter> insn(cs_malloc(d.handle));
  const uint8_t* next = code.data();
  size_t left = code.size();
  uint64_t at = address;
  if (!cs_disasm_iter(d.handle, &next, &left, &at, insn.get())) return false;
  const cs_x86& x86 = insn->detail->x86;
  return insn->id == X86_INS_PUSH && x86.op_count == 1 && x86.operands[0].type == X86_OP_REG;
}

}  // namespace apisensor::capture
