// salsa synth: Yosys `stat -json` into per-module and hierarchical resources.
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "synth/synth.h"

namespace salsa::synth {
namespace {

std::string Unescape(const std::string& n) { return !n.empty() && n[0] == '\\' ? n.substr(1) : n; }

}  // namespace

void Resources::Add(Target t, const std::string& type, long n) {
  cells[type] += n;
  switch (Classify(t, type)) {
    case CellClass::kLut:
      luts += n;
      break;
    case CellClass::kFf:
      ffs += n;
      break;
    case CellClass::kDsp:
      dsps += n;
      break;
    case CellClass::kBram:
      brams += n;
      break;
    case CellClass::kCarry:
      carry += n;
      break;
    case CellClass::kLutram:
      lutram += n;
      break;
    case CellClass::kMux:
      muxes += n;
      break;
    case CellClass::kIo:
      io += n;
      break;
    case CellClass::kOther:
      other += n;
      break;
  }
}

void Resources::AddScaled(const Resources& r, long n) {
  luts += r.luts * n;
  ffs += r.ffs * n;
  dsps += r.dsps * n;
  brams += r.brams * n;
  carry += r.carry * n;
  lutram += r.lutram * n;
  muxes += r.muxes * n;
  io += r.io * n;
  other += r.other * n;
  for (const auto& [type, count] : r.cells) cells[type] += count * n;
}

std::string BlockOf(const std::string& yosys_module) {
  std::string n = yosys_module;
  if (n.rfind("$paramod", 0) == 0) {
    const size_t a = n.find('\\');
    if (a == std::string::npos) return n;
    const size_t b = n.find('\\', a + 1);
    return n.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  }
  return Unescape(n);
}

std::map<std::string, long> ParamsOf(const std::string& yosys_module) {
  std::map<std::string, long> params;
  if (yosys_module.rfind("$paramod\\", 0) != 0) return params;
  std::stringstream ss(yosys_module.substr(9));
  std::string part;
  std::getline(ss, part, '\\');  // the block
  while (std::getline(ss, part, '\\')) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) continue;
    std::string v = part.substr(eq + 1);
    const size_t q = v.find('\'');
    try {
      params[part.substr(0, eq)] =
          q == std::string::npos ? std::stol(v) : std::stol(v.substr(q + 1), nullptr, 2);
    } catch (const std::exception&) {
      // not a number (a string parameter): left out
    }
  }
  return params;
}

const Module* Design::Find(const std::string& name) const {
  for (const auto& m : modules)
    if (m.name == name) return &m;
  return nullptr;
}

const Module& Design::Top() const {
  const Module* m = Find(top);
  if (m == nullptr) throw std::runtime_error("top module '" + top + "' not in the design");
  return *m;
}

Design ParseStat(Target t, const std::string& stat_json, const std::string& top) {
  // Yosys 0.23 prints, after "modules", the text-mode hierarchy lines (unquoted: not JSON) and
  // then the hierarchical "design" totals; salsa computes those totals itself, so everything after
  // the "modules" object (closed by "\n   }" at its indent) is cut off.
  std::string text = stat_json;
  const size_t design = text.find("\"design\":");
  if (design != std::string::npos) {
    const size_t close = text.rfind("\n   }", design);
    if (close != std::string::npos) text = text.substr(0, close + 5) + "\n}";
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("Yosys stat -json output is not JSON: ") + e.what());
  }
  if (!j.contains("modules") || !j["modules"].is_object())
    throw std::runtime_error("Yosys stat -json output has no \"modules\" object");
  Design d;
  d.target = t;
  d.top = top;
  std::set<std::string> names;
  for (const auto& [key, _] : j["modules"].items()) names.insert(Unescape(key));
  for (const auto& [key, m] : j["modules"].items()) {
    Module mod;
    mod.name = Unescape(key);
    mod.block = BlockOf(key);
    mod.params = ParamsOf(key);
    if (m.contains("num_cells_by_type"))
      for (const auto& [type, count] : m["num_cells_by_type"].items()) {
        const std::string ty = Unescape(type);
        if (names.count(ty))
          mod.children[ty] += count.get<long>();
        else
          mod.self.Add(t, ty, count.get<long>());
      }
    d.modules.push_back(std::move(mod));
  }
  if (d.Find(top) == nullptr)
    throw std::runtime_error("Yosys stat -json output has no module '" + top + "'");
  // Hierarchical totals (memoised, children first) and instance counts from the top down.
  std::map<std::string, Resources> totals;
  std::function<const Resources&(const std::string&)> total =
      [&](const std::string& name) -> const Resources& {
    auto it = totals.find(name);
    if (it != totals.end()) return it->second;
    const Module* m = d.Find(name);
    Resources r = m->self;
    for (const auto& [child, n] : m->children) r.AddScaled(total(child), n);
    return totals[name] = r;
  };
  std::map<std::string, long> instances;
  std::function<void(const std::string&, long)> visit = [&](const std::string& name, long n) {
    instances[name] += n;
    for (const auto& [child, k] : d.Find(name)->children) visit(child, n * k);
  };
  visit(top, 1);
  for (auto& m : d.modules) {
    m.total = total(m.name);
    m.instances = instances.count(m.name) ? instances[m.name] : 0;
  }
  return d;
}

