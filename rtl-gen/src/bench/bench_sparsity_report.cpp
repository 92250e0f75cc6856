// The sparsity suite's outputs: its CSV columns and JSON fields, the Markdown section of
// benchmarks.md and bench/sparsity.svg.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "bench/bench_sparsity.h"

namespace salsa::bench {

// ---- CSV and JSON -------------------------------------------------------------------------------

std::string SparsityCsvHeader() {
  return "suite,zero_fraction,sparsity_pattern,zero_skip,zero_skip_ran,act_zero_fraction,"
         "skipped_steps,skipped_wgt_bytes,dense_cycles,dense_dram_bytes,cycles_ratio,"
         "dram_bytes_ratio,speedup";
}

std::vector<std::string> SparsityCsvFields(const CaseResult& r,
                                           const std::vector<CaseResult>& results) {
  const SparsityRun& s = r.sparsity;
  const SparsityRatios q = RatiosFor(r, results);
  auto if_valid = [&](const std::string& v) { return q.valid ? v : std::string(); };
  return {
      s.in_suite ? "sparsity" : "main",
      s.in_suite ? Fixed(s.zero_fraction, 4) : "",
      s.in_suite ? (s.pattern.empty() ? "uniform" : s.pattern) : "",
      s.in_suite ? (s.zero_skip ? "on" : "off") : "",
      r.zero_skip_ran ? "on" : "off",
      r.act_zero_fraction >= 0 ? Fixed(r.act_zero_fraction, 4) : "",
      std::to_string(r.skipped_steps),
      std::to_string(r.skipped_wgt_bytes),
      if_valid(std::to_string(q.dense_cycles)),
      if_valid(std::to_string(q.dense_dram_bytes)),
      if_valid(Fixed(q.cycles_ratio, 4)),
      if_valid(Fixed(q.dram_ratio, 4)),
      if_valid(Fixed(q.speedup, 4)),
  };
}

void AddSparsityJson(const CaseResult& r, const std::vector<CaseResult>& results,
                     nlohmann::json* obj) {
  const SparsityRun& s = r.sparsity;
  nlohmann::json& o = *obj;
  o["suite"] = s.in_suite ? "sparsity" : "main";
  o["skipped_steps"] = r.skipped_steps;
  o["skipped_wgt_bytes"] = r.skipped_wgt_bytes;
  o["zero_skip_ran"] = r.zero_skip_ran;
  o["act_zero_fraction"] =
      r.act_zero_fraction >= 0 ? nlohmann::json(r.act_zero_fraction) : nlohmann::json(nullptr);
  if (!s.in_suite) {
    o["sparsity"] = nullptr;
    return;
  }
  const SparsityRatios q = RatiosFor(r, results);
  auto num = [&](double v) { return q.valid ? nlohmann::json(v) : nlohmann::json(nullptr); };
  o["sparsity"] = {
      {"zero_fraction", s.zero_fraction},
      {"pattern", s.pattern.empty() ? "uniform" : s.pattern},
      {"zero_skip", s.zero_skip},
      {"dense_reference", s.dense_reference},
      {"dense_cycles", q.valid ? nlohmann::json(q.dense_cycles) : nlohmann::json(nullptr)},
      {"dense_dram_bytes", q.valid ? nlohmann::json(q.dense_dram_bytes) : nlohmann::json(nullptr)},
      {"cycles_ratio", num(q.cycles_ratio)},
      {"dram_bytes_ratio", num(q.dram_ratio)},
      {"speedup", num(q.speedup)},
  };
}

// ---- Markdown -----------------------------------------------------------------------------------

std::string SparsityMarkdown(const BenchMeta& meta, const std::vector<CaseResult>& results,
                             const std::vector<TargetCheck>& targets, const std::string& svg_path) {
  std::ostringstream o;
  o << "## Sparsity results\n\n";
  std::string presets;
  for (const PresetInfo& p : meta.presets) {
    if (p.zero_skip) presets += (presets.empty() ? "" : ", ") + p.name;
  }
  size_t runs = 0, passed = 0;
  for (const CaseResult& r : results) {
    if (!r.sparsity.in_suite) continue;
    ++runs;
    passed += r.pass;
  }
  std::string presets24;
  for (const PresetInfo& p : meta.presets) {
    if (p.structured24) presets24 += (presets24.empty() ? "" : ", ") + p.name;
  }
  if (presets.empty() && presets24.empty()) {
    o << "No selected preset has `sparsity.zero_skip: true` or `sparsity.structured: \"2:4\"`, "
         "so the sparsity suites did not run; select one with `--presets`.\n\n";
  } else {
    o << "Presets with zero-skip: " << (presets.empty() ? "none" : presets)
      << "; with 2:4 weights: " << (presets24.empty() ? "none" : presets24) << "; " << runs
      << " sparsity runs, " << passed << " pass their bit-exact comparison. The 2:4 runs use "
      << "weights pruned to 2:4 by magnitude (`--weights-2of4`); their dense reference is the "
      << "dense tiler on the same weights (`--structured off`).\n\n";
  }

  o << "Targets (issue 5), measured by this run, not asserted by a test:\n\n";
  o << Row({"target", "preset", "case", "latency", "measured", "required", "met"});
  o << "|---|---|---|---:|---:|---:|---|\n";
  for (const TargetCheck& t : targets) {
    o << Row({MdCell(t.target), t.preset, t.case_name,
              t.latency ? std::to_string(t.latency) : "all",
              t.not_run.empty() ? t.metric + " " + Fixed(t.measured, 3) : MdCell(t.not_run),
              "≤ " + Fixed(t.threshold, 2), t.met ? "**yes**" : "**no**"});
  }
  if (runs == 0) return o.str();

  o << "\n![speedup against density](" << svg_path << ")\n\n";
  o << Row({"preset", "case", "latency", "zeros", "zero-skip", "cycles", "× dense", "DRAM bytes",
            "× dense", "skipped_steps", "skipped_wgt_bytes", "pJ / MAC", "gating saves", "result"});
  o << "|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  for (const CaseResult& r : results) {
    const SparsityRun& s = r.sparsity;
    if (!s.in_suite) continue;
    const SparsityRatios q = RatiosFor(r, results);
    std::string zeros = Percent0(s.zero_fraction);
    if (!IsPattern(s, "uniform")) zeros += " " + s.pattern;
    std::string skip = s.zero_skip ? "on" : "off";
    if (r.zero_skip_ran != s.zero_skip)
      skip += " (ran " + std::string(r.zero_skip_ran ? "on)" : "off)");
    if (s.w2of4) {
      zeros = "2:4 weights";
      skip = std::string("2:4 plan ") + (s.structured ? "on" : "off");
    }
    if (s.dense_reference) skip += " (dense reference)";
    o << Row({r.preset, r.bench_case.Describe(), std::to_string(r.latency), zeros, skip,
              Grouped(r.cycles), q.valid ? Fixed(q.cycles_ratio, 3) : "—",
              Grouped(r.dram_read_bytes + r.dram_write_bytes),
              q.valid ? Fixed(q.dram_ratio, 3) : "—", Grouped(r.skipped_steps),
              Grouped(r.skipped_wgt_bytes), Fixed(r.energy.pj_per_mac, 2),
              Fixed(100.0 * r.energy.gating_saving, 1) + "%", r.pass ? "pass" : "FAIL"});
  }
  return o.str();
}

