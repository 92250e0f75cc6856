// `salsa regress` outputs: junit.xml, summary.json, report.md.
#include "regress/reports.h"

#include <cstdio>
#include <map>
#include <sstream>

namespace salsa::regress {

nlohmann::json RunResult::ToJson() const {
  nlohmann::json j;
  j["id"] = id;
  j["test"] = test;
  j["config"] = config;
  j["config_path"] = config_path;
  j["config_hash"] = config_hash;
  j["generator"] = generator;
  j["seed"] = seed;
  j["args"] = args;
  j["status"] = status;
  j["exit_code"] = exit_code;
  j["seconds"] = seconds;
  j["cycles"] = cycles < 0 ? nlohmann::json(nullptr) : nlohmann::json(cycles);
  j["message"] = message;
  j["run_dir"] = run_dir;
  j["repro"] = repro;
  if (!bus_phase.empty()) j["bus_phase"] = bus_phase;
  return j;
}

RunResult RunResult::FromJson(const nlohmann::json& j) {
  RunResult r;
  r.id = j.at("id").get<std::string>();
  r.test = j.at("test").get<std::string>();
  r.config = j.at("config").get<std::string>();
  r.config_path = j.at("config_path").get<std::string>();
  r.config_hash = j.at("config_hash").get<std::string>();
  r.generator = j.at("generator").get<std::string>();
  r.seed = j.at("seed").get<uint64_t>();
  r.args = j.at("args").get<std::vector<std::string>>();
  r.status = j.at("status").get<std::string>();
  r.exit_code = j.at("exit_code").get<int>();
  r.seconds = j.at("seconds").get<double>();
  r.cycles = j.at("cycles").is_null() ? -1 : j.at("cycles").get<int64_t>();
  r.message = j.at("message").get<std::string>();
  r.run_dir = j.at("run_dir").get<std::string>();
  r.repro = j.at("repro").get<std::string>();
  r.bus_phase = j.value("bus_phase", std::string());
  return r;
}

Totals Count(const std::vector<RunResult>& results) {
  Totals t;
  for (const RunResult& r : results) {
    if (r.status == "pass") {
      ++t.pass;
    } else if (r.status == "timeout") {
      ++t.timeout;
    } else {
      ++t.fail;
    }
    t.run_seconds += r.seconds;
  }
  return t;
}

namespace {

std::string Fixed(double d, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, d);
  return buf;
}

}  // namespace

