#include "bench/bench_model.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace salsa::bench {

// ---- the suite ----------------------------------------------------------------------------------

uint64_t BenchCase::GemmM() const {
  return conv ? static_cast<uint64_t>(conv_h) * conv_w : static_cast<uint64_t>(M);
}
uint64_t BenchCase::GemmK() const {
  return conv ? static_cast<uint64_t>(conv_k) * conv_k * conv_c : static_cast<uint64_t>(K);
}
uint64_t BenchCase::GemmN() const {
  return conv ? static_cast<uint64_t>(conv_out) : static_cast<uint64_t>(N);
}

std::string BenchCase::Describe() const {
  auto d = [](uint64_t v) { return std::to_string(v); };
  if (conv) {
    return "conv2d " + d(conv_k) + "×" + d(conv_k) + " " + d(conv_h) + "×" + d(conv_w) + "×" +
           d(conv_c) + " → " + d(conv_out) + " (GEMM " + d(GemmM()) + "×" + d(GemmK()) + "×" +
           d(GemmN()) + ")";
  }
  return std::string(M == 1 ? "GEMV " : "GEMM ") + d(M) + "×" + d(K) + "×" + d(N);
}

BenchCase GemmCase(const std::string& kind, int M, int K, int N) {
  BenchCase c;
  c.name = std::string(M == 1 ? "gemv_" : "gemm_") + std::to_string(M) + "x" + std::to_string(K) +
           "x" + std::to_string(N);
  c.kind = kind;
  c.M = M;
  c.K = K;
  c.N = N;
  return c;
}

