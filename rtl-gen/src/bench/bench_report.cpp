// The files `salsa bench` writes: formatting helpers, bench/benchmarks.csv and
// bench/benchmarks.json (benchmarks.md: bench_markdown.cpp; bench/roofline.svg:
// bench_roofline.cpp).
#include "bench/bench_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/bench_precision.h"
#include "bench/bench_sparsity.h"

namespace salsa::bench {

// ---- formatting
// -----------------------------------------------------------------------------------

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Grouped(uint64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string Row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s += " " + c + " |";
  return s + "\n";
}

std::string MdCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// ---- CSV and JSON
// ---------------------------------------------------------------------------------

std::string ToCsv(const std::vector<CaseResult>& results) {
  std::ostringstream o;
  o << "preset,case,kind,gemm_m,gemm_k,gemm_n,latency,rows,cols,bus_bytes,status,cycles,macs,"
       "compulsory_bytes,compute_bound_cycles,memory_bound_cycles,bound_cycles,bound_by,"
       "efficiency,mac_utilization,dram_read_bytes,dram_write_bytes,dram_utilization,"
       "compulsory_bandwidth,mac_active,stall_load,stall_store,gated_operands,commands,runs,"
       "seconds_median,seconds_source,cycles_per_second,macs_per_second,energy_pj,pj_per_mac,"
       "multiply_pj,"
       "accumulate_pj,zero_point_pj,ppu_pj,sram_pj,dram_pj,multiplies,gated_multiplies,"
       "ungated_energy_pj,gating_saving,error,"
    << SparsityCsvHeader() << "," << PrecisionCsvHeader() << "\n";
  for (const CaseResult& r : results) {
    const BenchCase& c = r.bench_case;
    const Energy& e = r.energy;
    std::vector<std::string> f = {
        r.preset,
        c.name,
        c.kind,
        std::to_string(c.GemmM()),
        std::to_string(c.GemmK()),
        std::to_string(c.GemmN()),
        std::to_string(r.latency),
        std::to_string(r.rows),
        std::to_string(r.cols),
        std::to_string(r.bus_bytes),
        r.pass ? "pass" : "fail",
        std::to_string(r.cycles),
        std::to_string(r.macs),
        std::to_string(r.compulsory_bytes),
        Fixed(r.roof.compute_cycles, 1),
        Fixed(r.roof.memory_cycles, 1),
        Fixed(r.roof.bound, 1),
        r.roof.memory_bound ? "memory" : "compute",
        Fixed(r.efficiency, 4),
        Fixed(r.mac_utilization, 4),
        std::to_string(r.dram_read_bytes),
        std::to_string(r.dram_write_bytes),
        Fixed(r.dram_utilization, 4),
        Fixed(r.compulsory_bw, 4),
        std::to_string(r.mac_active),
        std::to_string(r.stall_load),
        std::to_string(r.stall_store),
        std::to_string(r.gated_operands),
        std::to_string(r.commands),
        std::to_string(r.seconds.size()),
        Fixed(Median(r.seconds), 3),
        r.seconds_source,
        Fixed(r.cycles_per_second, 0),
        Fixed(r.macs_per_second, 0),
        Fixed(e.total_pj, 0),
        Fixed(e.pj_per_mac, 3),
        Fixed(e.multiply_pj, 0),
        Fixed(e.accumulate_pj, 0),
        Fixed(e.zero_point_pj, 0),
        Fixed(e.ppu_pj, 0),
        Fixed(e.sram_pj, 0),
        Fixed(e.dram_pj, 0),
        std::to_string(e.multiplies),
        std::to_string(e.gated_multiplies),
        Fixed(e.ungated_total_pj, 0),
        Fixed(e.gating_saving, 4),
        r.error,
    };
    for (const std::string& extra : SparsityCsvFields(r, results)) f.push_back(extra);
    for (const std::string& extra : PrecisionCsvFields(r, results)) f.push_back(extra);
    for (size_t i = 0; i < f.size(); ++i) o << (i ? "," : "") << CsvField(f[i]);
    o << "\n";
  }
  return o.str();
}

nlohmann::json ToJson(const BenchMeta& meta, const std::vector<CaseResult>& results,
                      const std::vector<TargetCheck>& targets) {
  nlohmann::json j;
  j["command"] = meta.command;
  j["date"] = meta.date;
  j["source"] = meta.source;
  j["repeat"] = meta.repeat;
  j["quick"] = meta.quick;
  j["seed"] = meta.seed;
  j["latencies"] = meta.latencies;
  if (meta.harness_build_seconds >= 0) {
    j["harness_build"] = {{"seconds", meta.harness_build_seconds},
                          {"config", meta.harness_build_config}};
  }
  const EnergyTable t;
  j["energy_table_pj"] = {{"mul8", t.mul8},           {"add8", t.add8},
                          {"add32", t.add32},         {"mul32", t.mul32},
                          {"sram_8k_64b", t.sram_8k}, {"sram_32k_64b", t.sram_32k},
                          {"sram_1m_64b", t.sram_1m}, {"dram_64b", t.dram},
                          {"fp8_mul", t.fp8_mul},     {"fp32_add", t.fp32_add}};
  for (const PresetInfo& p : meta.presets) {
    j["presets"].push_back({{"name", p.name},
                            {"config_hash", p.config_hash},
                            {"rows", p.rows},
                            {"cols", p.cols},
                            {"bus_bytes", p.bus_bytes},
                            {"act_bank_bytes", p.bank_bytes[0]},
                            {"weight_bank_bytes", p.bank_bytes[1]},
                            {"acc_bank_bytes", p.bank_bytes[2]},
                            {"zero_skip", p.zero_skip},
                            {"precisions", p.precisions}});
  }
  j["results"] = nlohmann::json::array();
  for (const CaseResult& r : results) {
    const BenchCase& c = r.bench_case;
    const Energy& e = r.energy;
    nlohmann::json obj = {
        {"preset", r.preset},
        {"case", c.name},
        {"kind", c.kind},
        {"description", c.Describe()},
        {"gemm", {c.GemmM(), c.GemmK(), c.GemmN()}},
        {"latency", r.latency},
        {"status", r.pass ? "pass" : "fail"},
        {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
        {"cycles", r.cycles},
        {"macs", r.macs},
        {"compulsory_bytes", r.compulsory_bytes},
        {"compute_bound_cycles", r.roof.compute_cycles},
        {"memory_bound_cycles", r.roof.memory_cycles},
        {"bound_cycles", r.roof.bound},
        {"bound_by", r.roof.memory_bound ? "memory" : "compute"},
        {"efficiency", r.efficiency},
        {"mac_utilization", r.mac_utilization},
        {"dram_read_bytes", r.dram_read_bytes},
        {"dram_write_bytes", r.dram_write_bytes},
        {"dram_utilization", r.dram_utilization},
        {"compulsory_bandwidth", r.compulsory_bw},
        {"stalls",
         {{"mac_active", r.mac_active},
          {"array_idle", r.cycles - std::min(r.cycles, r.mac_active)},
          {"stall_load", r.stall_load},
          {"stall_store", r.stall_store},
          {"commands", r.commands}}},
        {"gated_operands", r.gated_operands},
        {"seconds", r.seconds},
        {"seconds_source", r.seconds_source},
        {"cycles_per_second", r.cycles_per_second},
        {"macs_per_second", r.macs_per_second},
        {"energy",
         {{"total_pj", e.total_pj},
          {"pj_per_mac", e.pj_per_mac},
          {"multiply_pj", e.multiply_pj},
          {"accumulate_pj", e.accumulate_pj},
          {"zero_point_pj", e.zero_point_pj},
          {"ppu_pj", e.ppu_pj},
          {"sram_pj", e.sram_pj},
          {"dram_pj", e.dram_pj},
          {"multiplies", e.multiplies},
          {"gated_multiplies", e.gated_multiplies},
          {"ungated_total_pj", e.ungated_total_pj},
          {"gating_saving", e.gating_saving}}},
    };
    AddSparsityJson(r, results, &obj);
    AddPrecisionJson(r, results, &obj);
    j["results"].push_back(std::move(obj));
  }
  j["targets"] = nlohmann::json::array();
  for (const TargetCheck& t2 : targets) {
    j["targets"].push_back(
        {{"target", t2.target},
         {"preset", t2.preset},
         {"case", t2.case_name},
         {"latency", t2.latency},
         {"metric", t2.metric},
         {"measured", t2.not_run.empty() ? nlohmann::json(t2.measured) : nlohmann::json(nullptr)},
         {"threshold", t2.threshold},
         {"met", t2.met},
         {"not_run", t2.not_run.empty() ? nlohmann::json(nullptr) : nlohmann::json(t2.not_run)}});
  }
  return j;
}

}  // namespace salsa::bench
