#include "cli/tb_export.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/tb_export_image.h"
#include "salsa/config.h"
#include "salsa/generator.h"
#include "salsa/layer_gen.h"
#include "salsa/layer_lower.h"
#include "salsa/layer_spec.h"

namespace salsa::cli {
namespace fs = std::filesystem;

namespace {

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool IsFp8(contract::Prec p) { return p == contract::kPrecFp8E4M3 || p == contract::kPrecFp8E5M2; }

contract::Prec PrecisionOf(const std::string& name) {
  if (name == "int8") return contract::kPrecInt8;
  if (name == "w4a8") return contract::kPrecInt4w;
  if (name == "fp8_e4m3") return contract::kPrecFp8E4M3;
  if (name == "fp8_e5m2") return contract::kPrecFp8E5M2;
  throw BadInput("tb-export: --precision '" + name + "': accepted: int8, w4a8, fp8_e4m3, fp8_e5m2");
}

void ParseShape(const std::string& s, int* M, int* K, int* N) {
  std::istringstream in(s);
  char x1 = 0, x2 = 0;
  long m = 0, k = 0, n = 0;
  if (!(in >> m >> x1 >> k >> x2 >> n) || x1 != 'x' || x2 != 'x' || !in.eof() || m < 1 || k < 1 ||
      n < 1 || m > 1 << 20 || k > 1 << 20 || n > 1 << 20) {
    throw BadInput("tb-export: --shape '" + s + "': accepted: MxKxN with positive integers");
  }
  *M = static_cast<int>(m), *K = static_cast<int>(k), *N = static_cast<int>(n);
}

// The random layer of --shape/--seed/--precision, built as the harness builds it (run_job.cpp
// BuildLayer with no data options).
FcLayer RandomLayer(const TbExportOptions& o, const HwParams& hw, const Config& cfg) {
  int M = 0, K = 0, N = 0;
  ParseShape(o.shape, &M, &K, &N);
  const contract::Prec prec = PrecisionOf(o.precision.empty() ? "int8" : o.precision);
  if (!hw.Has(prec)) {
    std::string built;
    for (const char* name : {"int8", "w4a8", "fp8_e4m3", "fp8_e5m2"}) {
      if (hw.Has(PrecisionOf(name))) built += std::string(built.empty() ? "" : ", ") + name;
    }
    throw BadInput("tb-export: --precision " + o.precision + ": config " + cfg.name +
                   " does not build it; accepted: " + built);
  }
  const bool sparse = o.sparsity >= 0.0 || o.weights_2of4;
  if (IsFp8(prec) && (o.unit_scale || o.per_channel || sparse)) {
    throw BadInput("tb-export: --precision " + o.precision +
                   " with --unit-scale, --per-channel, --sparsity or --weights-2of4: those shape "
                   "int8 layers; accepted: --precision fp8_* with --extremes");
  }
  if (prec == contract::kPrecInt4w && o.weights_2of4) {
    throw BadInput(
        "tb-export: --precision w4a8 with --weights-2of4: 2:4 weights are int8 only; "
        "accepted: --weights-2of4 with --precision int8");
  }
  if (IsFp8(prec)) {
    return MakeRandomFp8Fc(M, K, N, o.seed, prec,
                           o.extremes ? Fp8Data::kExtremes : Fp8Data::kRandom);
  }
  // run_job.cpp BuildLayer, step for step.
  const FcData data = o.extremes     ? FcData::kExtremes
                      : o.unit_scale ? FcData::kUnitScale
                                     : FcData::kRandom;
  FcLayer layer = prec == contract::kPrecInt4w ? MakeRandomInt4Fc(M, K, N, o.seed, data)
                                               : MakeRandomFc(M, K, N, o.seed, data);
  if (o.sparsity >= 0.0) {
    SparsityPattern pattern = SparsityPattern::kUniform;
    if (!o.sparsity_pattern.empty()) ParseSparsityPattern(o.sparsity_pattern, &pattern);
    ApplyActivationSparsity(&layer, o.sparsity, pattern, o.seed);
  }
  if (o.weights_2of4) Prune2of4(&layer);
  if (sparse && data == FcData::kRandom) ChooseRandomOutputQuant(&layer, o.seed);
  if (o.per_channel) MakePerChannel(&layer, o.seed);
  return layer;
}

// The checks of the data options that need no config (options.cpp's).
void CheckDataOptions(const TbExportOptions& o) {
  const bool any = o.extremes || o.unit_scale || o.per_channel || o.weights_2of4 ||
                   o.sparsity >= 0.0 || !o.sparsity_pattern.empty();
  if (any && !o.layer.empty()) {
    throw BadInput(
        "tb-export: --extremes, --unit-scale, --per-channel, --sparsity, "
        "--sparsity-pattern and --weights-2of4 shape random layers; accepted: them "
        "with --shape");
  }
  if (o.sparsity != -1.0 && !(o.sparsity >= 0.0 && o.sparsity <= 1.0)) {
    throw BadInput("tb-export: --sparsity " + std::to_string(o.sparsity) + ": accepted: [0, 1]");
  }
  if (!o.sparsity_pattern.empty()) {
    SparsityPattern p = SparsityPattern::kUniform;
    if (!ParseSparsityPattern(o.sparsity_pattern, &p)) {
      throw BadInput("tb-export: --sparsity-pattern '" + o.sparsity_pattern +
                     "': accepted: uniform, clustered, relu");
    }
    if (o.sparsity < 0.0) {
      throw BadInput("tb-export: --sparsity-pattern " + o.sparsity_pattern +
                     ": no --sparsity given; accepted: --sparsity Z with --sparsity-pattern");
    }
    if (p == SparsityPattern::kRelu && (o.extremes || o.unit_scale)) {
      throw BadInput(
          "tb-export: --sparsity-pattern relu draws its own activations and zero point "
          "(-128); accepted: relu without --extremes and --unit-scale");
    }
  }
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(p.string() + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<TbGemm> ExportGemms(const TbExportOptions& o, const HwParams& hw, const Config& cfg) {
  std::vector<TbGemm> out;
  if (!o.layer.empty()) {
    const LayerSpec spec = LoadLayerSpec(o.layer);
    for (const LoweredGemm& g : LowerLayerFor(spec, hw, DriverOptions{})) {
      if (!hw.Has(g.fc.prec)) {
        throw BadInput("tb-export: --layer " + o.layer + ": config " + cfg.name +
                       " does not build the layer's precision");
      }
      if (IsFp8(g.fc.prec)) {
        out.push_back(ExportGemm(hw, g.fc, {}, GemmReferenceFp(g.fc), o.mem_latency));
      } else {
        out.push_back(ExportGemm(hw, g.fc, GemmReference(g.fc), {}, o.mem_latency));
      }
    }
    return out;
  }
  const FcLayer fc = RandomLayer(o, hw, cfg);
  if (IsFp8(fc.prec)) {
    out.push_back(ExportGemm(hw, fc, {}, GemmReferenceFp(fc), o.mem_latency));
  } else {
    out.push_back(ExportGemm(hw, fc, ReferenceOutput(fc), {}, o.mem_latency));
  }
  return out;
}

}  // namespace

void AddTbExportOptions(CLI::App* app, TbExportOptions* opts) {
  app->add_option("--config", opts->config, "config YAML")->required();
  app->add_option("--layer", opts->layer, "layer YAML file (docs/layers.md)");
  app->add_option("--shape", opts->shape, "random fully connected layer MxKxN");
  app->add_option("--seed", opts->seed, "seed of the random layer (default 1)");
  app->add_option("--precision", opts->precision,
                  "random layer's precision: int8 (default), w4a8, fp8_e4m3, fp8_e5m2");
  app->add_flag("--extremes", opts->extremes, "random layer: extreme values (as salsa run)");
  app->add_flag("--unit-scale", opts->unit_scale, "random layer: output scale 1 (as salsa run)");
  app->add_flag("--per-channel", opts->per_channel, "random layer: per-channel requantisation");
  app->add_option("--sparsity", opts->sparsity,
                  "random layer: this fraction of activations at the zero point, in [0, 1]");
  app->add_option("--sparsity-pattern", opts->sparsity_pattern,
                  "where the --sparsity zeros go: uniform (default), clustered, relu");
  app->add_flag("--weights-2of4", opts->weights_2of4, "random layer: 2:4-pruned weights");
  app->add_option("--mem-latency", opts->mem_latency,
                  "DRAM latency in cycles of the memory model (default 20)");
  app->add_option("-o,--out", opts->out, "output directory (replaced atomically)")->required();
}

int TbExport(const TbExportOptions& o, const std::string& command) {
  try {
    if (o.layer.empty() == o.shape.empty()) {
      throw BadInput("tb-export: give exactly one of --layer FILE.yaml and --shape MxKxN");
    }
    if (!o.layer.empty() && !o.precision.empty()) {
      throw BadInput("tb-export: --precision goes with --shape (a layer file has its dtype)");
    }
    if (o.mem_latency < 1 || o.mem_latency > 100000) {
      throw BadInput("tb-export: --mem-latency " + std::to_string(o.mem_latency) +
                     ": accepted: 1..100000 cycles");
    }
    CheckDataOptions(o);
    const Config cfg = LoadConfig(o.config);
    if (cfg.axi_ports != 1) {
      throw BadInput("tb-export: " + o.config + ": axi.ports is " + std::to_string(cfg.axi_ports) +
                     ", but the exported Icarus bench drives one AXI port (m_axi_*); accepted: "
                     "configs with axi.ports 1 (salsa run simulates several)");
    }
    const HwParams hw = HwParamsOf(cfg);
    std::vector<TbGemm> gemms;
    try {
      gemms = ExportGemms(o, hw, cfg);
    } catch (const std::invalid_argument& e) {
      throw BadInput(std::string("tb-export: ") +
                     (o.layer.empty() ? "--shape " + o.shape : "--layer " + o.layer) + ": " +
                     e.what());
    }
    std::vector<GeneratedFile> files;
    std::vector<std::string> rtl_files;
    bool sim_list = false;
    for (GeneratedFile& f : Generate(cfg, command)) {
      if (f.name == "salsa_sim.f") sim_list = true;
      files.push_back({"rtl/" + f.name, std::move(f.text)});
    }
    // The filelist the harness verilates (cmake/SalsaHarness.cmake), relative to DIR.
    const std::string list = sim_list ? "rtl/salsa_sim.f" : "rtl/salsa.f";
    for (const GeneratedFile& f : files) {
      if (f.name != list) continue;
      std::istringstream in(f.text);
      for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.rfind("//", 0) != 0) rtl_files.push_back("rtl/" + line);
      }
    }
    for (GeneratedFile& f : TbFiles(cfg, gemms, o.mem_latency, rtl_files, command)) {
      files.push_back(std::move(f));
    }
    const fs::path tb_src = fs::path(SALSA_SOURCE_DIR) / "tb" / "verilog";
    for (const char* name : {"salsa_tb.v", "salsa_tb_axi_mem.v"}) {
      files.push_back({name, ReadText(tb_src / name)});
    }
    WriteGenerated(files, o.out);
    fs::permissions(fs::path(o.out) / "run-icarus",
                    fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    size_t bytes = 0;
    for (const TbGemm& g : gemms) bytes += g.expected.size();
    std::cout << "salsa tb-export: " << gemms.size() << " GEMM(s), " << bytes
              << " expected output bytes, DRAM latency " << o.mem_latency << ", '" << cfg.name
              << "' in " << o.out << "\n";
    return 0;
  } catch (const BadInput& e) {
    std::cerr << "salsa: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace salsa::cli
