// Generic command pack/unpack over the contract's table, the encoders and the printer.
#include "salsa/command.h"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace salsa {
namespace cmd {

using contract::CmdField;

uint64_t Bits(const uint8_t* c, const CmdField& f) {
  uint64_t v = 0;
  for (unsigned i = 0; i < f.width; ++i) {
    const unsigned bit = 32 * f.word + f.lsb + i;
    v |= static_cast<uint64_t>((c[bit / 8] >> (bit % 8)) & 1u) << i;
  }
  return v;
}

int64_t Get(const uint8_t* c, const CmdField& f) {
  const uint64_t v = Bits(c, f);
  if (f.is_signed && f.width < 64 && ((v >> (f.width - 1)) & 1u) != 0) {
    return static_cast<int64_t>(v | (~uint64_t{0} << f.width));
  }
  return static_cast<int64_t>(v);
}

void Set(Command& c, const CmdField& f, int64_t value) {
  if (f.width < 64) {
    const int64_t lo = f.is_signed ? -(int64_t{1} << (f.width - 1)) : 0;
    const int64_t hi = f.is_signed ? (int64_t{1} << (f.width - 1)) : (int64_t{1} << f.width);
    if (value < lo || value >= hi) {
      throw std::out_of_range(std::string("command field ") + contract::FindCmdOp(f.op)->name +
                              "." + f.name + ": " + std::to_string(value) + " is not in [" +
                              std::to_string(lo) + ", " + std::to_string(hi - 1) + "]");
    }
  }
  const uint64_t bits = static_cast<uint64_t>(value);
  for (unsigned i = 0; i < f.width; ++i) {
    const unsigned bit = 32 * f.word + f.lsb + i;
    const uint8_t mask = static_cast<uint8_t>(1u << (bit % 8));
    c[bit / 8] = ((bits >> i) & 1u) ? (c[bit / 8] | mask) : (c[bit / 8] & ~mask);
  }
}

unsigned Opcode(const uint8_t* c) { return static_cast<unsigned>(Bits(c, contract::kCmdOpcode)); }

const CmdField& FieldOf(unsigned op, const std::string& name) {
  const CmdField* f = contract::FindCmdField(op, name.c_str());
  if (f == nullptr) {
    throw std::logic_error("no command field " + name + " for opcode " + std::to_string(op));
  }
  return *f;
}

int64_t Get(const uint8_t* c, const std::string& name) { return Get(c, FieldOf(Opcode(c), name)); }

int64_t GetOr(const uint8_t* c, const char* name, int64_t absent) {
  const CmdField* f = contract::FindCmdField(Opcode(c), name);
  return f == nullptr ? absent : Get(c, *f);
}

Command Pack(unsigned op, std::initializer_list<std::pair<const char*, int64_t>> fields) {
  Command c{};
  Set(c, contract::kCmdOpcode, op);
  for (const auto& [name, value] : fields) Set(c, FieldOf(op, name), value);
  return c;
}

}  // namespace cmd

uint32_t CommandWord(const uint8_t* cmd, unsigned i) {
  return static_cast<uint32_t>(cmd[4 * i]) | (static_cast<uint32_t>(cmd[4 * i + 1]) << 8) |
         (static_cast<uint32_t>(cmd[4 * i + 2]) << 16) |
         (static_cast<uint32_t>(cmd[4 * i + 3]) << 24);
}