void ApplyParams(Design* d, const nlohmann::json& params_json) {
  if (!params_json.contains("modules")) return;
  for (auto& m : d->modules) {
    const auto it = params_json["modules"].find(m.name);
    if (it == params_json["modules"].end() || !it->contains("parameter_default_values")) continue;
    for (const auto& [k, v] : (*it)["parameter_default_values"].items()) {
      if (!v.is_string()) continue;
      const std::string bits = v.get<std::string>();
      if (bits.empty() || bits.size() > 62 || bits.find_first_not_of("01") != std::string::npos)
        continue;  // a string parameter, or x/z bits
      m.params[k] = std::stol(bits, nullptr, 2);
    }
  }
}

namespace {

nlohmann::json ResJson(const Resources& r, bool with_cells) {
  nlohmann::json j = {{"luts", r.luts},   {"ffs", r.ffs},     {"dsps", r.dsps},
                      {"brams", r.brams}, {"carry", r.carry}, {"lutram", r.lutram},
                      {"muxes", r.muxes}};
  if (with_cells) j["cells"] = r.cells;
  return j;
}

}  // namespace

nlohmann::json ToJson(const Design& d, const std::optional<Depth>& depth, const nlohmann::json& pnr,
                      const std::string& config_name) {
  const Module& top = d.Top();
  nlohmann::json j = ResJson(top.total, true);
  j["config"] = config_name;
  j["target"] = TargetName(d.target);
  j["tool"] = "Yosys 0.23 " + TargetPass(d.target);
  j["top"] = d.top;
  j["logic_levels"] = depth ? nlohmann::json(depth->levels) : nlohmann::json(nullptr);
  j["lut_levels"] = depth ? nlohmann::json(depth->lut_levels) : nlohmann::json(nullptr);
  if (depth) j["worst_path"] = {{"start", depth->start}, {"end", depth->end}};
  // blocks: per generated module, summed over all its instances (and parametrisations),
  // including what it instantiates.
  std::map<std::string, std::pair<long, Resources>> blocks;
  for (const auto& m : d.modules) {
    if (m.instances == 0) continue;
    auto& b = blocks[m.block];
    b.first += m.instances;
    b.second.AddScaled(m.total, m.instances);
  }
  j["blocks"] = nlohmann::json::object();
  for (const auto& [name, b] : blocks) {
    nlohmann::json e = ResJson(b.second, false);
    e["instances"] = b.first;
    j["blocks"][name] = e;
  }
  j["modules"] = nlohmann::json::array();
  for (const auto& m : d.modules) {
    if (m.instances == 0) continue;
    j["modules"].push_back({{"name", m.name},
                            {"block", m.block},
                            {"instances", m.instances},
                            {"params", m.params},
                            {"self", ResJson(m.self, true)},
                            {"total", ResJson(m.total, false)}});
  }
  if (!pnr.is_null() && !pnr.empty()) j["ice40"] = pnr;
  j["caveat"] = TargetCaveat(d.target);
  return j;
}

std::string ToMarkdown(const nlohmann::json& r) {
  auto num = [](const nlohmann::json& v) { return v.is_null() ? std::string("-") : v.dump(); };
  std::string s = "# salsa synth: " + r["config"].get<std::string>() + " on " +
                  r["target"].get<std::string>() + " (" + r["tool"].get<std::string>() + ")\n\n";
  s += "| | LUTs | FFs | DSPs | BRAMs | carry | LUT RAM | logic levels | LUT levels |\n";
  s += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  s += "| **" + r["top"].get<std::string>() + "** | " + num(r["luts"]) + " | " + num(r["ffs"]) +
       " | " + num(r["dsps"]) + " | " + num(r["brams"]) + " | " + num(r["carry"]) + " | " +
       num(r["lutram"]) + " | " + num(r["logic_levels"]) + " | " + num(r["lut_levels"]) + " |\n\n";
  if (r.contains("worst_path"))
    s += "Worst path: `" + r["worst_path"]["start"].get<std::string>() + "` to `" +
         r["worst_path"]["end"].get<std::string>() + "`.\n\n";
  s += "Per block (all instances, including the blocks they instantiate):\n\n";
  s += "| block | instances | LUTs | FFs | DSPs | BRAMs | carry | LUT RAM |\n";
  s += "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& [name, b] : r["blocks"].items())
    s += "| " + name + " | " + num(b["instances"]) + " | " + num(b["luts"]) + " | " +
         num(b["ffs"]) + " | " + num(b["dsps"]) + " | " + num(b["brams"]) + " | " +
         num(b["carry"]) + " | " + num(b["lutram"]) + " |\n";
  if (r.contains("ice40")) {
    s += "\niCE40 parts (nextpnr-ice40):\n\n| part | fits | Fmax (MHz) | note |\n"
         "|---|---|---:|---|\n";
    for (const auto& p : r["ice40"])
      s += "| " + p["part"].get<std::string>() + " | " + (p["fits"].get<bool>() ? "yes" : "no") +
           " | " + num(p.value("fmax_mhz", nlohmann::json())) + " | " +
           p.value("reason", std::string()) + " |\n";
  }
  s += "\n" + r["caveat"].get<std::string>() + "\n";
  return s;
}

}  // namespace salsa::synth
