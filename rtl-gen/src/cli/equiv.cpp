// `salsa equiv` (equiv.h): resolves the two sides (RTL directories, salsa.f files, netlists, git
// revisions, or the netlist Yosys synthesises), runs the proofs with Yosys under coreutils
// `timeout`, and prints and writes the verdict. The scripts and the reading of their logs are the
// salsa_equiv library (src/equiv).
#include "cli/equiv.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "cli/bench_io.h"
#include "cli/equiv_prove.h"
#include "cli/tools.h"
#include "equiv/equiv.h"
#include "salsa/config.h"
#include "salsa/generator.h"

namespace salsa::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Resolved {
  equiv::Side side;
  fs::path dir;  // the RTL directory ("" for a netlist)
};

// A side given as GITREV:PATH: PATH of that revision of the git repository around the current
// directory, extracted with `git archive` into `into`.
fs::path FromGit(const std::string& spec, const fs::path& into, const std::string& flag) {
  const auto colon = spec.find(':');
  const std::string rev = spec.substr(0, colon), path = spec.substr(colon + 1);
  const std::string git = FindInPath("git");
  if (git.empty()) throw std::runtime_error(flag + ": " + spec + ": git not found in PATH");
  fs::create_directories(into);
  const fs::path tar = into / "rev.tar";
  ProcResult r = RunProcess({git, "archive", "-o", tar.string(), rev, path}, into);
  if (r.status != 0)
    throw std::runtime_error(flag + ": " + spec + ": " + FirstLine(r.err) +
                             "; accepted: GITREV:PATH of a directory written by 'salsa gen' in "
                             "the current git repository (e.g. HEAD~1:rtl/small_8x8)");
  const std::string tarx = FindInPath("tar");
  r = RunProcess({tarx, "-xf", tar.string(), "-C", into.string()}, into);
  if (r.status != 0) throw std::runtime_error(flag + ": " + spec + ": tar: " + FirstLine(r.err));
  return into / path;
}

Resolved Resolve(const std::string& given, const std::string& flag, const fs::path& tmp) {
  Resolved r;
  r.side.label = given;
  fs::path p = given;
  if (!fs::exists(p) && given.find(':') != std::string::npos) p = FromGit(given, tmp, flag);
  if (fs::is_regular_file(p) && (p.extension() == ".yaml" || p.extension() == ".yml")) {
    // A config: its RTL as the current generator writes it.
    const Config cfg = LoadConfig(p.string());
    WriteGenerated(Generate(cfg, "salsa gen " + given + " -o DIR"), (tmp / "rtl").string());
    p = tmp / "rtl";
  }
  // salsa_sim.f (sram.macro: blackbox): salsa.f plus the SRAM macro's behavioural model, so
  // the macro wrapper can be proven against inferred RAM.
  std::string list = "salsa.f";
  if (fs::is_regular_file(p) && (p.filename() == "salsa.f" || p.filename() == "salsa_sim.f")) {
    list = p.filename().string();
    p = p.parent_path();
  }
  if (fs::is_directory(p)) {
    r.dir = fs::absolute(p);
    for (const auto& f : FileList(r.dir, flag, list)) r.side.files.push_back((r.dir / f).string());
    return r;
  }
  if (fs::is_regular_file(p) && p.extension() == ".v") {
    r.side.files.push_back(fs::absolute(p).string());
    r.side.netlist = true;
    return r;
  }
  throw std::runtime_error(flag + ": " + given +
                           ": not found; accepted: a directory written by 'salsa gen', its "
                           "salsa.f or salsa_sim.f, a config YAML (generated), a Verilog netlist "
                           "(.v) written by Yosys, or GITREV:PATH");
}

std::string Quoted(const EquivOptions& o) {
  std::string s = "salsa equiv";
  if (!o.synth.empty())
    s += " --synth " + o.synth;
  else
    s += " " + o.a + " " + o.b;
  // A $paramod$...\\salsa_fifo module name is quoted for the shell.
  if (!o.top.empty())
    s += " --top " + (o.top.find_first_of("$\\") == std::string::npos ? o.top : "'" + o.top + "'");
  s += " --bound " + std::to_string(o.bound) + " --timeout " + std::to_string(o.timeout);
  if (o.no_blackbox) s += " --no-blackbox";
  for (const auto& p : o.params) s += " --param " + p;
  if (o.flat) s += " --flat";
  if (o.module_timeout != 300) s += " --module-timeout " + std::to_string(o.module_timeout);
  return s;
}

}  // namespace

