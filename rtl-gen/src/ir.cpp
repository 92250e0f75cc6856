#include "salsa/ir.h"

#include <cctype>
#include <stdexcept>

namespace salsa::ir {

Stmt Set(std::string lhs, std::string rhs) {
  Stmt s;
  s.kind = Stmt::Kind::kAssign;
  s.lhs = std::move(lhs);
  s.rhs = std::move(rhs);
  return s;
}

Stmt If(std::string cond, Block then_body, Block else_body) {
  Stmt s;
  s.kind = Stmt::Kind::kIf;
  s.rhs = std::move(cond);
  s.then_body = std::move(then_body);
  s.else_body = std::move(else_body);
  return s;
}

Stmt Case(std::string sel, std::vector<CaseItem> items, Block default_body) {
  Stmt s;
  s.kind = Stmt::Kind::kCase;
  s.rhs = std::move(sel);
  s.items = std::move(items);
  s.else_body = std::move(default_body);
  return s;
}

Stmt For(std::string var, std::string bound, Block body) {
  Stmt s;
  s.kind = Stmt::Kind::kFor;
  s.lhs = std::move(var);
  s.rhs = std::move(bound);
  s.then_body = std::move(body);
  return s;
}

Stmt Comment(std::string text) {
  Stmt s;
  s.kind = Stmt::Kind::kComment;
  s.rhs = std::move(text);
  return s;
}

bool IsKeyword(const std::string& name) {
  static const std::set<std::string> kKeywords = {
      "always",       "and",         "assign",    "automatic",   "begin",       "bit",
      "buf",          "byte",        "case",      "casex",       "casez",       "cell",
      "class",        "cmos",        "config",    "const",       "deassign",    "default",
      "defparam",     "design",      "disable",   "do",          "edge",        "else",
      "end",          "endcase",     "endconfig", "endfunction", "endgenerate", "endmodule",
      "endprimitive", "endspecify",  "endtable",  "endtask",     "enum",        "event",
      "for",          "force",       "forever",   "fork",        "function",    "generate",
      "genvar",       "highz0",      "highz1",    "if",          "ifnone",      "initial",
      "inout",        "input",       "instance",  "int",         "integer",     "interface",
      "join",         "large",       "liblist",   "library",     "localparam",  "logic",
      "longint",      "macromodule", "medium",    "module",      "nand",        "negedge",
      "nmos",         "nor",         "not",       "notif0",      "notif1",      "or",
      "output",       "package",     "parameter", "pmos",        "posedge",     "primitive",
      "pull0",        "pull1",       "pulldown",  "pullup",      "rcmos",       "real",
      "realtime",     "reg",         "release",   "repeat",      "rnmos",       "rpmos",
      "rtran",        "rtranif0",    "rtranif1",  "scalared",    "shortint",    "signed",
      "small",        "specify",     "specparam", "strong0",     "strong1",     "struct",
      "supply0",      "supply1",     "table",     "task",        "time",        "tran",
      "tranif0",      "tranif1",     "tri",       "tri0",        "tri1",        "triand",
      "trior",        "trireg",      "typedef",   "union",       "unsigned",    "use",
      "uwire",        "vectored",    "void",      "wait",        "wand",        "weak0",
      "weak1",        "while",       "wire",      "wor",         "xnor",        "xor"};
  return kKeywords.count(name) != 0;
}

std::string LegalizeName(const std::string& name, std::set<std::string>* used) {
  std::string base = name.empty() ? std::string("n") : name;
  for (char& c : base) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') c = '_';
  }
  if (std::isdigit(static_cast<unsigned char>(base[0])) || base[0] == '$') base = "n_" + base;
  std::string candidate = base;
  for (unsigned n = 1; IsKeyword(candidate) || used->count(candidate) != 0; ++n) {
    candidate = base + "_" + std::to_string(n);
  }
  used->insert(candidate);
  return candidate;
}

std::string Bits(unsigned width, unsigned long long value) {
  return std::to_string(width) + "'d" + std::to_string(value);
}

std::string Slice(const std::string& base, const std::string& hi, const std::string& lo) {
  return base + "[" + hi + ":" + lo + "]";
}

std::string IdxPart(const std::string& base, const std::string& lsb, const std::string& width) {
  return base + "[" + lsb + " +: " + width + "]";
}

std::string BitOf(const std::string& base, const std::string& idx, unsigned width) {
  return width == 1 ? base : base + "[" + idx + "]";
}

// ---- Scope
// ---------------------------------------------------------------------------------------
std::string Scope::Declare(const std::string& name) {
  std::string legal = LegalizeName(name, names_);
  if (renamed_ != nullptr && legal != name) renamed_->emplace(name, legal);
  return legal;
}

