// The several-port scaling sweep (bench_ports.h).
#include "bench/bench_ports.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace salsa::bench {

namespace {

constexpr double kW = 760, kH = 520, kLeft = 90, kRight = 200, kTop = 50, kBottom = 60;
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The bounds of one run: (compulsory bytes / data path bytes per cycle, MACs / array MACs).
double BandwidthRoof(const CaseResult& r) { return r.roof.memory_cycles; }
double ComputeRoof(const CaseResult& r) { return r.roof.compute_cycles; }

std::vector<const CaseResult*> Sweep(const std::vector<CaseResult>& results) {
  std::vector<const CaseResult*> out;
  for (const CaseResult& r : results) {
    if (r.ports > 0) out.push_back(&r);
  }
  return out;
}

}  // namespace

std::vector<unsigned> ParsePortCounts(const std::string& s) {
  if (s.empty() || s == "none") return {};
  std::vector<unsigned> out;
  for (const std::string& item : SplitList(s)) {
    const bool ok = item == "1" || item == "2" || item == "4" || item == "8" || item == "16";
    if (!ok) {
      throw std::invalid_argument("--ports '" + s + "': '" + item +
                                  "' is not a port count; accepted: a comma-separated list of 1, "
                                  "2, 4, 8, 16, or none");
    }
    const unsigned p = static_cast<unsigned>(std::stoul(item));
    if (std::find(out.begin(), out.end(), p) != out.end()) {
      throw std::invalid_argument("--ports '" + s + "': " + item +
                                  " twice; accepted: each port count once");
    }
    out.push_back(p);
  }
  return out;
}

std::string PortsConfigYaml(unsigned ports) {
  return "name: ports" + std::to_string(ports) +
         "_16x16\narray:\n  rows: 16\n  cols: 16\naxi:\n  data_bits: " +
         std::to_string(kPortsDataBytes * 8) + "\n  ports: " + std::to_string(ports) + "\n";
}

BenchCase PortsCase(bool quick) {
  return quick ? GemmCase("decode", 1, 1024, 512) : GemmCase("decode", 1, 4096, 4096);
}

std::vector<TargetCheck> CheckPortsTargets(const std::vector<CaseResult>& results) {
  const std::string target =
      "16×16 on 4 × 128-bit ports: GEMV 1×4096×4096 ≤ 292,000 cycles "
      "(0.90 of the ports' bandwidth) at latency 100";
  std::vector<TargetCheck> out;
  for (const CaseResult* r : Sweep(results)) {
    const BenchCase& c = r->bench_case;
    if (r->ports != 4 || r->latency != 100 || c.M != 1 || c.K != 4096 || c.N != 4096) continue;
    const double cycles = static_cast<double>(r->cycles);
    out.push_back({target, r->preset, c.name, r->latency, "cycles (fraction of 292,000)",
                   cycles / 292000.0, 1.0, r->pass && r->cycles > 0 && r->cycles <= 292000, ""});
  }
  if (out.empty() && !Sweep(results).empty()) {
    TargetCheck t{target, "ports4_16x16", "gemv_1x4096x4096", 100, "cycles", 0, 1.0, false, ""};
    t.not_run = "not measured (needs 4 in --ports, latency 100 and the full suite)";
    out.push_back(t);
  }
  return out;
}