// ---- SVG ----------------------------------------------------------------------------------------

namespace {

constexpr double kW = 960, kH = 600;
constexpr double kLeft = 80, kRight = 300, kTop = 50, kBottom = 70;
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

std::string N1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

struct Point {
  double density = 0, speedup = 0;
  std::string title;
};
struct Line {
  std::string preset;
  unsigned latency = 0;
  std::vector<Point> points;
};

// The GEMV runs with zero-skip on, grouped by (preset, latency) in order of first appearance.
std::vector<Line> GemvLines(const std::vector<CaseResult>& results) {
  std::vector<Line> lines;
  for (const CaseResult& r : results) {
    const SparsityRun& s = r.sparsity;
    if (!s.in_suite || s.dense_reference || !s.zero_skip || !IsPattern(s, "uniform") ||
        r.bench_case.conv || r.bench_case.M != 1) {
      continue;
    }
    const SparsityRatios q = RatiosFor(r, results);
    if (!q.valid) continue;
    auto it = std::find_if(lines.begin(), lines.end(), [&](const Line& l) {
      return l.preset == r.preset && l.latency == r.latency;
    });
    if (it == lines.end()) {
      lines.push_back({r.preset, r.latency, {}});
      it = lines.end() - 1;
    }
    Point p;
    p.density = 1.0 - s.zero_fraction;
    p.speedup = q.speedup;
    p.title = r.preset + " " + r.bench_case.name + ", latency " + std::to_string(r.latency) + ", " +
              Percent0(s.zero_fraction) + " zeros: speedup " + Fixed(q.speedup, 2) + " (cycles " +
              Fixed(q.cycles_ratio, 3) + "× dense, DRAM bytes " + Fixed(q.dram_ratio, 3) +
              "× dense)" + (r.pass ? "" : " (FAIL)");
    it->points.push_back(p);
  }
  for (Line& l : lines) {
    std::sort(l.points.begin(), l.points.end(),
              [](const Point& a, const Point& b) { return a.density < b.density; });
  }
  return lines;
}

}  // namespace