void AddEquivOptions(CLI::App* app, EquivOptions* o) {
  app->add_option(
      "A", o->a,
      "gold: RTL directory (salsa.f), a salsa.f, a config YAML (generated), a Yosys netlist .v, "
      "or GITREV:PATH");
  app->add_option("B", o->b, "gate: the same kinds as A");
  app->add_option("--synth", o->synth,
                  "prove a config (YAML) or RTL directory against its own Yosys netlist");
  app->add_option("--top", o->top, "the module proven (default: the manifest's top, salsa_top)");
  app->add_option("--bound", o->bound, "cycles from reset: induction length / bounded proof")
      ->check(CLI::PositiveNumber);
  app->add_option("--timeout", o->timeout, "seconds for the whole proof (default 600)")
      ->check(CLI::PositiveNumber);
  app->add_option("--out", o->out, "write report.json, the scripts, logs, cex.vcd here");
  app->add_flag("--keep", o->keep, "keep the work directory and print its path");
  app->add_flag("--no-blackbox", o->no_blackbox,
                "keep salsa_sram as logic (default: a black box shared by both sides)");
  app->add_flag("--flat", o->flat,
                "prove the top flattened, in one piece (default: module by module, children "
                "first, when the top has submodules)");
  app->add_option("--param", o->params,
                  "NAME=VALUE: a parameter of the top, e.g. --top salsa_sram --param Depth=4096 "
                  "(repeatable)");
  app->add_option("--module-timeout", o->module_timeout,
                  "seconds for each module of a hierarchical proof but the top (default 300)")
      ->check(CLI::PositiveNumber);
  app->add_option("--yosys", o->yosys, "the yosys executable (default: yosys in PATH)");
}

