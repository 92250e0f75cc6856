// Reading salsa equiv's Yosys logs into a verdict, and the report (equiv.h).
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

#include "equiv/equiv.h"

namespace salsa::equiv {

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPassFull:
    case Verdict::kPassBounded:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kTimeout:
      return "TIMEOUT";
    case Verdict::kUnproven:
      break;
  }
  return "UNPROVEN";
}

Outcome ParseStructuralLog(const std::string& log) {
  Outcome o;
  o.method = "structural";
  if (log.find("Equivalence successfully proven!") != std::string::npos) {
    o.verdict = Verdict::kPassFull;
    return o;
  }
  std::smatch m;
  if (std::regex_search(log, m,
                        std::regex(R"(Found (\d+) unproven \$equiv cells in 'equiv_status)")))
    o.detail = m[1].str() + " unproven $equiv cells";
  else
    o.detail = "equiv_status did not finish";
  return o;
}

namespace {

// The -show-ports table of a counterexample: "  <time> \<signal>  <dec> <hex> <bin>" rows; the
// first (time, output) whose gold_ and gate_ rows differ.
void FirstDifference(const std::string& log, Outcome* o) {
  std::map<std::pair<int, std::string>, std::pair<std::string, std::string>> rows;
  const std::regex row(R"(^\s+(\d+)\s+\\(gold|gate)_(\S+)\s+\S+\s+\S+\s+(\S+)\s*$)");
  std::stringstream ss(log);
  std::string line;
  std::vector<std::pair<int, std::string>> order;
  while (std::getline(ss, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    const std::pair<int, std::string> key = {std::stoi(m[1].str()), m[3].str()};
    auto& v = rows[key];
    if (v.first.empty() && v.second.empty()) order.push_back(key);
    (m[2].str() == "gold" ? v.first : v.second) = m[4].str();
  }
  for (const auto& key : order) {  // rows come in time order
    const auto& v = rows[key];
    if (v.first.empty() || v.second.empty()) continue;
    if (v.first != v.second) {
      o->first_diff = key.second;
      o->diff_cycle = key.first;
      o->detail = "gold " + v.first + ", gate " + v.second;
      return;
    }
  }
}

}  // namespace

Outcome ParseMiterLog(const std::string& log) {
  Outcome o;
  o.method = "miter";
  std::smatch m;
  if (log.find("model found for base case: FAIL!") != std::string::npos) {
    o.verdict = Verdict::kFail;
    FirstDifference(log, &o);
    return o;
  }
  if (log.find("Induction step proven: SUCCESS!") != std::string::npos) {
    o.verdict = Verdict::kPassFull;
    std::string::const_iterator from = log.begin();
    while (std::regex_search(from, log.end(), m,
                             std::regex(R"(Trying induction with length (\d+))"))) {
      o.induction = std::stoi(m[1].str());
      from = m[0].second;
    }
    return o;
  }
  // The bound reached, or the run stopped (sat -timeout, or killed): the base cases proven so far
  // are a bounded proof.
  std::string::const_iterator from = log.begin();
  const std::regex base(R"(Base case for induction length (\d+) proven)");
  while (std::regex_search(from, log.end(), m, base)) {
    o.bound = std::stoi(m[1].str());
    from = m[0].second;
  }
  if (o.bound > 0) {
    o.verdict = Verdict::kPassBounded;
    if (log.find("Reached maximum number of time steps") == std::string::npos)
      o.detail = "induction ran out of time";
    return o;
  }
  if (log.find("timeout") != std::string::npos || log.find("time out") != std::string::npos) {
    o.verdict = Verdict::kTimeout;
    o.detail = "sat ran out of time";
    return o;
  }
  o.detail = "no verdict in the sat log";
  return o;
}

Outcome ParseBoundedLog(const std::string& log, int bound) {
  Outcome o;
  o.method = "bounded";
  if (log.find("SAT proof finished - model found: FAIL!") != std::string::npos) {
    o.verdict = Verdict::kFail;
    FirstDifference(log, &o);
  } else if (log.find("SAT proof finished - no model found: SUCCESS!") != std::string::npos) {
    o.verdict = Verdict::kPassBounded;
    o.bound = bound;
  } else {
    o.verdict = Verdict::kTimeout;
    o.detail = "sat ran out of time";
  }
  return o;
}

Outcome ParseAbcLog(const std::string& log) {
  Outcome o;
  o.method = "abc";
  std::smatch m;
  if (std::regex_search(log, m, std::regex(R"((^|\n)UNSATISFIABLE)")) ||
      std::regex_search(log, m, std::regex(R"(Networks are equivalent|Property proved)"))) {
    o.verdict = Verdict::kPassFull;
  } else if (std::regex_search(log, m, std::regex(R"(No output asserted in (\d+) frames)"))) {
    o.verdict = Verdict::kPassBounded;
    o.bound = std::stoi(m[1]);
  } else if (std::regex_search(log, m, std::regex(R"(NOT EQUIVALENT|was asserted in frame)"))) {
    o.detail = "abc found a counterexample";
  } else {
    o.detail = "abc did not prove the miter";
  }
  return o;
}

std::string Summary(const Outcome& o, const std::string& top, double seconds) {
  char t[32];
  std::snprintf(t, sizeof t, "%.1f s", seconds);
  std::string s = VerdictName(o.verdict);
  switch (o.verdict) {
    case Verdict::kPassFull:
      s += " full";
      break;
    case Verdict::kPassBounded:
      s += " bounded to " + std::to_string(o.bound) + " cycles";
      break;
    case Verdict::kFail:
      s += ": " + (o.first_diff.empty()
                       ? std::string("outputs differ")
                       : o.first_diff + " differs in cycle " + std::to_string(o.diff_cycle));
      break;
    default:
      break;
  }
  s += " (" + o.method + ") " + top + " in " + t;
  if (o.verdict != Verdict::kPassFull && o.verdict != Verdict::kPassBounded && !o.detail.empty())
    s += ": " + o.detail;
  return s;
}

nlohmann::json ToJson(const Outcome& o, const std::string& top, const Side& gold, const Side& gate,
                      double seconds) {
  nlohmann::json j = {{"verdict", VerdictName(o.verdict)},
                      {"proof", o.verdict == Verdict::kPassFull      ? "full"
                                : o.verdict == Verdict::kPassBounded ? "bounded"
                                                                     : "none"},
                      {"method", o.method},
                      {"top", top},
                      {"gold", gold.label},
                      {"gate", gate.label},
                      {"seconds", static_cast<double>(static_cast<long>(seconds * 10)) / 10}};
  if (o.verdict == Verdict::kPassBounded) j["bound_cycles"] = o.bound;
  if (o.induction > 0) j["induction_length"] = o.induction;
  if (o.verdict == Verdict::kFail) {
    j["first_diff"] = o.first_diff;
    j["diff_cycle"] = o.diff_cycle;
  }
  if (!o.detail.empty()) j["detail"] = o.detail;
  return j;
}

}  // namespace salsa::equiv