std::string SparsitySvg(const BenchMeta& meta, const std::vector<CaseResult>& results) {
  const std::vector<Line> lines = GemvLines(results);
  // The ideal curve runs from the smallest positive density plotted (at most 0.1) to 1.
  double dlo = 0.1, ymax = 1;
  for (const Line& l : lines) {
    for (const Point& p : l.points) {
      if (p.density > 0) dlo = std::min(dlo, p.density);
      ymax = std::max(ymax, p.speedup);
    }
  }
  dlo = std::max(dlo, 0.02);
  ymax = std::ceil(std::max(ymax, 1.0 / dlo) * 1.05);
  const double ystep = ymax <= 12 ? 1 : std::ceil(ymax / 10);
  ymax = std::ceil(ymax / ystep) * ystep;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto px = [&](double d) { return kLeft + d * pw; };
  auto py = [&](double s) { return kTop + ph - s / ymax * ph; };

  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << kH
    << "\" viewBox=\"0 0 " << kW << " " << kH
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<title>salsa zero-skip: GEMV speedup against activation density</title>\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << kW << "\" height=\"" << kH << "\" fill=\"#fff\"/>\n";
  o << "<text x=\"" << N1(kLeft + pw / 2) << "\" y=\"28\" text-anchor=\"middle\" "
    << "font-size=\"16\">salsa zero-skip: GEMV speedup against density (" << XmlEscape(meta.date)
    << ")</text>\n";

  // Grid, ticks and labels: x every 0.1, y every ystep.
  o << "<g stroke=\"#ddd\" stroke-width=\"0.6\">\n";
  for (int i = 0; i <= 10; ++i) {
    o << "<line x1=\"" << N1(px(i / 10.0)) << "\" y1=\"" << N1(kTop) << "\" x2=\""
      << N1(px(i / 10.0)) << "\" y2=\"" << N1(kTop + ph) << "\"/>\n";
  }
  for (double y = 0; y <= ymax + 1e-9; y += ystep) {
    o << "<line x1=\"" << N1(kLeft) << "\" y1=\"" << N1(py(y)) << "\" x2=\"" << N1(kLeft + pw)
      << "\" y2=\"" << N1(py(y)) << "\"/>\n";
  }
  o << "</g>\n<g>\n";
  for (int i = 0; i <= 10; ++i) {
    o << "<text x=\"" << N1(px(i / 10.0)) << "\" y=\"" << N1(kTop + ph + 18)
      << "\" text-anchor=\"middle\">" << Fixed(i / 10.0, 1) << "</text>\n";
  }
  for (double y = 0; y <= ymax + 1e-9; y += ystep) {
    o << "<text x=\"" << N1(kLeft - 8) << "\" y=\"" << N1(py(y) + 4) << "\" text-anchor=\"end\">"
      << Fixed(y, 0) << "</text>\n";
  }
  o << "</g>\n";
  o << "<rect x=\"" << N1(kLeft) << "\" y=\"" << N1(kTop) << "\" width=\"" << N1(pw)
    << "\" height=\"" << N1(ph) << "\" fill=\"none\" stroke=\"#000\"/>\n";
  o << "<text x=\"" << N1(kLeft + pw / 2) << "\" y=\"" << N1(kH - 22)
    << "\" text-anchor=\"middle\" font-size=\"14\">density (1 − zero fraction of the "
       "activations)</text>\n";
  o << "<text x=\"22\" y=\"" << N1(kTop + ph / 2) << "\" text-anchor=\"middle\" font-size=\"14\" "
    << "transform=\"rotate(-90 22 " << N1(kTop + ph / 2)
    << ")\">speedup (dense cycles / cycles)</text>\n";

  // The ideal 1 / density, dashed.
  o << "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" "
       "points=\"";
  constexpr int kSteps = 60;
  for (int i = 0; i <= kSteps; ++i) {
    const double d = dlo + (1.0 - dlo) * i / kSteps;
    o << (i ? " " : "") << N1(px(d)) << "," << N1(py(1.0 / d));
  }
  o << "\"><title>ideal: speedup = 1 / density</title></polyline>\n";

  // One line per preset and latency, a circle per run.
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const std::string color = kColors[i % 6];
    o << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
    for (size_t k = 0; k < l.points.size(); ++k) {
      o << (k ? " " : "") << N1(px(l.points[k].density)) << "," << N1(py(l.points[k].speedup));
    }
    o << "\"><title>" << XmlEscape(l.preset + ", latency " + std::to_string(l.latency))
      << "</title></polyline>\n";
    for (const Point& p : l.points) {
      o << "<circle cx=\"" << N1(px(p.density)) << "\" cy=\"" << N1(py(p.speedup))
        << "\" r=\"5\" fill=\"" << color
        << "\" fill-opacity=\"0.8\" stroke=\"#000\" stroke-width=\"0.8\"><title>"
        << XmlEscape(p.title) << "</title></circle>\n";
    }
  }
  if (lines.empty()) {
    o << "<text x=\"" << N1(kLeft + pw / 2) << "\" y=\"" << N1(kTop + ph / 2)
      << "\" text-anchor=\"middle\" font-size=\"14\">no zero-skip runs (no selected preset has "
         "sparsity.zero_skip)</text>\n";
  }

  // Legend.
  double ly = kTop + 10;
  const double lx = kLeft + pw + 20;
  o << "<g>\n<text x=\"" << N1(lx) << "\" y=\"" << N1(ly)
    << "\" font-weight=\"bold\">preset, DRAM latency</text>\n";
  for (size_t i = 0; i < lines.size(); ++i) {
    ly += 20;
    o << "<line x1=\"" << N1(lx) << "\" y1=\"" << N1(ly - 4) << "\" x2=\"" << N1(lx + 24)
      << "\" y2=\"" << N1(ly - 4) << "\" stroke=\"" << kColors[i % 6]
      << "\" stroke-width=\"2\"/>\n";
    o << "<text x=\"" << N1(lx + 32) << "\" y=\"" << N1(ly) << "\">"
      << XmlEscape(lines[i].preset + ", latency " + std::to_string(lines[i].latency))
      << "</text>\n";
  }
  ly += 20;
  o << "<line x1=\"" << N1(lx) << "\" y1=\"" << N1(ly - 4) << "\" x2=\"" << N1(lx + 24)
    << "\" y2=\"" << N1(ly - 4) << "\" stroke=\"#000\" stroke-width=\"1.5\" "
    << "stroke-dasharray=\"6 4\"/>\n";
  o << "<text x=\"" << N1(lx + 32) << "\" y=\"" << N1(ly) << "\">ideal: 1 / density</text>\n";
  ly += 30;
  o << "<text x=\"" << N1(lx) << "\" y=\"" << N1(ly)
    << "\">dense: zero fraction 0, zero-skip off</text>\n";
  o << "</g>\n</svg>\n";
  return o.str();
}

}  // namespace salsa::bench
