// salsa: the command-line front end (gen, run, ref, bench, synth, equiv, tb-export, coverage,
// regress).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/bench.h"
#include "cli/coverage.h"
#include "cli/equiv.h"
#include "cli/ref.h"
#include "cli/regress.h"
#include "cli/run.h"
#include "cli/synth.h"
#include "cli/tb_export.h"
#include "salsa/config.h"
#include "salsa/config_defaults.h"
#include "salsa/generator.h"

namespace {

std::string Quote(int argc, char** argv) {
  std::string s = "salsa";
  for (int i = 1; i < argc; ++i) s += std::string(" ") + argv[i];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"salsa: generator of LLM-inference accelerator RTL"};
  app.require_subcommand(1);

  auto* gen = app.add_subcommand("gen", "generate the RTL, manifest and params header of a config");
  std::string gen_config, gen_out;
  gen->add_option("config", gen_config, "config YAML file")->required();
  gen->add_option("-o,--out", gen_out, "output directory (replaced atomically)")->required();
  std::string gen_defect;
  gen->add_option(
         "--inject-defect", gen_defect,
         "test only: generate a deliberately broken DMA or CSR slave that the harness's AXI "
         "protocol checkers must catch (docs/reliability.md)")
      ->check(CLI::IsMember({"dma-outstanding", "dma-4k", "dma-wlast", "csr-rvalid"}));

  salsa::cli::RunOptions run_opts;
  auto* run =
      app.add_subcommand("run", "run a layer on the Verilated RTL and compare with the reference");
  salsa::cli::AddRunOptions(run, &run_opts);

  salsa::cli::RefOptions ref_opts;
  auto* ref =
      app.add_subcommand("ref", "compute a layer file's TFLite-exact reference output (no RTL)");
  salsa::cli::AddRefOptions(ref, &ref_opts);

  salsa::cli::BenchOptions bench_opts;
  auto* bench = app.add_subcommand(
      "bench", "run the benchmark suite on the presets; write benchmarks.md, CSV, JSON, SVG");
  salsa::cli::AddBenchOptions(bench, &bench_opts);

  salsa::cli::SynthOptions synth_opts;
  auto* synth = app.add_subcommand(
      "synth", "Yosys resources per block, logic depth, and iCE40 place and route (docs/synth.md)");
  salsa::cli::AddSynthOptions(synth, &synth_opts);

  salsa::cli::EquivOptions equiv_opts;
  auto* equiv = app.add_subcommand(
      "equiv", "prove two RTL versions, or RTL and its Yosys netlist, equivalent (docs/equiv.md)");
  salsa::cli::AddEquivOptions(equiv, &equiv_opts);

  salsa::cli::TbExportOptions tb_opts;
  auto* tb_export = app.add_subcommand(
      "tb-export", "write a self-checking Verilog testbench of one layer (Icarus, any simulator)");
  salsa::cli::AddTbExportOptions(tb_export, &tb_opts);

  salsa::cli::CoverageOptions coverage_opts;
  auto* coverage = app.add_subcommand(
      "coverage", "merge Verilator coverage .dat files; write lcov info and an HTML report");
  salsa::cli::AddCoverageOptions(coverage, &coverage_opts);

  salsa::cli::RegressOptions regress_opts;
  auto* regress = app.add_subcommand(
      "regress",
      "run a test list (smoke, nightly) in parallel: junit, report, repro (docs/regress.md)");
  salsa::cli::AddRegressOptions(regress, &regress_opts);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other bad-input error.
    std::cerr << "salsa: " << e.what() << "; see 'salsa --help' or 'salsa SUBCOMMAND --help'\n";
    return 2;
  }

  try {
    if (*gen) {
      salsa::Config cfg = salsa::LoadConfig(gen_config);
      cfg.inject_defect = gen_defect;
      auto files = salsa::Generate(cfg, Quote(argc, argv));
      salsa::WriteGenerated(files, gen_out);
      std::cout << "salsa gen: " << files.size() << " files for '" << cfg.name << "' (hash "
                << salsa::ConfigHash(cfg) << ") in " << gen_out << "\n";
      // Explicit choices that cap the roofline: one line each, on stderr, not an error.
      for (const std::string& note : salsa::RooflineNotes(cfg)) {
        std::cerr << "salsa gen: " << gen_config << ": " << note << "\n";
      }
      return 0;
    }
    if (*run) return salsa::cli::Run(run_opts, run);
    if (*ref) return salsa::cli::Ref(ref_opts);
    if (*bench) return salsa::cli::Bench(bench_opts);
    if (*synth) return salsa::cli::Synth(synth_opts);
    if (*equiv) return salsa::cli::Equiv(equiv_opts);
    if (*tb_export) return salsa::cli::TbExport(tb_opts, Quote(argc, argv));
    if (*coverage) return salsa::cli::Coverage(coverage_opts);
    if (*regress) return salsa::cli::Regress(regress_opts);
  } catch (const salsa::ConfigError& e) {
    std::cerr << "salsa: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "salsa: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