std::string PortsMarkdown(const std::vector<CaseResult>& results,
                          const std::vector<TargetCheck>& targets, const std::string& svg_path) {
  const auto sweep = Sweep(results);
  if (sweep.empty()) return "";
  std::ostringstream o;
  o << "## Several AXI ports\n\n"
       "The 16×16 output-stationary array on P 128-bit AXI ports (`axi.ports: P`, nothing else "
       "in the config: [axi_ports.md](axi_ports.md)), the ports the byte lanes of one 16P-byte "
       "data path, one DRAM model per port. Bandwidth roof: compulsory bytes / 16P per cycle; "
       "compute roof: MACs / 256 per cycle. The derived K slices grow with P.\n\n";
  o << "![ports](" << svg_path << ")\n\n";
  o << Row({"config", "case", "latency", "ports", "K slices", "cycles", "bandwidth roof",
            "of the bandwidth", "speed-up over 1 port", "result"});
  o << "|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n";
  std::map<std::pair<unsigned, std::string>, uint64_t> one_port;  // (latency, case) -> cycles
  for (const CaseResult* r : sweep) {
    if (r->ports == 1) one_port[{r->latency, r->bench_case.name}] = r->cycles;
  }
  for (const CaseResult* r : sweep) {
    const auto base = one_port.find({r->latency, r->bench_case.name});
    const std::string speedup =
        base != one_port.end() && r->cycles > 0
            ? Fixed(static_cast<double>(base->second) / static_cast<double>(r->cycles), 2) + "×"
            : "";
    o << Row({r->preset, r->bench_case.Describe(), std::to_string(r->latency),
              std::to_string(r->ports), std::to_string(r->slices), Grouped(r->cycles),
              Grouped(static_cast<uint64_t>(std::llround(BandwidthRoof(*r)))),
              Fixed(r->compulsory_bw, 3), speedup,
              r->pass ? "pass" : "**FAIL**" + (r->error.empty() ? "" : ": " + MdCell(r->error))});
  }
  o << "\n";
  for (const TargetCheck& t : targets) {
    o << "- " << t.target << ": "
      << (!t.not_run.empty() ? t.not_run
                             : Grouped(static_cast<uint64_t>(std::llround(t.measured * 292000))) +
                                   " cycles, " + (t.met ? "**met**" : "**not met**"))
      << "\n";
  }
  return o.str();
}