std::string DescribeCommand(const uint8_t* c) {
  const unsigned op = cmd::Opcode(c);
  const contract::CmdOp* o = contract::FindCmdOp(op);
  if (o == nullptr) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "UNKNOWN opcode=%u w0=0x%08x", op, CommandWord(c, 0));
    return buf;
  }
  auto flag_set = [&](const char* name) {
    const contract::CmdField* f = contract::FindCmdField(op, name);
    return f != nullptr && cmd::Bits(c, *f) != 0;
  };
  std::string flags, fields;
  for (const auto& f : contract::kCmdFields) {
    if (f.op != op || (f.when[0] != '\0' && !flag_set(f.when))) continue;
    const int64_t v = cmd::Get(c, f);
    if (f.width == 1) {
      if (v != 0) flags += std::string(" ") + f.name;
      continue;
    }
    if (f.feature[0] != '\0' && f.when[0] == '\0' && v == 0) continue;
    std::string text;
    if (op == contract::kOpLoad && contract::NameEq(f.name, "target")) {
      text = contract::kTargetNames[v & 3];
    } else if (f.width > 32) {
      char buf[24];
      std::snprintf(buf, sizeof buf, "0x%" PRIx64, static_cast<uint64_t>(v));
      text = buf;
    } else {
      text = std::to_string(v);
    }
    fields += std::string(" ") + f.name + "=" + text;
  }
  return o->name + flags + fields;
}

// ---- encoders
// ------------------------------------------------------------------------------------
Command EncodeLoad(contract::Target target, uint16_t sp_addr, uint16_t words_per_row, uint16_t rows,
                   uint32_t dram_stride, uint64_t dram_addr) {
  return cmd::Pack(contract::kOpLoad, {{"target", target},
                                       {"sp_addr", sp_addr},
                                       {"words_per_row", words_per_row},
                                       {"rows", rows},
                                       {"stride", dram_stride},
                                       {"dram_addr", static_cast<int64_t>(dram_addr)}});
}

Command EncodeCompute(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                      uint16_t k_steps, int8_t input_zp, uint16_t drain_acc_addr, bool accumulate) {
  return cmd::Pack(contract::kOpCompute, {{"clear", clear},
                                          {"drain", drain},
                                          {"accumulate", accumulate},
                                          {"act_addr", act_addr},
                                          {"weight_addr", weight_addr},
                                          {"k", k_steps},
                                          {"in_zp", input_zp},
                                          {"acc_addr", drain_acc_addr}});
}

Command EncodeComputeWs(bool clear, uint16_t act_addr, uint16_t weight_addr, uint16_t m_rows,
                        int8_t input_zp, uint16_t acc_addr, uint16_t blocks) {
  return cmd::Pack(contract::kOpCompute, {{"clear", clear},
                                          {"act_addr", act_addr},
                                          {"weight_addr", weight_addr},
                                          {"k", m_rows},
                                          {"in_zp", input_zp},
                                          {"acc_addr", acc_addr},
                                          {"blocks", blocks}});
}

Command EncodeComputeConv(bool clear, uint16_t act_addr, uint16_t weight_addr, uint16_t m_rows,
                          int8_t input_zp, uint16_t acc_addr, uint16_t blocks,
                          const ConvFields& f) {
  Command c = EncodeComputeWs(clear, act_addr, weight_addr, m_rows, input_zp, acc_addr, blocks);
  const std::pair<const char*, int64_t> fields[] = {
      {"conv", 1},      {"ow", f.ow},     {"kw", f.kw},     {"nc", f.nc},
      {"sy", f.sy},     {"sx", f.sx},     {"dy", f.dy},     {"dx", f.dx},
      {"y_lo", f.y_lo}, {"y_hi", f.y_hi}, {"x_lo", f.x_lo}, {"x_hi", f.x_hi},
      {"org", f.org},   {"rw", f.rw},     {"span", f.span}, {"pw", f.pw}};
  for (const auto& [name, value] : fields) {
    cmd::Set(c, cmd::FieldOf(contract::kOpCompute, name), value);
  }
  return c;
}

