// bench/roofline.svg: the log-log roofline plot of the main suite.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "bench/bench_report.h"

namespace salsa::bench {

namespace {

constexpr double kW = 960, kH = 600;
constexpr double kLeft = 80, kRight = 300, kTop = 50, kBottom = 70;
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string TickLabel(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A marker centred at (x, y): circle, square, triangle, diamond by `shape`.
std::string Marker(unsigned shape, double x, double y, const std::string& color,
                   const std::string& title) {
  const double s = 6;
  std::string body;
  switch (shape % 4) {
    case 0:
      body = "<circle cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" r=\"" + Num(s) + "\"";
      break;
    case 1:
      body = "<rect x=\"" + Num(x - s) + "\" y=\"" + Num(y - s) + "\" width=\"" + Num(2 * s) +
             "\" height=\"" + Num(2 * s) + "\"";
      break;
    case 2:
      body = "<polygon points=\"" + Num(x) + "," + Num(y - s - 1) + " " + Num(x - s - 1) + "," +
             Num(y + s) + " " + Num(x + s + 1) + "," + Num(y + s) + "\"";
      break;
    default:
      body = "<polygon points=\"" + Num(x) + "," + Num(y - s - 1) + " " + Num(x + s + 1) + "," +
             Num(y) + " " + Num(x) + "," + Num(y + s + 1) + " " + Num(x - s - 1) + "," + Num(y) +
             "\"";
  }
  body += " fill=\"" + color + "\" fill-opacity=\"0.75\" stroke=\"#000\" stroke-width=\"0.8\">";
  const std::string tag = body.substr(1, body.find(' ') - 1);
  return body + "<title>" + XmlEscape(title) + "</title></" + tag + ">\n";
}

}  // namespace

std::string RooflineSvg(const BenchMeta& meta, const std::vector<CaseResult>& results) {
  // Data ranges (log10), widened to whole decades.
  double xmin = 1e300, xmax = 0, ymin = 1e300, ymax = 0;
  auto take_x = [&](double v) {
    if (v > 0) xmin = std::min(xmin, v), xmax = std::max(xmax, v);
  };
  auto take_y = [&](double v) {
    if (v > 0) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
  };
  for (const PresetInfo& p : meta.presets) {
    take_x(static_cast<double>(p.rows) * p.cols / p.bus_bytes);
    take_y(static_cast<double>(p.rows) * p.cols);
  }
  for (const CaseResult& r : results) {
    if (!InMainSuite(r) || r.cycles == 0 || r.compulsory_bytes == 0) continue;
    take_x(static_cast<double>(r.macs) / r.compulsory_bytes);
    take_y(static_cast<double>(r.macs) / r.cycles);
  }
  if (xmax == 0) xmin = 1, xmax = 10;
  if (ymax == 0) ymin = 1, ymax = 10;
  const double lx0 = std::floor(std::log10(xmin)),
               lx1 = std::max(lx0 + 1, std::ceil(std::log10(xmax)));
  const double ly0 = std::floor(std::log10(ymin)),
               ly1 = std::max(ly0 + 1, std::ceil(std::log10(ymax)));
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto px = [&](double v) { return kLeft + (std::log10(v) - lx0) / (lx1 - lx0) * pw; };
  auto py = [&](double v) { return kTop + ph - (std::log10(v) - ly0) / (ly1 - ly0) * ph; };

  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kW << "\" height=\"" << kH
    << "\" viewBox=\"0 0 " << kW << " " << kH
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  o << "<title>salsa roofline</title>\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << kW << "\" height=\"" << kH << "\" fill=\"#fff\"/>\n";
  o << "<text x=\"" << Num(kLeft + pw / 2) << "\" y=\"28\" text-anchor=\"middle\" "
    << "font-size=\"16\">salsa roofline (" << XmlEscape(meta.date) << ")</text>\n";

  // Grid and ticks: a labelled line per decade, light lines at 2..9.
  o << "<g stroke=\"#ddd\" stroke-width=\"0.6\">\n";
  for (double d = lx0; d < lx1; ++d) {
    for (int m = 2; m <= 9; ++m) {
      const double x = px(m * std::pow(10.0, d));
      o << "<line x1=\"" << Num(x) << "\" y1=\"" << Num(kTop) << "\" x2=\"" << Num(x) << "\" y2=\""
        << Num(kTop + ph) << "\"/>\n";
    }
  }
  for (double d = ly0; d < ly1; ++d) {
    for (int m = 2; m <= 9; ++m) {
      const double y = py(m * std::pow(10.0, d));
      o << "<line x1=\"" << Num(kLeft) << "\" y1=\"" << Num(y) << "\" x2=\"" << Num(kLeft + pw)
        << "\" y2=\"" << Num(y) << "\"/>\n";
    }
  }
  o << "</g>\n<g stroke=\"#999\" stroke-width=\"1\">\n";
  for (double d = lx0; d <= lx1; ++d) {
    const double x = px(std::pow(10.0, d));
    o << "<line x1=\"" << Num(x) << "\" y1=\"" << Num(kTop) << "\" x2=\"" << Num(x) << "\" y2=\""
      << Num(kTop + ph) << "\"/>\n";
  }
  for (double d = ly0; d <= ly1; ++d) {
    const double y = py(std::pow(10.0, d));
    o << "<line x1=\"" << Num(kLeft) << "\" y1=\"" << Num(y) << "\" x2=\"" << Num(kLeft + pw)
      << "\" y2=\"" << Num(y) << "\"/>\n";
  }
  o << "</g>\n<g>\n";
  for (double d = lx0; d <= lx1; ++d) {
    o << "<text x=\"" << Num(px(std::pow(10.0, d))) << "\" y=\"" << Num(kTop + ph + 18)
      << "\" text-anchor=\"middle\">" << TickLabel(std::pow(10.0, d)) << "</text>\n";
  }
  for (double d = ly0; d <= ly1; ++d) {
    o << "<text x=\"" << Num(kLeft - 8) << "\" y=\"" << Num(py(std::pow(10.0, d)) + 4)
      << "\" text-anchor=\"end\">" << TickLabel(std::pow(10.0, d)) << "</text>\n";
  }
  o << "</g>\n";
  o << "<rect x=\"" << Num(kLeft) << "\" y=\"" << Num(kTop) << "\" width=\"" << Num(pw)
    << "\" height=\"" << Num(ph) << "\" fill=\"none\" stroke=\"#000\"/>\n";
  o << "<text x=\"" << Num(kLeft + pw / 2) << "\" y=\"" << Num(kH - 22)
    << "\" text-anchor=\"middle\" font-size=\"14\">arithmetic intensity (MACs per compulsory "
       "DRAM byte)</text>\n";
  o << "<text x=\"22\" y=\"" << Num(kTop + ph / 2) << "\" text-anchor=\"middle\" font-size=\"14\" "
    << "transform=\"rotate(-90 22 " << Num(kTop + ph / 2) << ")\">MACs per cycle</text>\n";

  // Roofs: from where the bandwidth slope enters the plot, through the ridge, to the right edge.
  const double x_lo = std::pow(10.0, lx0), x_hi = std::pow(10.0, lx1);
  const double y_lo = std::pow(10.0, ly0);
  for (size_t i = 0; i < meta.presets.size(); ++i) {
    const PresetInfo& p = meta.presets[i];
    const double peak = static_cast<double>(p.rows) * p.cols;
    const double ridge = peak / p.bus_bytes;
    const double x0 = std::max(x_lo, y_lo / p.bus_bytes);
    const std::string color = kColors[i % 6];
    o << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\""
      << Num(px(x0)) << "," << Num(py(RoofMacsPerCycle(x0, p.rows, p.cols, p.bus_bytes))) << " "
      << Num(px(ridge)) << "," << Num(py(peak)) << " " << Num(px(x_hi)) << "," << Num(py(peak))
      << "\"><title>" << XmlEscape(p.name) << " roof: min(" << p.rows * p.cols << ", "
      << p.bus_bytes << " x)</title></polyline>\n";
  }

  // Markers.
  for (const CaseResult& r : results) {
    if (!InMainSuite(r) || r.cycles == 0 || r.compulsory_bytes == 0) continue;
    size_t pi = 0, li = 0;
    for (size_t i = 0; i < meta.presets.size(); ++i) {
      if (meta.presets[i].name == r.preset) pi = i;
    }
    for (size_t i = 0; i < meta.latencies.size(); ++i) {
      if (meta.latencies[i] == r.latency) li = i;
    }
    const double x = static_cast<double>(r.macs) / r.compulsory_bytes;
    const double y = static_cast<double>(r.macs) / r.cycles;
    o << Marker(static_cast<unsigned>(li), px(x), py(y), kColors[pi % 6],
                r.preset + " " + r.bench_case.name + ", latency " + std::to_string(r.latency) +
                    ": " + Fixed(y, 2) + " MACs/cycle, efficiency " + Fixed(r.efficiency, 3) +
                    (r.pass ? "" : " (FAIL)"));
  }

  // Legend.
  double ly = kTop + 10;
  const double lx = kLeft + pw + 20;
  o << "<g>\n<text x=\"" << Num(lx) << "\" y=\"" << Num(ly) << "\" font-weight=\"bold\">"
    << "preset (roof)</text>\n";
  for (size_t i = 0; i < meta.presets.size(); ++i) {
    const PresetInfo& p = meta.presets[i];
    ly += 20;
    o << "<line x1=\"" << Num(lx) << "\" y1=\"" << Num(ly - 4) << "\" x2=\"" << Num(lx + 24)
      << "\" y2=\"" << Num(ly - 4) << "\" stroke=\"" << kColors[i % 6]
      << "\" stroke-width=\"2\"/>\n";
    o << "<text x=\"" << Num(lx + 32) << "\" y=\"" << Num(ly) << "\">"
      << XmlEscape(p.name + " (" + std::to_string(p.rows) + "×" + std::to_string(p.cols) + ", " +
                   std::to_string(p.bus_bytes) + " B/cycle)")
      << "</text>\n";
  }
  ly += 34;
  o << "<text x=\"" << Num(lx) << "\" y=\"" << Num(ly) << "\" font-weight=\"bold\">"
    << "case marker: DRAM latency</text>\n";
  for (size_t i = 0; i < meta.latencies.size(); ++i) {
    ly += 22;
    o << Marker(static_cast<unsigned>(i), lx + 12, ly - 4, "#888",
                "latency " + std::to_string(meta.latencies[i]));
    o << "<text x=\"" << Num(lx + 32) << "\" y=\"" << Num(ly) << "\">" << meta.latencies[i]
      << " cycles</text>\n";
  }
  o << "</g>\n</svg>\n";
  return o.str();
}

}  // namespace salsa::bench