std::string JunitXml(const std::string& suite, const std::vector<RunResult>& results,
                     double wall_seconds) {
  const Totals t = Count(results);
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites>\n";
  x << "  <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << results.size()
    << "\" failures=\"" << t.fail + t.timeout << "\" errors=\"0\" skipped=\"0\" time=\""
    << Fixed(wall_seconds, 3) << "\">\n";
  for (const RunResult& r : results) {
    x << "    <testcase classname=\"" << XmlEscape(r.test + "." + r.config) << "\" name=\"s"
      << r.seed << "\" time=\"" << Fixed(r.seconds, 3) << "\"";
    if (r.status == "pass") {
      x << "/>\n";
      continue;
    }
    const std::string message = r.status == "timeout" ? "timeout: " + r.message
                                : r.message.empty()   ? r.status
                                                      : r.message;
    x << ">\n      <failure message=\"" << XmlEscape(message) << "\" type=\"" << XmlEscape(r.status)
      << "\">"
      << XmlEscape("exit " + std::to_string(r.exit_code) + "; run directory " + r.run_dir +
                   "\nrepro: " + r.repro)
      << "</failure>\n    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

nlohmann::json SummaryJson(const SummaryInfo& info, const std::vector<RunResult>& results) {
  const Totals t = Count(results);
  nlohmann::json j;
  j["suite"] = info.suite;
  j["list"] = info.list_path;
  j["command"] = info.command;
  j["salsa_commit"] = info.salsa_commit;
  j["tools"] = {{"salsa", info.salsa_version},
                {"verilator", info.verilator_version},
                {"cxx", info.cxx_version}};
  j["jobs"] = info.jobs;
  j["seed_base"] = info.seed_base;
  j["seeds"] = info.seeds == 0 ? nlohmann::json("list") : nlohmann::json(info.seeds);
  j["random_configs"] = info.random_configs;
  j["runs"] = results.size();
  j["pass"] = t.pass;
  j["fail"] = t.fail;
  j["timeout"] = t.timeout;
  j["wall_seconds"] = info.wall_seconds;
  j["run_seconds"] = t.run_seconds;
  if (info.coverage) j["coverage"] = *info.coverage;
  nlohmann::json runs = nlohmann::json::array();
  for (const RunResult& r : results) runs.push_back(r.ToJson());
  j["results"] = runs;
  return j;
}

std::string ReportMarkdown(const SummaryInfo& info, const std::vector<RunResult>& results) {
  const Totals t = Count(results);
  std::ostringstream m;
  m << "# salsa regress: " << info.suite << "\n\n";
  m << "`" << info.command << "`\n\n";
  m << "- **" << t.pass << " pass, " << t.fail << " fail, " << t.timeout << " timeout** of "
    << results.size() << " runs; wall " << Fixed(info.wall_seconds, 1) << " s, "
    << Fixed(t.run_seconds, 1) << " s of runs on " << info.jobs << " job(s)\n";
  m << "- salsa " << info.salsa_commit << "; " << info.verilator_version << "; " << info.cxx_version
    << "\n";
  if (info.coverage) {
    m << "- " << info.coverage->value("summary", std::string("coverage")) << "; HTML report "
      << info.coverage->value("html", std::string("")) << "\n";
  }
  m << "\n";
  if (t.fail + t.timeout > 0) {
    m << "## Failures\n\n";
    for (const RunResult& r : results) {
      if (r.status == "pass") continue;
      m << "### " << r.id << " (" << r.status << ")\n\n";
      m << "- " << (r.message.empty() ? "exit " + std::to_string(r.exit_code) : r.message) << "\n";
      m << "- run directory: `" << r.run_dir << "` (wave.fst, stdout.txt, stderr.txt)\n";
      m << "- repro:\n\n```sh\n" << r.repro << "\n```\n\n";
    }
  }
  // Where the aborts and resets landed: each bus tag's runs (a run may carry several).
  std::map<std::string, size_t> phases;
  size_t interrupted = 0;
  for (const RunResult& r : results) {
    if (r.bus_phase.empty()) continue;
    ++interrupted;
    std::istringstream tags(r.bus_phase);
    for (std::string tag; std::getline(tags, tag, '+');) ++phases[tag];
  }
  if (interrupted != 0) {
    m << "## Abort and reset points\n\n"
      << interrupted
      << " runs aborted or reset mid-layer; the bus at that cycle (runs with each tag):\n\n"
      << "| bus | runs |\n|---|---:|\n";
    for (const char* tag : {"fetch", "load", "store", "mid-burst", "quiet"}) {
      m << "| " << tag << " | " << (phases.count(tag) ? phases[tag] : 0) << " |\n";
    }
    m << "\n";
  }
  m << "## Runs\n\n| run | generator | status | seconds | cycles | args "
       "|\n|---|---|---|---:|---:|---|\n";
  for (const RunResult& r : results) {
    std::string args;
    for (const std::string& a : r.args) args += (args.empty() ? "" : " ") + a;
    std::string cell;
    for (char c : args) cell += c == '|' ? std::string("\\|") : std::string(1, c);
    m << "| " << r.id << " | " << r.generator << " | " << r.status << " | " << Fixed(r.seconds, 2)
      << " | " << (r.cycles < 0 ? std::string("-") : std::to_string(r.cycles)) << " | `" << cell
      << "` |\n";
  }
  return m.str();
}

}  // namespace salsa::regress
