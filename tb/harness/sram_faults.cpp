// SRAM bit flips through the model's public scope table (sram_faults.h).
#include "sram_faults.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "verilated.h"
#include "verilated_syms.h"
#pragma GCC diagnostic pop

namespace salsa::harness {

namespace {

uint64_t ReadUint(const void* p, unsigned bytes) {
  uint64_t v = 0;
  std::memcpy(&v, p, bytes);  // little-endian host: the low bytes
  return v;
}

unsigned StorageBytes(int bits) { return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8; }

// "TOP.salsa_top.u_wgt_spad.u_way1.gen_bank[3].u_bank" (generate names may be escaped as
// gen_bank__BRA__3__KET__): the scratchpad "u_wgt_spad.u_way1" and bank 3.
bool ParseBankScope(const std::string& name, std::string* spad, unsigned* bank) {
  const std::string top = "salsa_top.";
  const size_t t = name.find(top);
  const size_t g = name.find(".gen_bank");
  if (t == std::string::npos || g == std::string::npos || g < t + top.size()) return false;
  *spad = name.substr(t + top.size(), g - t - top.size());
  size_t d = g + 9;
  while (d < name.size() && !std::isdigit(static_cast<unsigned char>(name[d]))) ++d;
  if (d >= name.size()) return false;
  *bank = static_cast<unsigned>(std::stoul(name.substr(d)));
  return true;
}

const VerilatedVar* Find(const VerilatedScope* s, const char* var) {
  return s != nullptr ? s->varFind(var) : nullptr;
}

}  // namespace

SramFaults::SramFaults(VerilatedContext* ctx) {
  const VerilatedScopeNameMap* scopes = ctx->scopeNameMap();
  if (scopes != nullptr) {
    for (const auto& [name, scope] : *scopes) {
      const VerilatedVar* mem = Find(scope, "mem_q");
      if (mem == nullptr || mem->udims() != 1) continue;
      std::string sname = name;
      // sram.macro: blackbox: the memory is the macro model's (u_bank.u_macro), the ports the
      // wrapper's (u_bank).
      const size_t macro = sname.rfind(".u_macro");
      const std::string port_scope = macro == std::string::npos ? sname : sname.substr(0, macro);
      const auto ps = scopes->find(port_scope.c_str());
      const VerilatedScope* pscope = ps != scopes->end() ? ps->second : nullptr;
      const VerilatedVar *we = Find(pscope, "we_i"), *wa = Find(pscope, "waddr_i"),
                         *re = Find(pscope, "re_i"), *ra = Find(pscope, "raddr_i");
      SramBank b;
      if (we == nullptr || wa == nullptr || re == nullptr || ra == nullptr ||
          !ParseBankScope(port_scope, &b.spad, &b.bank)) {
        continue;
      }
      b.depth = static_cast<unsigned>(mem->unpacked().elements());
      b.code_bits = static_cast<unsigned>(mem->packed().elements());
      b.mem = mem->datap();
      b.we = we->datap();
      b.waddr = wa->datap();
      b.re = re->datap();
      b.raddr = ra->datap();
      b.addr_bytes = StorageBytes(wa->packed().elements());
      banks_.push_back(std::move(b));
    }
  }
  if (banks_.empty()) {
    throw std::runtime_error(
        "--flip-bits: the model exposes no SRAM bank (a build with sram.ecc: secded verilates "
        "its salsa_sim.vlt)");
  }
  std::sort(banks_.begin(), banks_.end(), [](const SramBank& a, const SramBank& b) {
    return a.spad != b.spad ? a.spad < b.spad : a.bank < b.bank;
  });
}

void SramFaults::Arm(unsigned n, bool dbl, uint64_t horizon, uint64_t seed) {
  rng_.seed(seed ^ 0x5EC0DEDull);
  dbl_ = dbl;
  cycle_ = 0;
  corrupted_reads_ = 0;
  flipped_.clear();
  first_double_ = {};
  for (SramBank& b : banks_) {
    b.recent.clear();
    b.recent_next = 0;
  }
  due_.clear();
  std::uniform_int_distribution<uint64_t> when(1, std::max<uint64_t>(horizon, 1));
  for (unsigned i = 0; i < n; ++i) due_.push_back(when(rng_));
  std::sort(due_.begin(), due_.end());
  armed_ = true;
}

void SramFaults::Inject() {
  std::vector<unsigned> candidates;
  for (unsigned i = 0; i < banks_.size(); ++i) {
    if (!banks_[i].recent.empty()) candidates.push_back(i);
  }
  if (candidates.empty()) return;  // nothing written yet: try again next cycle
  for (unsigned attempt = 0; attempt < 16; ++attempt) {
    const unsigned bi =
        candidates[std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(rng_)];
    SramBank& b = banks_[bi];
    const unsigned row =
        b.recent[std::uniform_int_distribution<size_t>(0, b.recent.size() - 1)(rng_)];
    const bool taken = std::any_of(flipped_.begin(), flipped_.end(), [&](const FlippedWord& f) {
      return f.live && f.bank == bi && f.row == row;
    });
    if (taken) continue;  // one fault per word at a time: two singles would make a double
    FlippedWord f;
    f.bank = bi;
    f.row = row;
    f.dbl = dbl_;
    f.cycle = cycle_;
    std::uniform_int_distribution<unsigned> bit(0, b.code_bits - 1);
    f.bits[0] = bit(rng_);
    do {
      f.bits[1] = bit(rng_);
    } while (dbl_ && f.bits[1] == f.bits[0]);
    // The row's storage: Verilator keeps an unpacked array's elements contiguous, each word's
    // bits little-endian (so bit k is in byte k / 8 whatever the element type).
    const size_t elem = b.code_bits > 64 ? ((b.code_bits + 31) / 32) * 4
                                         : StorageBytes(static_cast<int>(b.code_bits));
    auto* word = static_cast<uint8_t*>(b.mem) + elem * row;
    for (unsigned k = 0; k < (dbl_ ? 2u : 1u); ++k) {
      word[f.bits[k] / 8] ^= static_cast<uint8_t>(1u << (f.bits[k] % 8));
    }
    flipped_.push_back(f);
    due_.erase(due_.begin());
    return;
  }
}

void SramFaults::BeforeRise() {
  if (!armed_) return;
  ++cycle_;
  while (!due_.empty() && due_.front() <= cycle_) {
    const size_t before = due_.size();
    Inject();
    if (due_.size() == before) break;  // nothing to flip yet
  }
  // This edge's accesses: a read of a corrupted row returns it corrupted (a write in the same
  // edge stores after the read), then a write replaces it.
  for (unsigned bi = 0; bi < banks_.size(); ++bi) {
    SramBank& b = banks_[bi];
    const bool re = *static_cast<const uint8_t*>(b.re) & 1;
    const bool we = *static_cast<const uint8_t*>(b.we) & 1;
    if (!re && !we) continue;
    const unsigned rrow = static_cast<unsigned>(ReadUint(b.raddr, b.addr_bytes) % b.depth);
    const unsigned wrow = static_cast<unsigned>(ReadUint(b.waddr, b.addr_bytes) % b.depth);
    for (FlippedWord& f : flipped_) {
      if (!f.live || f.bank != bi) continue;
      if (re && f.row == rrow) {
        ++f.reads;
        ++corrupted_reads_;
        if (f.dbl && (!first_double_.found || first_double_.cycle == cycle_)) {
          first_double_.found = true;
          first_double_.cycle = cycle_;
          first_double_.words.push_back({b.spad, b.bank * b.depth + f.row});
        }
      }
      if (we && f.row == wrow) f.live = false;
    }
    if (we) {
      if (b.recent.size() < SramBank::kRecent) {
        b.recent.push_back(wrow);
      } else {
        b.recent[b.recent_next] = wrow;
        b.recent_next = (b.recent_next + 1) % SramBank::kRecent;
      }
    }
  }
}

}  // namespace salsa::harness
