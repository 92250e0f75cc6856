// salsa equiv's proofs (equiv_prove.h).
#include "cli/equiv_prove.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "cli/bench_io.h"
#include "cli/tools.h"

namespace salsa::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Cycles from reset and seconds (at most a quarter of the budget) of the first, quick
// counterexample search.
constexpr int kScanCycles = 4;
constexpr double kScanSeconds = 15;

equiv::Outcome Timeout(const std::string& method) {
  equiv::Outcome o;
  o.verdict = equiv::Verdict::kTimeout;
  o.method = method;
  return o;
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

EquivRunner::EquivRunner(std::string yosys, std::string timeout, fs::path work, double seconds)
    : yosys_(std::move(yosys)),
      timeout_(std::move(timeout)),
      abc_(FindInPath("yosys-abc")),
      work_(std::move(work)),
      start_(Clock::now()),
      seconds_(seconds) {}

double EquivRunner::Left() const { return seconds_ - Since(start_); }

std::string EquivRunner::Run(const std::string& name, const std::string& script, double secs) {
  const fs::path ys = work_ / (name + ".ys"), log = work_ / (name + ".log");
  fs::create_directories(ys.parent_path());
  std::ofstream(ys) << script;
  const long s = std::max(1L, static_cast<long>(secs));
  ProcResult r = RunProcess(
      {timeout_, std::to_string(s), yosys_, "-q", "-l", log.string(), "-s", ys.string()}, work_);
  const std::string text = ReadAll(log);
  kept.push_back({name + ".ys", script});
  kept.push_back({name + ".log", text});
  const std::string kind = fs::path(name).filename().string();
  if (r.status == 124) return kind == "miter" ? text : std::string();
  // A structural run that fails (unproven cells, signals it cannot match) is inconclusive; any
  // other failing run is an error (unreadable design, ports that differ).
  if (r.status != 0 && kind != "structural")
    throw std::runtime_error("yosys failed (exit " + std::to_string(r.status) + ") in " + name +
                             ": " + ErrorLine(text.empty() ? r.err : text));
  return text;
}

std::string EquivRunner::RunAbc(const std::string& name, const std::string& command, double secs) {
  if (abc_.empty()) return "";
  const long s = std::max(1L, static_cast<long>(secs));
  ProcResult r = RunProcess({timeout_, std::to_string(s), abc_, "-c", command}, work_);
  const fs::path log = work_ / (name + ".log");
  fs::create_directories(log.parent_path());
  std::ofstream(log) << r.out << r.err;
  kept.push_back({name + ".log", r.out + r.err});
  return r.status == 124 ? std::string() : r.out;
}

equiv::Outcome ProveModule(EquivRunner& r, const std::string& prefix, const equiv::Side& gold,
                           const equiv::Side& gate, equiv::ScriptOptions so, double budget,
                           bool combinational, const equiv::Side* lowered) {
  const auto start = Clock::now();
  const int bound = so.bound;
  const auto left = [&] { return std::min(r.Left(), budget - Since(start)); };
  equiv::Outcome out;
  // ABC's verdict (log abc_`name`) on the miter written as AIGER to `file`.aig, which a later
  // step on the same miter reuses. `share`: of the time left, the share this step may use
  // (writing the AIGER, which reads both elaborated designs, takes at most half of it).
  const auto abc = [&](const std::string& name, const std::string& file,
                       const equiv::ScriptOptions& opt, auto command, double share,
                       const equiv::Side* from = nullptr) {
    const fs::path aig = r.work() / (prefix + file + ".aig");
    const double until = left() * (1 - share);  // the time left after this step
    if (!fs::exists(aig))
      r.Run(prefix + "aiger_" + file,
            equiv::AigerScript(from ? *from : gold, gate, opt, aig.string()), left() * share / 2);
    if (!fs::exists(aig)) return equiv::Outcome{};
    const double secs = std::max(1.0, left() - until);
    return equiv::ParseAbcLog(r.RunAbc(prefix + "abc_" + name, command(aig.string(), secs), secs));
  };
  // A combinational module (a module of multipliers, the popcount) goes to ABC first: Yosys'
  // SAT takes minutes on a 9x8 multiplier or a 64-bit popcount against its gates, ABC's BDD a
  // fraction of a second (a popcount is a symmetric function: its BDD is small). A larger
  // multiplier (the requantiser's 32x32) against gates is out of reach of any generic method: the
  // netlist's gates are proven against the same module before ABC (salsa equiv --synth saves it),
  // by SAT sweeping (&cec); Yosys' lowering of the multiplier itself is trusted. Failing that (a
  // netlist from elsewhere), the multipliers lowered in the miter as synth would lower them.
  if (combinational) {
    const auto cec = [](const std::string& a, double secs) {
      return equiv::AbcCecCommand(a, std::max(1, static_cast<int>(secs)));
    };
    out = abc(
        "miter", "miter", so, [](const std::string& a, double) { return equiv::AbcCommand(a); },
        0.5);
    if (out.verdict == equiv::Verdict::kPassFull) return out;
    if (lowered) {
      out = abc("pre_abc", "pre_abc", so, cec, 0.5, lowered);
      if (out.verdict == equiv::Verdict::kPassFull) {
        out.method = "abc, against Yosys' lowering";
        return out;
      }
    }
    equiv::ScriptOptions low = so;
    low.lower_mul = true;
    out = abc("lowered", "lowered", low, cec, 0.5);
    if (out.verdict == equiv::Verdict::kPassFull) {
      out.method = "abc, multipliers lowered in the miter";
      return out;
    }
  }
  // 0. A quick search for a counterexample in the first cycles (15 s at most); 1. structural,
  // when names match (half of the rest, a third against a netlist); 2. ABC's dprove (three
  // quarters of the rest); 3. the miter with induction (half of the rest); 4. the bounded proof
  // of `bound` cycles, ABC's bmc3 then Yosys (the rest).
  equiv::ScriptOptions scan = so;
  scan.bound = std::min(bound, kScanCycles);
  const double scan_s = std::min(left() / 4, kScanSeconds);
  scan.sat_timeout_s = std::max(1, static_cast<int>(scan_s));
  std::string log = r.Run(prefix + "scan", equiv::MiterScript(gold, gate, scan, false), scan_s);
  out = log.empty() ? Timeout("bounded") : equiv::ParseBoundedLog(log, scan.bound);
  const auto open = [&] {
    return out.verdict != equiv::Verdict::kFail && out.verdict != equiv::Verdict::kPassFull;
  };
  // Between two RTL sides, memories stay memories, merged into one shared by both sides when
  // their inputs match (the command FIFO's 4,096 bits: 0.4 s instead of 97 s as flip-flops);
  // a netlist has flip-flops only, so it is proven against flip-flops. Against a netlist,
  // whose synthesis restructured much of what structural matching needs, it has a third of the
  // time, and ABC's sequential step the most.
  equiv::ScriptOptions st = so;
  st.keep_memories = !gold.netlist && !gate.netlist;
  if (open()) {
    log = r.Run(prefix + "structural", equiv::StructuralScript(gold, gate, st),
                left() / (st.keep_memories ? 2 : 3));
    out = log.empty() ? equiv::Outcome{} : equiv::ParseStructuralLog(log);
  }
  // ABC's sequential equivalence (dprove) on the miter: it needs no register names to agree, so
  // it closes what synthesis restructured (re-encoded or merged flip-flops). A counterexample it
  // finds is left to the Yosys proofs below, which write the trace.
  if (open() && left() > 1) {
    const equiv::Outcome a = abc(
        "seq", "seq", so,
        [](const std::string& aig, double secs) {
          return equiv::AbcSequentialCommand(aig, std::max(1, static_cast<int>(secs) - 5));
        },
        0.75);
    if (a.verdict == equiv::Verdict::kPassFull) {
      out = a;
      out.method = "abc dprove";
    }
  }
  if (open() && left() > 1) {
    so.sat_timeout_s = static_cast<int>(std::max(1.0, left() / 2));
    log = r.Run(prefix + "miter", equiv::MiterScript(gold, gate, so, true), left() / 2);
    out = log.empty() ? Timeout("miter") : equiv::ParseMiterLog(log);
  }
  // The bounded proof, unless the miter concluded or proved as many cycles: ABC's bmc3 first
  // (cycles from the state after reset; the scan above checked the reset cycle itself), then,
  // when it found a counterexample or stopped short, Yosys (its trace is the VCD); a bounded
  // proof that runs out of time leaves the longer bound standing.
  const auto more = [&] {
    return out.verdict == equiv::Verdict::kUnproven || out.verdict == equiv::Verdict::kTimeout ||
           (out.verdict == equiv::Verdict::kPassBounded && out.bound < bound);
  };
  if (more() && left() > 1) {
    const equiv::Outcome b = abc(
        "bmc", "seq", so,
        [bound](const std::string& aig, double secs) {
          return equiv::AbcBmcCommand(aig, bound, std::max(1, static_cast<int>(secs)));
        },
        0.5);
    if (b.verdict == equiv::Verdict::kPassBounded &&
        (out.verdict != equiv::Verdict::kPassBounded || b.bound > out.bound)) {
      out = b;
      out.method = "abc bmc3";
    }
  }
  if (more() && left() > 1) {
    so.sat_timeout_s = static_cast<int>(std::max(1.0, left()));
    log = r.Run(prefix + "bounded", equiv::MiterScript(gold, gate, so, false), left());
    const equiv::Outcome b = log.empty() ? Timeout("bounded") : equiv::ParseBoundedLog(log, bound);
    const bool keep = out.verdict == equiv::Verdict::kPassBounded &&
                      (b.verdict == equiv::Verdict::kTimeout ||
                       (b.verdict == equiv::Verdict::kPassBounded && b.bound <= out.bound));
    if (!keep) out = b;
  }
  if (out.verdict == equiv::Verdict::kUnproven) out.verdict = equiv::Verdict::kTimeout;
  return out;
}

equiv::Outcome ProveHierarchy(EquivRunner& r, const equiv::Side& gold, const equiv::Side& gate,
                              const equiv::ScriptOptions& so, double module_seconds,
                              std::vector<ModuleResult>* modules, bool* hierarchical,
                              const equiv::Side* lowered) {
  // Each side elaborated once, as RTLIL that every module's proof reads.
  equiv::Side gold_il = gold, gate_il = gate;
  equiv::Ports ports[2];
  std::set<std::string> comb;  // the gold side's modules without state
  const auto list = [&](equiv::Side* side, const std::string& name, equiv::Ports* p) {
    const fs::path il = r.work() / (name + ".il");
    r.Run(name, equiv::HierarchyScript(*side, so, il.string()), r.Left());
    side->files = {il.string()};
    side->elaborated = true;
    const std::string text = ReadAll(il);
    *p = equiv::ParsePorts(text);
    if (comb.empty()) comb = equiv::ParseCombinational(text);
    return equiv::ParseHierarchy(text);
  };
  const equiv::Hierarchy hg = list(&gold_il, "hier_gold", &ports[0]);
  *hierarchical = hg.count(so.top) && !hg.at(so.top).empty();
  if (!*hierarchical) return {};
  const equiv::Hierarchy ht = list(&gate_il, "hier_gate", &ports[1]);
  std::vector<std::string> proven;  // modules not failed, abstracted in their parents
  equiv::Outcome top;
  int bound = 0;  // the fewest cycles a module is proven bounded to (0: none bounded)
  std::string unproven;
  for (const auto& m : equiv::BottomUp(hg, so.top)) {
    // A module missing in the gate, or with other ports there, is proven inside its parents.
    if (m != so.top && (!ht.count(m) || ports[0][m] != ports[1][m])) continue;
    equiv::ScriptOptions mo = so;
    mo.top = m;
    mo.design_top = so.top;
    for (const auto& k : hg.at(m))
      if (std::find(proven.begin(), proven.end(), k) != proven.end()) mo.abstracted.push_back(k);
    if (m != so.top) mo.reset = "";  // from the all-zero state, for every input sequence
    const auto start = Clock::now();
    // A child has at most `module_seconds`, so that one it cannot prove leaves time for the rest.
    const bool mul = m.size() > 4 && m.compare(m.size() - 4, 4, "_mul") == 0;
    equiv::Outcome o = ProveModule(r, "modules/" + equiv::ShortName(m) + "/", gold_il, gate_il, mo,
                                   m == so.top ? r.Left() : module_seconds,
                                   (mul && so.split_mul) || comb.count(m) > 0, lowered);
    // A split multiplier module whose pairing fails is no verdict: which multiplier is which
    // follows the order the module holds them in, and a refactored module may hold them in
    // another. Its parent proves them in place (equiv_struct pairs multipliers by their inputs);
    // a wrong product fails there.
    if (mul && so.split_mul && m != so.top && o.verdict == equiv::Verdict::kFail) {
      o.verdict = equiv::Verdict::kUnproven;
      o.detail = "outputs not paired (" + o.first_diff + "); proven inside its parent";
      modules->push_back({m, o, Since(start)});
      continue;
    }
    modules->push_back({m, o, Since(start)});
    if (o.verdict == equiv::Verdict::kFail) {
      if (m != so.top) o.first_diff += " of " + m;
      return o;
    }
    proven.push_back(m);
    if (o.verdict == equiv::Verdict::kPassBounded)
      bound = bound ? std::min(bound, o.bound) : o.bound;
    if (o.verdict == equiv::Verdict::kTimeout) unproven += (unproven.empty() ? "" : ", ") + m;
    top = o;
  }
  if (!unproven.empty()) {
    top.verdict = equiv::Verdict::kTimeout;
    top.detail = "unproven: " + unproven;
  } else if (bound > 0) {
    top.verdict = equiv::Verdict::kPassBounded;
    top.bound = bound;
  }
  return top;
}

}  // namespace salsa::cli