int Equiv(const EquivOptions& o) {
  if (o.synth.empty() == (o.a.empty() || o.b.empty()) || (!o.synth.empty() && !o.b.empty()))
    throw std::runtime_error(
        "equiv: no designs; accepted: 'salsa equiv A B' or 'salsa equiv --synth CONFIG_OR_DIR'");
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& p : o.params) {
    const auto eq = p.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == p.size() ||
        p.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") < eq)
      throw std::runtime_error("--param " + p +
                               ": accepted: NAME=VALUE, NAME a parameter of the top (e.g. "
                               "Depth=4096)");
    params.push_back({p.substr(0, eq), p.substr(eq + 1)});
  }
  const std::string yosys = Tool(o.yosys, "yosys", "yosys");
  const std::string timeout = Tool("", "timeout", "coreutils");
  const auto start = Clock::now();
  TempDir tmp("salsa-equiv");
  const fs::path work = tmp.path() / "work";
  fs::create_directories(work);

  Resolved gold, gate;
  if (!o.synth.empty()) {
    gold = Resolve(o.synth, "--synth", tmp.path() / "a");
  } else {
    gold = Resolve(o.a, "A", tmp.path() / "a");
    gate = Resolve(o.b, "B", tmp.path() / "b");
  }
  const fs::path manifest_dir = gold.dir.empty() ? gate.dir : gold.dir;
  std::string top = o.top;
  if (top.empty() && !manifest_dir.empty()) {
    try {
      top = nlohmann::json::parse(ReadAll(manifest_dir / "manifest.json")).value("top", "");
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (top.empty()) top = "salsa_top";
  // A module of the hierarchy ($paramod$...\\salsa_fifo, as the hierarchical proof names
  // it) is elaborated from the design's top.
  const std::string design_top = top.rfind("$paramod", 0) == 0 ? "salsa_top" : top;

  equiv::ScriptOptions so;
  so.top = top;
  so.design_top = design_top;
  so.split_mul = !o.flat;
  so.params = params;
  if (!o.no_blackbox && top != "salsa_sram") so.blackboxes = {"salsa_sram"};
  so.bound = o.bound;
  so.sat_timeout_s = o.timeout;
  so.vcd = (work / "cex.vcd").string();
  // The reset is driven only when the top has one (every block but salsa_sram has rst_ni).
  if (top == "salsa_sram") so.reset = "";
  // A netlist side still needs the black boxes' modules (when it instantiates them).
  for (auto* s : {&gold, &gate})
    if (s->dir.empty())
      for (const auto* other : {&gold, &gate})
        for (const auto& f : other->side.files)
          if (!other->dir.empty() && !so.blackboxes.empty() &&
              fs::path(f).filename() == so.blackboxes[0] + ".v")
            s->side.files.push_back(f);

  EquivRunner run(yosys, timeout, work, o.timeout);
  equiv::Side lowered;  // --synth: the netlist before ABC (multiplier modules proven against it)
  if (!o.synth.empty()) {
    const fs::path net = work / "netlist.v", boxes = work / "netlist_salsa_sram.v",
                   pre_abc = work / "netlist_lowered.v";
    const std::string script = o.flat ? equiv::SynthScript(gold.side, so, net.string())
                                      : equiv::HierSynthScript(gold.side, so, net.string(),
                                                               boxes.string(), pre_abc.string());
    if (run.Run("synth", script, run.Left()).empty())
      throw std::runtime_error("yosys synth: timed out; accepted: a larger --timeout");
    gate.side = {"netlist of " + o.synth, {net.string()}, true};
    run.kept.push_back({"netlist.v", ReadAll(net)});
    if (!o.flat) {
      gate.side.files.push_back(boxes.string());
      run.kept.push_back({"netlist_salsa_sram.v", ReadAll(boxes)});
      lowered = {"lowered netlist of " + o.synth, {pre_abc.string(), boxes.string()}, true};
    }
  }

  std::vector<ModuleResult> modules;
  bool hierarchical = false;
  equiv::Outcome out;
  if (!o.flat)
    out = ProveHierarchy(run, gold.side, gate.side, so, o.module_timeout, &modules, &hierarchical,
                         lowered.files.empty() ? nullptr : &lowered);
  if (!hierarchical) out = ProveModule(run, "", gold.side, gate.side, so, run.Left());
  if (out.verdict == equiv::Verdict::kTimeout && out.detail.empty())
    out.detail = "no proof within --timeout " + std::to_string(o.timeout) + " s";
  if (hierarchical && out.verdict != equiv::Verdict::kFail) {
    // The top's verdict is its module's: children not proven full were proven inside it.
    out.method = "hierarchical, " + std::to_string(modules.size()) +
                 (modules.size() == 1 ? " module" : " modules");
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  nlohmann::json report = equiv::ToJson(out, top, gold.side, gate.side, secs);
  report["command"] = Quoted(o);
  std::cout << "salsa equiv: " << equiv::Summary(out, top, secs) << "\n";
  if (hierarchical) {
    report["modules"] = nlohmann::json::array();
    for (const auto& m : modules) {
      std::cout << "  " << equiv::Summary(m.outcome, m.module, m.seconds) << "\n";
      report["modules"].push_back(
          equiv::ToJson(m.outcome, m.module, gold.side, gate.side, m.seconds));
    }
  }
  if (out.verdict == equiv::Verdict::kFail) {
    const std::string vcd = o.out.empty() ? (o.keep ? so.vcd : "(use --out DIR to keep it)")
                                          : (fs::path(o.out) / "cex.vcd").string();
    std::cout << "  counterexample: " << vcd << "\n  reproduce: " << Quoted(o)
              << (o.out.empty() ? "" : " --out " + o.out) << "\n";
    report["cex_vcd"] = vcd;
    run.kept.push_back({"cex.vcd", ReadAll(so.vcd)});
  }
  if (!o.out.empty()) {
    std::vector<std::pair<fs::path, std::string>> files = {
        {fs::path(o.out) / "report.json", report.dump(2) + "\n"}};
    for (const auto& [name, text] : run.kept) files.push_back({fs::path(o.out) / name, text});
    WriteAllAtomically(files);
  }
  if (o.keep) {
    const fs::path keep =
        fs::temp_directory_path() / ("salsa-equiv-keep-" + std::to_string(getpid()));
    fs::rename(tmp.path(), keep);
    fs::create_directories(tmp.path());
    std::cout << "  work directory: " << keep.string() << "\n";
  }
  if (out.verdict == equiv::Verdict::kFail) return 1;
  return out.verdict == equiv::Verdict::kTimeout ? 3 : 0;
}

}  // namespace salsa::cli
