// The hardware/software contract in one place: CSR map, counters, opcodes and error codes.
// The CSR block, the sequencer, manifest.json and salsa_params.h are all generated from these
// tables, so the RTL and the software that drives it cannot drift apart.
#pragma once

#include <cstdint>

namespace salsa::contract {

constexpr unsigned kCmdBytes = 32;

struct CsrReg {
  const char* name;
  uint32_t addr;
  const char* access;
  const char* doc;
};

constexpr CsrReg kCsrRegs[] = {
    {"CTRL", 0x000, "W", "bit 0: start (ignored while busy)"},
    {"STATUS", 0x004, "R/W1C", "bit 0 busy, bit 1 done (write 1 clears), bit 2 error"},
    {"ERR_CODE", 0x008, "R",
     "0 none, 1 bad opcode, 2 AXI read error, 3 AXI write error, "
     "4 scratchpad range, 5 bad field"},
    {"ERR_CMD", 0x00C, "R", "index of the command that failed"},
    {"IRQ_EN", 0x010, "R/W", "bit 0: raise irq_o while done"},
    {"CMD_BASE_LO", 0x014, "R/W", "command list address, low 32 bits"},
    {"CMD_BASE_HI", 0x018, "R/W", "command list address, high 32 bits"},
    {"CMD_COUNT", 0x01C, "R/W", "number of commands"},
    {"HW_ID", 0x020, "R", "{rows[7:0], cols[7:0], bus_bytes[7:0], 8'h5A}"},
};
constexpr uint32_t kHwIdMagic = 0x5A;

constexpr bool NameEq(const char* a, const char* b) {
  while (*a != 0 && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}
// Address of the CSR called `name`; 0xFFFFFFFF if there is none (a compile error in constexpr use
// sites that check it).
constexpr uint32_t CsrAddr(const char* name) {
  for (const auto& r : kCsrRegs) {
    if (NameEq(r.name, name)) return r.addr;
  }
  return 0xFFFFFFFF;
}

constexpr uint32_t kCounterBase = 0x040;  // 64-bit counters, low word first
struct Counter {
  const char* name;
  const char* doc;
};
constexpr Counter kCounters[] = {
    {"cycles", "cycles busy (from start to done)"},
    {"mac_active", "cycles the array received a K step"},
    {"gated", "activation operands equal to the input zero point (gated)"},
    {"rd_bytes", "R beats x bus bytes"},
    {"wr_bytes", "W beats x bus bytes"},
    {"stall_load", "cycles spent in LOAD commands"},
    {"stall_store", "cycles spent in STORE commands"},
    {"commands", "commands completed"},
    {"skipped_steps", "K steps an indexed COMPUTE skipped (zero_skip: listed entries past nnz)"},
    {"skipped_wgt_bytes", "weight bytes a gather LOAD did not fetch (zero_skip)"},
};
constexpr unsigned kNumCounters = sizeof(kCounters) / sizeof(kCounters[0]);

enum Opcode : unsigned { kOpLoad = 1, kOpCompute = 2, kOpStore = 3, kOpSync = 4, kOpScan = 5 };
// Flag bits of w0 (zero_skip builds only; elsewhere they are field errors).
constexpr unsigned kFlagGather = 1u << 10;   // LOAD: rows come from the index list
constexpr unsigned kFlagIndexed = 1u << 10;  // COMPUTE: act words come from the index list
// Every os build: a COMPUTE's drain adds to the acc words (partial sums of K chunks); a field
// error on a LOAD and in ws builds (whose drain always adds).
constexpr unsigned kFlagAccumulate = 1u << 11;
// Indexed COMPUTE over a group of S tiles (S = the weight stride): tile t uses weight words
// wb + t + e*S and drains to acc rows acc + t*rows.
constexpr unsigned kFlagGroup = 1u << 13;
// sparsity.structured "2:4" builds only: a COMPUTE over compressed weights (meta in target 3).
constexpr unsigned kFlagStructured = 1u << 12;
// The read DMA's tag: destination (2 bits; 3 with 2:4, where target 3 is the meta scratchpad and
// command fetches move to destination 4) above the 16-bit word address.
constexpr unsigned DestBits(bool structured24) { return structured24 ? 3 : 2; }
enum Target : unsigned { kTargetAct = 0, kTargetWeight = 1, kTargetAcc = 2, kTargetMeta = 3 };
enum ErrCode : unsigned {
  kErrNone = 0,
  kErrOpcode = 1,
  kErrAxiRead = 2,
  kErrAxiWrite = 3,
  kErrRange = 4,
  kErrField = 5,
};

}  // namespace salsa::contract