Command EncodeComputeOsConv(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                            uint16_t k_steps, int8_t input_zp, uint16_t acc_addr,
                            const OsConvFields& f) {
  Command c = EncodeCompute(clear, drain, act_addr, weight_addr, k_steps, input_zp, acc_addr);
  const std::pair<const char*, int64_t> fields[] = {
      {"conv", 1},        {"extent", f.extent}, {"pitch", f.pitch}, {"window", f.window},
      {"chans", f.chans}, {"taps_x", f.taps_x}, {"off_w", f.off_w}, {"off_b", f.off_b},
      {"tx_b", f.tx_b},   {"tx_w", f.tx_w},     {"ty_b", f.ty_b},   {"ty_w", f.ty_w},
      {"xmask", f.xmask}, {"x0", f.x0},         {"xw", f.xw},       {"kx0", f.kx0},
      {"tiles", f.tiles}};
  for (const auto& [name, value] : fields) {
    cmd::Set(c, cmd::FieldOf(contract::kOpCompute, name), value);
  }
  return c;
}

Command EncodeStore(uint16_t acc_addr, uint16_t rows, uint16_t bytes_per_row, uint16_t bias_addr,
                    uint32_t dram_stride, uint64_t dram_addr, int32_t multiplier, int8_t shift,
                    int8_t out_zp, int8_t act_min, int8_t act_max, int per_channel_acc) {
  Command c = cmd::Pack(contract::kOpStore, {{"acc_addr", acc_addr},
                                             {"rows", rows},
                                             {"row_bytes", bytes_per_row},
                                             {"bias_addr", bias_addr},
                                             {"stride", dram_stride},
                                             {"dram_addr", static_cast<int64_t>(dram_addr)},
                                             {"multiplier", multiplier},
                                             {"shift", shift},
                                             {"out_zp", out_zp},
                                             {"act_min", act_min},
                                             {"act_max", act_max}});
  if (per_channel_acc >= 0) {
    cmd::Set(c, cmd::FieldOf(contract::kOpStore, "per_channel"), 1);
    cmd::Set(c, cmd::FieldOf(contract::kOpStore, "mult_addr"), per_channel_acc);
  }
  return c;
}

Command EncodeSync() { return cmd::Pack(contract::kOpSync, {}); }

Command EncodeStructuredCompute(bool clear, bool drain, uint16_t act_addr, uint16_t weight_addr,
                                uint16_t k_steps, int8_t input_zp, uint16_t drain_acc_addr,
                                bool accumulate) {
  Command c = EncodeCompute(clear, drain, act_addr, weight_addr, k_steps, input_zp, drain_acc_addr,
                            accumulate);
  cmd::Set(c, cmd::FieldOf(contract::kOpCompute, "structured"), 1);
  return c;
}

Command EncodeScan(uint16_t act_addr, uint16_t k_words, int8_t input_zp, uint8_t lanes) {
  return cmd::Pack(contract::kOpScan,
                   {{"act_addr", act_addr}, {"k", k_words}, {"in_zp", input_zp}, {"lanes", lanes}});
}

Command EncodeGatherLoad(uint16_t sp_addr, uint16_t words_per_row, uint16_t entries,
                         uint16_t first_entry, uint32_t step_bytes, uint64_t dram_base) {
  Command c =
      EncodeLoad(contract::kTargetWeight, sp_addr, words_per_row, entries, step_bytes, dram_base);
  cmd::Set(c, cmd::FieldOf(contract::kOpLoad, "gather"), 1);
  cmd::Set(c, cmd::FieldOf(contract::kOpLoad, "j0"), first_entry);
  return c;
}

Command EncodeIndexedCompute(bool clear, bool drain, bool accumulate, uint16_t weight_base,
                             uint16_t entries, uint16_t first_entry, uint8_t weight_stride,
                             int8_t input_zp, uint16_t drain_acc_addr, bool group) {
  return cmd::Pack(contract::kOpCompute, {{"clear", clear},
                                          {"drain", drain},
                                          {"indexed", 1},
                                          {"accumulate", accumulate},
                                          {"group", group},
                                          {"weight_addr", weight_base},
                                          {"k", entries},
                                          {"in_zp", input_zp},
                                          {"stride", weight_stride},
                                          {"acc_addr", drain_acc_addr},
                                          {"j0", first_entry}});
}

}  // namespace salsa