std::string PortsSvg(const std::vector<CaseResult>& results) {
  const auto sweep = Sweep(results);
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << kH
    << "\" viewBox=\"0 0 " << kW << " " << kH << "\" font-family=\"sans-serif\" font-size=\"13\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  o << "<text x=\"" << kW / 2 << "\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">"
    << "GEMV cycles against AXI ports (16×16, 128-bit ports)</text>\n";
  if (sweep.empty()) return o.str() + "</svg>\n";
  unsigned pmax = 1;
  double ymin = 1e300, ymax = 0;
  for (const CaseResult* r : sweep) {
    pmax = std::max(pmax, r->ports);
    for (double y : {static_cast<double>(r->cycles), BandwidthRoof(*r), ComputeRoof(*r)}) {
      if (y > 0) ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  }
  const double lx1 = std::log2(std::max(2u, pmax));
  const double ly0 = std::floor(std::log10(ymin)), ly1 = std::ceil(std::log10(ymax));
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto X = [&](double ports) { return kLeft + pw * std::log2(ports) / lx1; };
  auto Y = [&](double cycles) {
    return kTop + ph * (1 - (std::log10(cycles) - ly0) / std::max(1.0, ly1 - ly0));
  };
  // Axes, ticks and grid.
  o << "<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#000\"/>\n";
  for (unsigned p = 1; p <= std::max(2u, pmax); p *= 2) {
    o << "<line x1=\"" << Num(X(p)) << "\" y1=\"" << kTop << "\" x2=\"" << Num(X(p)) << "\" y2=\""
      << kTop + ph << "\" stroke=\"#ddd\"/>\n"
      << "<text x=\"" << Num(X(p)) << "\" y=\"" << kTop + ph + 18 << "\" text-anchor=\"middle\">"
      << p << "</text>\n";
  }
  for (double d = ly0; d <= ly1; d += 1) {
    const double y = Y(std::pow(10.0, d));
    o << "<line x1=\"" << kLeft << "\" y1=\"" << Num(y) << "\" x2=\"" << kLeft + pw << "\" y2=\""
      << Num(y) << "\" stroke=\"#ddd\"/>\n"
      << "<text x=\"" << kLeft - 8 << "\" y=\"" << Num(y + 4) << "\" text-anchor=\"end\">1e"
      << static_cast<int>(d) << "</text>\n";
  }
  o << "<text x=\"" << kLeft + pw / 2 << "\" y=\"" << kH - 15
    << "\" text-anchor=\"middle\">AXI ports (128 bits each)</text>\n"
    << "<text x=\"20\" y=\"" << kTop + ph / 2
    << "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " << kTop + ph / 2
    << ")\">cycles (log)</text>\n";
  // Roofs: the bandwidth roof of each case over the swept port counts, the compute roof flat.
  std::set<std::string> cases;
  for (const CaseResult* r : sweep) cases.insert(r->bench_case.name);
  for (const std::string& name : cases) {
    std::map<unsigned, const CaseResult*> by_ports;
    for (const CaseResult* r : sweep) {
      if (r->bench_case.name == name) by_ports[r->ports] = r;
    }
    std::string roof;
    for (const auto& [p, r] : by_ports) {
      roof += Num(X(p)) + "," + Num(Y(BandwidthRoof(*r))) + " ";
    }
    o << "<polyline points=\"" << roof
      << "\" fill=\"none\" stroke=\"#555\" stroke-dasharray=\"6 4\" stroke-width=\"1.5\"/>\n";
    const double c = ComputeRoof(*by_ports.begin()->second);
    o << "<line x1=\"" << kLeft << "\" y1=\"" << Num(Y(c)) << "\" x2=\"" << kLeft + pw << "\" y2=\""
      << Num(Y(c)) << "\" stroke=\"#555\" stroke-width=\"1.5\"/>\n";
  }
  // Runs: one colour per latency, joined in port order.
  std::vector<unsigned> latencies;
  for (const CaseResult* r : sweep) {
    if (std::find(latencies.begin(), latencies.end(), r->latency) == latencies.end())
      latencies.push_back(r->latency);
  }
  for (size_t li = 0; li < latencies.size(); ++li) {
    const std::string color = kColors[li % 4];
    std::map<unsigned, const CaseResult*> pts;
    for (const CaseResult* r : sweep) {
      if (r->latency == latencies[li] && r->cycles > 0) pts[r->ports] = r;
    }
    std::string line;
    for (const auto& [p, r] : pts)
      line += Num(X(p)) + "," + Num(Y(static_cast<double>(r->cycles))) + " ";
    o << "<polyline points=\"" << line << "\" fill=\"none\" stroke=\"" << color
      << "\" stroke-width=\"2\"/>\n";
    for (const auto& [p, r] : pts) {
      o << "<circle cx=\"" << Num(X(p)) << "\" cy=\"" << Num(Y(static_cast<double>(r->cycles)))
        << "\" r=\"5\" fill=\"" << color << "\" stroke=\"#000\"><title>"
        << XmlEscape(r->preset + ", latency " + std::to_string(r->latency) + ": " +
                     Grouped(r->cycles) + " cycles")
        << "</title></circle>\n";
    }
  }
  // Legend.
  double ly = kTop + 10;
  const double lx = kLeft + pw + 20;
  for (size_t li = 0; li < latencies.size(); ++li, ly += 22) {
    o << "<circle cx=\"" << lx + 8 << "\" cy=\"" << Num(ly) << "\" r=\"5\" fill=\""
      << kColors[li % 4] << "\" stroke=\"#000\"/><text x=\"" << lx + 20 << "\" y=\"" << Num(ly + 4)
      << "\">latency " << latencies[li] << "</text>\n";
  }
  o << "<line x1=\"" << lx << "\" y1=\"" << Num(ly) << "\" x2=\"" << lx + 16 << "\" y2=\""
    << Num(ly) << "\" stroke=\"#555\" stroke-dasharray=\"6 4\"/><text x=\"" << lx + 20 << "\" y=\""
    << Num(ly + 4) << "\">bandwidth roof</text>\n";
  ly += 22;
  o << "<line x1=\"" << lx << "\" y1=\"" << Num(ly) << "\" x2=\"" << lx + 16 << "\" y2=\""
    << Num(ly) << "\" stroke=\"#555\"/><text x=\"" << lx + 20 << "\" y=\"" << Num(ly + 4)
    << "\">compute roof</text>\n";
  o << "</svg>\n";
  return o.str();
}

}  // namespace salsa::bench
