// `salsa synth` (synth.h): generates (or takes) a config's RTL, runs Yosys with the target's
// script, parses its statistics and netlist, places and routes on iCE40 parts with nextpnr-ice40,
// and prints the report. The parsing and reports are the salsa_synth library (src/synth).
#include "cli/synth.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/bench_io.h"
#include "cli/tools.h"
#include "salsa/config.h"
#include "salsa/generator.h"
#include "synth/synth.h"

namespace salsa::cli {

void AddSynthOptions(CLI::App* app, SynthOptions* o) {
  auto* cfg = app->add_option("--config", o->config, "config YAML (its RTL is generated)");
  auto* rtl = app->add_option("--rtl", o->rtl, "an existing generated RTL directory instead");
  cfg->excludes(rtl);
  app->add_option("--target", o->target, "xilinx (default), ecp5, ice40 or generic");
  app->add_flag("--json", o->json, "JSON on stdout (default: Markdown)");
  app->add_option("--out", o->out, "keep the Yosys script, log, netlists and reports here");
  app->add_option("--timeout", o->timeout, "seconds per tool run (default 3600)")
      ->check(CLI::PositiveNumber);
  app->add_option("--yosys", o->yosys, "the yosys executable (default: yosys in PATH)");
  app->add_option("--nextpnr", o->nextpnr,
                  "the nextpnr-ice40 executable (default: nextpnr-ice40 in PATH)");
  app->add_flag("--no-pnr", o->no_pnr, "ice40: check the fit only, do not place and route");
  app->add_option("--module", o->module,
                  "synthesise one generated module (e.g. salsa_pe) and its submodules alone "
                  "(default: the whole core, salsa_top)");
}

int Synth(const SynthOptions& o) {
  const synth::Target target = synth::ParseTarget(o.target);
  if (o.config.empty() && o.rtl.empty())
    throw std::runtime_error("synth: no design; accepted: --config FILE.yaml or --rtl DIR");
  const std::string yosys = Tool(o.yosys, "yosys", "yosys");
  const std::string timeout = Tool("", "timeout", "coreutils");
  std::string nextpnr;
  if (target == synth::Target::kIce40 && !o.no_pnr)
    nextpnr = Tool(o.nextpnr, "nextpnr-ice40", "nextpnr-ice40");

  TempDir tmp("salsa-synth");
  fs::path rtl_dir;
  std::vector<GeneratedFile> generated;
  if (!o.config.empty()) {
    const Config cfg = LoadConfig(o.config);
    generated = Generate(cfg, "salsa gen " + o.config + " -o DIR");
    rtl_dir = tmp.path() / "rtl";
    WriteGenerated(generated, rtl_dir.string());
  } else {
    rtl_dir = fs::absolute(o.rtl);
    if (!fs::is_directory(rtl_dir))
      throw std::runtime_error("--rtl: " + o.rtl +
                               ": not a directory; accepted: a directory "
                               "written by 'salsa gen'");
  }
  const std::vector<std::string> names = FileList(rtl_dir, "--rtl");
  const nlohmann::json manifest = [&] {
    try {
      return nlohmann::json::parse(ReadAll(rtl_dir / "manifest.json"));
    } catch (const nlohmann::json::exception&) {
      throw std::runtime_error(rtl_dir.string() +
                               "/manifest.json: missing or not JSON; accepted: "
                               "a directory written by 'salsa gen'");
    }
  }();
  // --module: that module (a file <module>.v of salsa.f) and what it instantiates, as the top.
  if (!o.module.empty() && std::find(names.begin(), names.end(), o.module + ".v") == names.end()) {
    std::string accepted;
    for (const auto& n : names) {
      if (n.size() > 2 && n.compare(n.size() - 2, 2, ".v") == 0)
        accepted += (accepted.empty() ? "" : ", ") + n.substr(0, n.size() - 2);
    }
    throw std::runtime_error("--module: " + o.module +
                             ": not a module of the design; accepted: " + accepted);
  }
  const std::string top = o.module.empty() ? manifest.value("top", "salsa_top") : o.module;
  const std::string name = manifest.value("name", "?");

  // The script that runs, and the same script with the paths of --out (kept there).
  auto script_for = [&](const fs::path& rtl, const fs::path& dir) {
    std::vector<std::string> files;
    for (const auto& n : names) files.push_back((rtl / n).string());
    return synth::YosysScript(target, files, top,
                              {(dir / "stat.json").string(), (dir / "params.json").string(),
                               (dir / "netlist.v").string(), (dir / "netlist_flat.json").string()});
  };
  const fs::path work = tmp.path() / "work";
  fs::create_directory(work);
  const std::string script = script_for(rtl_dir, work);
  { std::ofstream(work / "synth.ys") << script; }
  const std::string secs = std::to_string(o.timeout);
  ProcResult pr = RunProcess({timeout, secs, yosys, "-q", "-l", (work / "yosys.log").string(), "-s",
                              (work / "synth.ys").string()},
                             tmp.path());
  const std::string log = ReadAll(work / "yosys.log");
  if (pr.status == 124)
    throw std::runtime_error("yosys: timed out after " + secs + " s; accepted: a larger --timeout");
  if (pr.status != 0)
    throw std::runtime_error("yosys failed (exit " + std::to_string(pr.status) +
                             "): " + ErrorLine(log.empty() ? pr.err : log));

  synth::Design design = synth::ParseStat(target, ReadAll(work / "stat.json"), top);
  try {
    synth::ApplyParams(&design, nlohmann::json::parse(ReadAll(work / "params.json")));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("yosys wrote no readable parameter JSON: ") + e.what());
  }
  nlohmann::json flat;
  try {
    flat = nlohmann::json::parse(ReadAll(work / "netlist_flat.json"));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("yosys wrote no readable netlist JSON: ") + e.what());
  }
  const synth::Depth depth = synth::LogicDepth(target, flat, top);
  const long port_bits = synth::PortBits(flat, top);

  nlohmann::json pnr = nlohmann::json::array();
  std::vector<std::pair<fs::path, std::string>> pnr_files;
  if (target == synth::Target::kIce40) {
    // Fit by Yosys' counts; the core's ports go through the 4-pin wrapper (synth_pnr_wrap.cpp).
    std::vector<const synth::Ice40Part*> fit;
    for (const auto& part : synth::Ice40Parts()) {
      const std::string why = synth::Ice40Misfit(part, design.Top().total, 4);
      nlohmann::json p = {{"part", part.name}, {"package", part.package}, {"fits", why.empty()}};
      if (!why.empty()) p["reason"] = why;
      if (why.empty()) fit.push_back(&part);
      pnr.push_back(p);
    }
    if (!fit.empty() && !nextpnr.empty()) {
      pnr_files.push_back({"salsa_pnr_wrap.v", synth::PnrWrapper(flat, top)});
      std::ofstream(work / "salsa_pnr_wrap.v") << pnr_files.back().second;
      std::vector<std::string> files;
      for (const auto& n : names) files.push_back((rtl_dir / n).string());
      const std::string pnr_script = synth::PnrScript(files, (work / "salsa_pnr_wrap.v").string(),
                                                      (work / "pnr.json").string());
      std::ofstream(work / "pnr.ys") << pnr_script;
      ProcResult y =
          RunProcess({timeout, secs, yosys, "-q", "-l", (work / "pnr_yosys.log").string(), "-s",
                      (work / "pnr.ys").string()},
                     tmp.path());
      if (y.status != 0)
        throw std::runtime_error("yosys (place-and-route netlist) failed (exit " +
                                 std::to_string(y.status) +
                                 "): " + ErrorLine(ReadAll(work / "pnr_yosys.log")));
      for (auto& p : pnr) {
        if (!p["fits"].get<bool>()) continue;
        const std::string part = p["part"], package = p["package"];
        const fs::path report = work / ("nextpnr_" + part + ".json");
        const fs::path plog = work / ("nextpnr_" + part + ".log");
        ProcResult r = RunProcess(
            {timeout, secs, nextpnr, "--" + part, "--package", package, "--json",
             (work / "pnr.json").string(), "--report", report.string(), "--log", plog.string(),
             "--quiet", "--freq", "12", "--timing-allow-fail", "--seed", "1"},
            tmp.path());
        const std::string l = ReadAll(plog);
        pnr_files.push_back({fs::path("nextpnr_" + part + ".log"), l});
        if (r.status != 0) {
          p["fits"] = false;
          p["reason"] =
              (r.status == 124 ? "nextpnr-ice40 timed out"
                               : "nextpnr-ice40 failed: " + ErrorLine(l.empty() ? r.err : l));
          continue;
        }
        try {
          const nlohmann::json rep = nlohmann::json::parse(ReadAll(report));
          pnr_files.push_back({fs::path("nextpnr_" + part + ".json"), rep.dump(2) + "\n"});
          if (auto fmax = synth::NextpnrFmax(rep))
            p["fmax_mhz"] = static_cast<double>(static_cast<long>(*fmax * 10)) / 10;
          p["reason"] = "placed and routed (4-pin wrapper)";
          if (rep.contains("utilization") && rep["utilization"].contains("ICESTORM_LC"))
            p["lcs_used"] = rep["utilization"]["ICESTORM_LC"].value("used", 0);
        } catch (const nlohmann::json::exception&) {
          p["reason"] = "placed and routed; no readable nextpnr report";
        }
      }
    } else if (!fit.empty()) {
      for (auto& p : pnr)
        if (p["fits"].get<bool>()) p["reason"] = "by Yosys counts (--no-pnr: not placed)";
    }
  }
  flat = nlohmann::json();

  nlohmann::json report = synth::ToJson(design, depth, pnr, name);
  report["parameters"] = manifest.value("parameters", nlohmann::json::object());
  report["port_bits"] = port_bits;
  const std::string md = synth::ToMarkdown(report);
  if (!o.out.empty()) {
    const fs::path out = o.out;
    std::vector<std::pair<fs::path, std::string>> files = {
        {out / "synth.ys",
         script_for(generated.empty() ? rtl_dir : fs::absolute(out) / "rtl", fs::absolute(out))},
        {out / "yosys.log", log},
        {out / "stat.json", ReadAll(work / "stat.json")},
        {out / "netlist.v", ReadAll(work / "netlist.v")},
        {out / "report.json", report.dump(2) + "\n"},
        {out / "report.md", md}};
    for (const auto& g : generated) files.push_back({out / "rtl" / g.name, g.text});
    for (const auto& [f, text] : pnr_files) files.push_back({out / f, text});
    WriteAllAtomically(files);
  }
  std::cout << (o.json ? report.dump(2) + "\n" : md);
  return 0;
}

}  // namespace salsa::cli