static Item NetItem(Net net) {
  Item it;
  it.kind = Item::Kind::kNet;
  it.net = std::move(net);
  return it;
}

std::string Scope::Wire(const std::string& name, const std::string& width, bool is_signed) {
  Net n{Declare(name), width, false, is_signed, ""};
  items_->push_back(NetItem(n));
  return n.name;
}

std::string Scope::UntracedWire(const std::string& name, const std::string& width) {
  Net n{Declare(name), width, false, false, ""};
  n.untraced = true;
  items_->push_back(NetItem(n));
  return n.name;
}

std::string Scope::Reg(const std::string& name, const std::string& width, bool is_signed) {
  Net n{Declare(name), width, true, is_signed, ""};
  items_->push_back(NetItem(n));
  return n.name;
}

std::string Scope::Memory(const std::string& name, const std::string& width,
                          const std::string& depth) {
  Net n{Declare(name), width, true, false, depth};
  items_->push_back(NetItem(n));
  return n.name;
}

std::string Scope::Integer(const std::string& name) {
  Item it;
  it.kind = Item::Kind::kIntVar;
  it.text = Declare(name);
  items_->push_back(it);
  return it.text;
}

void Scope::Assign(const std::string& lhs, const std::string& rhs) {
  Item it;
  it.kind = Item::Kind::kAssign;
  it.assign = {lhs, rhs};
  items_->push_back(std::move(it));
}

void Scope::Comb(Block body) {
  Item it;
  it.kind = Item::Kind::kProcess;
  it.process.kind = Process::Kind::kComb;
  it.process.body = std::move(body);
  items_->push_back(std::move(it));
}

void Scope::Seq(const std::string& clk, const std::string& rst_n, Block reset_body, Block body) {
  Item it;
  it.kind = Item::Kind::kProcess;
  it.process.kind = Process::Kind::kSeq;
  it.process.clk = clk;
  it.process.rst_n = rst_n;
  it.process.reset_body = std::move(reset_body);
  it.process.body = std::move(body);
  items_->push_back(std::move(it));
}

std::string Scope::Inst(const std::string& module, const std::string& name,
                        std::vector<std::pair<std::string, std::string>> params,
                        std::vector<std::pair<std::string, std::string>> conns) {
  Item it;
  it.kind = Item::Kind::kInstance;
  it.instance.module = module;
  it.instance.name = Declare(name);
  it.instance.params = std::move(params);
  it.instance.conns = std::move(conns);
  items_->push_back(std::move(it));
  return items_->back().instance.name;
}

Scope Scope::GenLoop(const std::string& genvar, const std::string& bound,
                     const std::string& label) {
  Item it;
  it.kind = Item::Kind::kGenFor;
  GenFor g;
  g.genvar = Declare(genvar);
  if (g.genvar != genvar) {
    // The loop body's expressions would name the earlier declaration, not this genvar: CheckNames
    // cannot tell, since the requested name is declared too.
    throw std::logic_error(
        ModuleName() + ": generate loop genvar '" + genvar +
        "' is already declared in this module (or reserved); give each loop its own genvar");
  }
  g.bound = bound;
  g.label = Declare(label);
  it.gen.push_back(std::move(g));
  items_->push_back(std::move(it));
  // Names inside a generate scope share the module's name set: simpler, and never ambiguous.
  return Scope(&items_->back().gen.front().items, names_, renamed_, module_);
}

void Scope::Note(const std::string& text) {
  Item it;
  it.kind = Item::Kind::kComment;
  it.text = text;
  items_->push_back(std::move(it));
}

// ---- Module
// --------------------------------------------------------------------------------------
Module::Module(std::string module_name, std::string module_doc)
    : name(std::move(module_name)), doc(std::move(module_doc)) {}

std::string Module::Declare(const std::string& requested) {
  std::string legal = LegalizeName(requested, &names);
  if (legal != requested) renamed.emplace(requested, legal);
  return legal;
}

std::string Module::Parameter(const std::string& pname, const std::string& value) {
  params.push_back({Declare(pname), value, false, ""});
  return params.back().name;
}

std::string Module::LocalParam(const std::string& pname, const std::string& value,
                               const std::string& width) {
  params.push_back({Declare(pname), value, true, width});
  return params.back().name;
}

std::string Module::In(const std::string& pname, const std::string& width, bool is_signed) {
  ports.push_back({Declare(pname), Dir::kIn, width, is_signed, false});
  return ports.back().name;
}

std::string Module::Out(const std::string& pname, const std::string& width, bool is_reg,
                        bool is_signed) {
  ports.push_back({Declare(pname), Dir::kOut, width, is_signed, is_reg});
  return ports.back().name;
}

}  // namespace salsa::ir