namespace {

BenchCase Conv(int h, int w, int c_in, int c_out) {
  BenchCase c;
  c.conv = true;
  c.conv_h = h;
  c.conv_w = w;
  c.conv_c = c_in;
  c.conv_out = c_out;
  c.conv_k = 3;
  c.name = "conv3x3_" + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c_in) +
           "_" + std::to_string(c_out);
  c.kind = "conv";
  return c;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::vector<BenchCase> Suite(bool quick) {
  if (quick) {
    return {GemmCase("decode", 1, 256, 256), GemmCase("prefill", 64, 128, 64), Conv(8, 8, 8, 16)};
  }
  return {GemmCase("decode", 1, 4096, 4096),
          GemmCase("decode", 1, 2048, 2048),
          GemmCase("batched decode", 8, 2048, 2048),
          GemmCase("prefill", 256, 512, 512),
          GemmCase("prefill", 512, 512, 512),
          GemmCase("long-K prefill", 64, 4096, 256),
          Conv(56, 56, 64, 64)};
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = s.find(',', start);
    out.push_back(Trim(s.substr(start, comma == std::string::npos ? comma : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<unsigned> ParseLatencies(const std::string& s) {
  const std::string accepted = "; accepted: comma-separated integers 0.." +
                               std::to_string(kMaxLatency) +
                               " (DRAM latency in cycles), e.g. 100,200";
  std::vector<unsigned> out;
  for (const std::string& item : SplitList(s)) {
    const bool digits = !item.empty() && item.size() <= 9 &&
                        item.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(item) > kMaxLatency) {
      throw std::invalid_argument("--latencies '" + s + "': '" + item + "' is not a latency" +
                                  accepted);
    }
    const unsigned v = static_cast<unsigned>(std::stoul(item));
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      throw std::invalid_argument("--latencies '" + s + "': " + item + " is listed twice" +
                                  accepted);
    }
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> ParsePresets(const std::string& s,
                                      const std::vector<std::string>& available) {
  std::string names;
  for (const auto& a : available) names += (names.empty() ? "" : ", ") + a;
  const std::string accepted = "; accepted: comma-separated preset names from configs/: " + names;
  std::vector<std::string> out;
  for (const std::string& item : SplitList(s)) {
    if (std::find(available.begin(), available.end(), item) == available.end()) {
      throw std::invalid_argument("--presets '" + s + "': unknown preset '" + item + "'" +
                                  accepted);
    }
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      throw std::invalid_argument("--presets '" + s + "': '" + item + "' is listed twice" +
                                  accepted);
    }
    out.push_back(item);
  }
  return out;
}

// ---- roofline
// -------------------------------------------------------------------------------------

uint64_t CompulsoryBytes(uint64_t M, uint64_t K, uint64_t N, bool bias) {
  return M * K + N * K + M * N + (bias ? 4 * N : 0);
}

Roofline ComputeRoofline(uint64_t macs, uint64_t compulsory_bytes, unsigned rows, unsigned cols,
                         unsigned bus_bytes) {
  if (rows == 0 || cols == 0 || bus_bytes == 0) {
    throw std::invalid_argument("ComputeRoofline: rows, cols and bus bytes must be positive");
  }
  Roofline r;
  r.compute_cycles = static_cast<double>(macs) / (static_cast<double>(rows) * cols);
  r.memory_cycles = static_cast<double>(compulsory_bytes) / bus_bytes;
  r.memory_bound = r.memory_cycles > r.compute_cycles;
  r.bound = std::max(r.compute_cycles, r.memory_cycles);
  return r;
}

double RoofMacsPerCycle(double macs_per_byte, unsigned rows, unsigned cols, unsigned bus_bytes) {
  return std::min(static_cast<double>(rows) * cols, bus_bytes * macs_per_byte);
}

// ---- energy model
// ---------------------------------------------------------------------------------

double SramPjPer64(uint64_t bank_bytes, const EnergyTable& t) {
  if (bank_bytes <= 8 * 1024) return t.sram_8k;
  if (bank_bytes <= 32 * 1024) return t.sram_32k;
  return t.sram_1m;
}

Energy EstimateEnergy(const EnergyEvents& ev, const EnergyTable& t) {
  Energy e;
  const uint64_t lanes = ev.mac_active * ev.rows;  // activation operands entering the array
  const uint64_t gated = std::min(ev.gated_operands, lanes);
  e.multiplies = (lanes - gated) * ev.cols;
  e.gated_multiplies = gated * ev.cols;
  const double mul = ev.fp8 ? t.fp8_mul : t.mul8, acc = ev.fp8 ? t.fp32_add : t.add32;
  e.multiply_pj = static_cast<double>(e.multiplies) * mul;
  e.accumulate_pj = static_cast<double>(e.multiplies) * acc;
  e.zero_point_pj = ev.fp8 ? 0.0 : static_cast<double>(lanes) * t.add8;
  e.ppu_pj = static_cast<double>(ev.ppu_rows) * ev.cols * (2 * t.add32 + t.mul32);
  auto sram = [&t](uint64_t accesses, unsigned word_bytes, uint64_t bank_bytes) {
    return static_cast<double>(accesses) * (word_bytes * 8.0 / 64.0) * SramPjPer64(bank_bytes, t);
  };
  e.sram_pj = sram(ev.act_reads + ev.act_writes, ev.act_word_bytes, ev.act_bank_bytes) +
              sram(ev.weight_reads + ev.weight_writes, ev.weight_word_bytes, ev.weight_bank_bytes) +
              sram(ev.acc_reads + ev.acc_writes, ev.acc_word_bytes, ev.acc_bank_bytes);
  e.dram_pj = static_cast<double>(ev.dram_bytes) / 8.0 * t.dram;
  e.total_pj = e.multiply_pj + e.accumulate_pj + e.zero_point_pj + e.ppu_pj + e.sram_pj + e.dram_pj;
  e.pj_per_mac = ev.macs ? e.total_pj / static_cast<double>(ev.macs) : 0.0;
  e.ungated_total_pj = e.total_pj + static_cast<double>(e.gated_multiplies) * (mul + acc);
  e.gating_saving = e.ungated_total_pj > 0 ? 1.0 - e.total_pj / e.ungated_total_pj : 0.0;
  return e;
}

// ---- results
// --------------------------------------------------------------------------------------

namespace {

const nlohmann::json& Field(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) {
    throw std::invalid_argument(std::string("harness JSON has no '") + key + "'");
  }
  return j.at(key);
}

uint64_t U64(const nlohmann::json& j, const char* key) {
  const auto& v = Field(j, key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    throw std::invalid_argument(std::string("harness JSON '") + key + "' is not a count");
  }
  return v.get<uint64_t>();
}

double Num(const nlohmann::json& j, const char* key) {
  const auto& v = Field(j, key);
  if (!v.is_number()) {
    throw std::invalid_argument(std::string("harness JSON '") + key + "' is not a number");
  }
  return v.get<double>();
}

}  // namespace

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void FillFromHarnessJson(const nlohmann::json& j, const uint64_t bank_bytes[3], CaseResult* r) {
  const auto& status = Field(j, "status");
  r->pass = status.is_string() && status.get<std::string>() == "pass";
  const auto& err = Field(j, "error");
  r->error = err.is_string() ? err.get<std::string>() : "";
  r->rows = static_cast<unsigned>(U64(j, "rows"));
  r->cols = static_cast<unsigned>(U64(j, "cols"));
  // The data path: every AXI port's width ("axi_ports" in harnesses that build several).
  const uint64_t ports = j.contains("axi_ports") ? U64(j, "axi_ports") : 1;
  r->bus_bytes = static_cast<unsigned>(U64(j, "axi_data_bits") / 8 * ports);
  r->slices = j.contains("slices") ? static_cast<unsigned>(U64(j, "slices")) : 0;
  r->cycles = U64(j, "cycles");
  r->macs = U64(j, "macs");
  r->compulsory_bytes = U64(j, "compulsory_bytes");
  r->dram_read_bytes = U64(j, "dram_read_bytes");
  r->dram_write_bytes = U64(j, "dram_write_bytes");
  r->mac_active = U64(j, "mac_active");
  r->stall_load = U64(j, "stall_load");
  r->stall_store = U64(j, "stall_store");
  r->gated_operands = U64(j, "gated_operands");
  r->commands = U64(j, "commands");
  if (r->rows == 0 || r->cols == 0 || r->bus_bytes == 0) {
    throw std::invalid_argument("harness JSON has zero rows, cols or bus width");
  }
  r->roof = ComputeRoofline(r->macs, r->compulsory_bytes, r->rows, r->cols, r->bus_bytes);
  r->has_bound_fields = j.contains("bound_cycles") && j.contains("efficiency");
  const double cyc = static_cast<double>(r->cycles);
  const double beats = cyc * r->bus_bytes;
  r->efficiency = r->cycles ? r->roof.bound / cyc : 0;
  r->mac_utilization = r->cycles ? static_cast<double>(r->macs) / (cyc * r->rows * r->cols) : 0;
  r->dram_utilization =
      r->cycles ? static_cast<double>(r->dram_read_bytes + r->dram_write_bytes) / beats : 0;
  r->compulsory_bw = r->cycles ? static_cast<double>(r->compulsory_bytes) / beats : 0;

  r->seconds_source = j.contains("sim_seconds") ? "sim_seconds" : "wall_seconds";
  r->seconds.push_back(Num(j, r->seconds_source.c_str()));

  const auto& ev = Field(j, "events");
  EnergyEvents e;
  e.macs = r->macs;
  e.mac_active = r->mac_active;
  e.gated_operands = r->gated_operands;
  e.rows = r->rows;
  e.cols = r->cols;
  e.act_reads = U64(ev, "act_reads");
  e.act_writes = U64(ev, "act_writes");
  e.weight_reads = U64(ev, "weight_reads");
  e.weight_writes = U64(ev, "weight_writes");
  e.acc_reads = U64(ev, "acc_reads");
  e.acc_writes = U64(ev, "acc_writes");
  e.ppu_rows = U64(ev, "ppu_rows");
  e.act_word_bytes = static_cast<unsigned>(U64(ev, "act_word_bytes"));
  e.weight_word_bytes = static_cast<unsigned>(U64(ev, "weight_word_bytes"));
  e.acc_word_bytes = static_cast<unsigned>(U64(ev, "acc_word_bytes"));
  e.act_bank_bytes = bank_bytes[0];
  e.weight_bank_bytes = bank_bytes[1];
  e.acc_bank_bytes = bank_bytes[2];
  e.dram_bytes = r->dram_read_bytes + r->dram_write_bytes;
  // FP8 runs (salsa run --precision fp8_*): FP8 multiplies and FP32 adds. Older harnesses have no
  // "precision" field: int8.
  const auto prec = j.find("precision");
  e.fp8 = prec != j.end() && prec->is_string() && prec->get<std::string>().rfind("fp8_", 0) == 0;
  r->energy = EstimateEnergy(e);
}

// ---- targets
// --------------------------------------------------------------------------------------

std::vector<TargetCheck> CheckTargets(const std::vector<CaseResult>& results) {
  std::vector<TargetCheck> out;
  const std::string gemm_target =
      "compute-bound GEMM, M, K, N ≥ 4× the array: efficiency ≥ 0.90 at latency 100";
  for (const CaseResult& r : results) {
    if (!InMainSuite(r)) continue;
    const BenchCase& c = r.bench_case;
    const uint64_t big = 4ull * std::max(r.rows, r.cols);
    if (r.latency == 100 && !r.roof.memory_bound && c.GemmM() >= 4ull * r.rows &&
        c.GemmN() >= 4ull * r.cols && c.GemmK() >= big) {
      out.push_back({gemm_target, r.preset, c.name, r.latency, "efficiency", r.efficiency, 0.90,
                     r.pass && r.efficiency >= 0.90, ""});
    }
  }
  for (const CaseResult& r : results) {
    const BenchCase& c = r.bench_case;
    if (!InMainSuite(r) || c.conv || c.M != 1 || (r.latency != 100 && r.latency != 200)) {
      continue;
    }
    const double want = r.latency == 100 ? 0.90 : 0.85;
    out.push_back({"GEMV decode: ≥ " + std::string(r.latency == 100 ? "0.90" : "0.85") +
                       " of the bus's peak bandwidth at latency " + std::to_string(r.latency),
                   r.preset, c.name, r.latency, "compulsory bandwidth", r.compulsory_bw, want,
                   r.pass && r.compulsory_bw >= want, ""});
  }
  size_t passed = 0, with_fields = 0;
  for (const CaseResult& r : results) {
    passed += r.pass;
    with_fields += r.has_bound_fields;
  }
  const double n = static_cast<double>(results.size());
  out.push_back({"every case passes its bit-exact comparison", "all", "all", 0, "cases passing",
                 n ? passed / n : 0, 1.0, !results.empty() && passed == results.size(), ""});
  out.push_back({"`salsa run --json` gains `bound_cycles` and `efficiency`", "all", "all", 0,
                 "runs with both fields", n ? with_fields / n : 0, 1.0,
                 !results.empty() && with_fields == results.size(), ""});
  return out;
}

}  // namespace salsa::bench
