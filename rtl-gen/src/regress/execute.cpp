// `salsa regress`: executing one run (execute.h).
#include "regress/execute.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "regress/random_layer.h"
#include "regress/runner.h"

namespace salsa::regress {
namespace fs = std::filesystem;

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error(p.string() + ": cannot write");
}

// The last line of the harness's stdout that is a JSON object (--json prints it last).
std::string JsonLine(const std::string& out) {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') last = line;
  }
  return last;
}

std::string FirstLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) return line;
  }
  return "";
}

}  // namespace

std::string RunDir(const std::string& out, const RunSpec& run) {
  return (fs::path(out) / "runs" / run.Id()).string();
}

std::vector<std::string> SplitArgs(const std::string& args, const std::string& source_dir,
                                   const std::string& list_dir) {
  std::vector<std::string> out;
  std::istringstream in(args);
  std::string word;
  while (in >> word) {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{source}", source_dir}, {"{list}", list_dir}}) {
      for (size_t p = word.find(key); p != std::string::npos;
           p = word.find(key, p + value.size())) {
        word.replace(p, key.size(), value);
      }
    }
    out.push_back(word);
  }
  return out;
}

namespace {

// repro.sh: the one command line that reproduces a failure, executable.
void WriteRepro(const fs::path& dir, const std::string& command) {
  WriteText(dir / "repro.sh", "#!/bin/sh\n" + command + "\n");
  fs::permissions(dir / "repro.sh",
                  fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

// An equivalence run: `salsa equiv ARGS --out <dir>/equiv` ({config}: the config's label);
// exit 0 passes, 3 is a timeout, anything else fails with salsa equiv's first line.
RunResult ExecuteEquiv(const RunSpec& run, const RunContext& ctx, const fs::path& dir,
                       RunResult r) {
  r.generator = "equiv";
  std::string args = run.equiv;
  for (size_t p = args.find("{config}"); p != std::string::npos; p = args.find("{config}", p))
    args.replace(p, 8, run.ConfigLabel());
  r.args = SplitArgs(args, ctx.source_dir, ctx.list_dir);
  std::vector<std::string> argv = {ctx.salsa, "equiv"};
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  argv.insert(argv.end(), {"--out", (dir / "equiv").string()});
  WriteText(dir / "cmd.txt", ShellJoin(argv) + "\n");
  const ProcessResult p =
      RunProcess(argv, (dir / "stdout.txt").string(), (dir / "stderr.txt").string(), run.timeout_s);
  r.exit_code = p.exit_code;
  r.seconds = p.seconds;
  const std::string line = FirstLine(Slurp(dir / "stdout.txt"));
  if (p.timed_out || p.exit_code == 3) {
    r.status = "timeout";
    r.message = p.timed_out ? "killed after " + std::to_string(run.timeout_s) + " s" : line;
  } else if (p.exit_code == 0) {
    r.status = "pass";
    r.message = line;  // PASS full / PASS bounded to N cycles, method, wall time
  } else {
    r.status = "fail";
    r.message = !line.empty() ? line : FirstLine(Slurp(dir / "stderr.txt"));
  }
  if (r.status != "pass") {
    r.repro = ShellJoin(argv);
    WriteRepro(dir, r.repro);
  }
  WriteText(dir / "outcome.json", r.ToJson().dump(2) + "\n");
  return r;
}

}  // namespace

RunResult ExecuteRun(const RunSpec& run, const RunConfig& config, const RunContext& ctx) {
  const fs::path dir = RunDir(ctx.out, run);
  fs::remove_all(dir);
  fs::create_directories(dir);
  RunResult r;
  r.id = run.Id();
  r.test = run.test;
  r.config = config.label;
  r.config_path = config.path;
  r.config_hash = config.hash;
  r.seed = run.seed;
  r.run_dir = dir.string();
  if (!run.equiv.empty()) return ExecuteEquiv(run, ctx, dir, r);
  if (run.generator.empty()) {
    r.generator = "args";
    r.args = SplitArgs(run.args, ctx.source_dir, ctx.list_dir);
  } else {
    GeneratedRun g = GenerateRun(config.cfg, run.generator, run.seed, dir.string());
    r.generator = g.generator;
    r.args = g.args;
    for (const auto& [name, bytes] : g.files) {
      WriteText(dir / name, std::string(bytes.begin(), bytes.end()));
    }
  }
  std::vector<std::string> argv = {ctx.harness};
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  argv.push_back("--json");
  if (ctx.coverage) argv.insert(argv.end(), {"--coverage-out", (dir / "coverage.dat").string()});
  WriteText(dir / "cmd.txt", ShellJoin(argv) + "\n");
  const ProcessResult p =
      RunProcess(argv, (dir / "stdout.txt").string(), (dir / "stderr.txt").string(), run.timeout_s);
  r.exit_code = p.exit_code;
  r.seconds = p.seconds;
  const std::string json_line = JsonLine(Slurp(dir / "stdout.txt"));
  std::string harness_error;
  if (!json_line.empty()) {
    WriteText(dir / "result.json", json_line + "\n");
    try {
      const nlohmann::json j = nlohmann::json::parse(json_line);
      if (j.contains("cycles") && j["cycles"].is_number()) r.cycles = j["cycles"].get<int64_t>();
      if (j.contains("error") && j["error"].is_string()) harness_error = j["error"];
      for (const char* k : {"reset", "abort"}) {
        if (j.contains(k) && j[k].is_object() && j[k].contains("bus") && j[k]["bus"].is_string())
          r.bus_phase = j[k]["bus"].get<std::string>();
      }
    } catch (const nlohmann::json::exception&) {
      harness_error = "result.json: not valid JSON";
    }
  }
  if (p.timed_out) {
    r.status = "timeout";
    r.message = "killed after " + std::to_string(run.timeout_s) + " s";
  } else if (p.exit_code == 0) {
    r.status = "pass";
  } else {
    r.status = "fail";
    r.message = !harness_error.empty() ? harness_error : FirstLine(Slurp(dir / "stderr.txt"));
    if (r.message.empty()) r.message = "exit " + std::to_string(p.exit_code);
  }
  if (r.status != "pass") {
    // The same run again with an FST waveform, and one command line that reproduces it.
    std::vector<std::string> repro = {ctx.salsa, "run", "--config", config.path};
    repro.insert(repro.end(), r.args.begin(), r.args.end());
    r.repro = ShellJoin(repro);
    WriteRepro(dir, r.repro);
    try {
      std::vector<std::string> traced = {ctx.trace_harness()};
      traced.insert(traced.end(), r.args.begin(), r.args.end());
      traced.insert(traced.end(), {"--trace", (dir / "wave.fst").string()});
      WriteText(dir / "trace_cmd.txt", ShellJoin(traced) + "\n");
      RunProcess(traced, (dir / "trace_stdout.txt").string(), (dir / "trace_stderr.txt").string(),
                 run.timeout_s);
    } catch (const std::exception& e) {
      WriteText(dir / "trace_stderr.txt", std::string(e.what()) + "\n");
    }
  }
  WriteText(dir / "outcome.json", r.ToJson().dump(2) + "\n");
  return r;
}

}  // namespace salsa::regress
