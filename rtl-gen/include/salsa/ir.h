// A small hardware IR: modules with parameters, ports, nets, continuous assignments, processes
// (structured statements), instances and generate loops. Expressions are Verilog expression text;
// everything around them (declarations, statements, blocks, indentation) is built here and printed
// by the one printer in verilog_printer.cpp. Names are legalised when declared, never when printed.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace salsa::ir {

// ---- statements -------------------------------------------------------------------------------
struct Stmt;
using Block = std::vector<Stmt>;

struct CaseItem {
  std::vector<std::string> labels;
  Block body;
};

struct Stmt {
  enum class Kind { kAssign, kIf, kCase, kFor, kComment };
  Kind kind = Kind::kComment;
  std::string lhs;  // assign: target; for: loop variable
  std::string rhs;  // assign: value; if: condition; case: selector; for: bound; comment: text
  Block then_body;  // if: then; for: body
  Block else_body;  // if: else; case: default
  std::vector<CaseItem> items;
};

// Blocking assignment in combinational processes, non-blocking in sequential ones: the printer
// picks the operator from the process kind, so the two can never be mixed up.
Stmt Set(std::string lhs, std::string rhs);
Stmt If(std::string cond, Block then_body, Block else_body = {});
Stmt Case(std::string sel, std::vector<CaseItem> items, Block default_body);
Stmt For(std::string var, std::string bound, Block body);  // for (var = 0; var < bound; var++)
Stmt Comment(std::string text);

// ---- module items -------------------------------------------------------------------------------
enum class Dir { kIn, kOut };

struct Port {
  std::string name;
  Dir dir = Dir::kIn;
  std::string width;  // expression; "1" is a scalar
  bool is_signed = false;
  bool is_reg = false;  // output driven by a process
};

struct Param {
  std::string name;
  std::string value;
  bool local = false;
  std::string width;  // localparam only: non-empty gives it a range [width-1:0]
};

struct Net {
  std::string name;
  std::string width;  // "1" is a scalar
  bool is_reg = false;
  bool is_signed = false;
  std::string depth;  // non-empty: an unpacked array [0:depth-1] (memories)
  // Left out of Verilator waveforms (printed between tracing_off/tracing_on metacomments). For
  // wide buses that only join instance ports: a traced bus is rebuilt in full every cycle.
  bool untraced = false;
};

struct Process {
  enum class Kind { kComb, kSeq };
  Kind kind = Kind::kComb;
  std::string clk;    // kSeq
  std::string rst_n;  // kSeq; empty: no reset (memories)
  Block reset_body;
  Block body;
};

struct Instance {
  std::string module;
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> conns;
};

struct Item;
struct GenFor {
  std::string genvar;
  std::string bound;
  std::string label;
  std::vector<Item> items;
};

struct Item {
  enum class Kind { kNet, kAssign, kProcess, kInstance, kGenFor, kComment, kIntVar };
  Kind kind = Kind::kComment;
  Net net;
  std::pair<std::string, std::string> assign;
  Process process;
  Instance instance;
  std::vector<GenFor> gen;  // exactly one element for kGenFor
  std::string text;         // comment, or integer variable name
};

// Requested name -> legal name, for every declaration whose name legalisation changed.
using Renames = std::map<std::string, std::string>;

// A scope that items can be added to: a module body or a generate loop body.
class Scope {
 public:
  // `renamed` (optional) records names that legalisation changed; `module` (optional) names the
  // module in error messages.
  explicit Scope(std::vector<Item>* items, std::set<std::string>* names, Renames* renamed = nullptr,
                 const std::string* module = nullptr)
      : items_(items), names_(names), renamed_(renamed), module_(module) {}

  // Each declaration returns the legal name actually used (keywords and clashes get a _N suffix).
  std::string Wire(const std::string& name, const std::string& width = "1", bool is_signed = false);
  std::string Reg(const std::string& name, const std::string& width = "1", bool is_signed = false);
  // A wire that Verilator leaves out of waveforms (Net::untraced).
  std::string UntracedWire(const std::string& name, const std::string& width);
  std::string Memory(const std::string& name, const std::string& width, const std::string& depth);
  std::string Integer(const std::string& name);
  void Assign(const std::string& lhs, const std::string& rhs);
  void Comb(Block body);
  void Seq(const std::string& clk, const std::string& rst_n, Block reset_body, Block body);
  std::string Inst(const std::string& module, const std::string& name,
                   std::vector<std::pair<std::string, std::string>> params,
                   std::vector<std::pair<std::string, std::string>> conns);
  Scope GenLoop(const std::string& genvar, const std::string& bound, const std::string& label);
  void Note(const std::string& text);
  // The name of the module this scope belongs to ("" when built without one).
  std::string ModuleName() const { return module_ ? *module_ : std::string(); }

 private:
  std::string Declare(const std::string& name);
  std::vector<Item>* items_;
  std::set<std::string>* names_;
  Renames* renamed_;
  const std::string* module_;
};

struct Module {
  std::string name;
  std::string doc;  // one paragraph, printed as a comment above the module
  std::vector<Param> params;
  std::vector<Port> ports;
  std::vector<Item> items;
  std::set<std::string> names;
  Renames renamed;  // requested -> legal, for names that legalisation changed

  explicit Module(std::string module_name, std::string module_doc = "");

  std::string Parameter(const std::string& pname, const std::string& value);
  std::string LocalParam(const std::string& pname, const std::string& value,
                         const std::string& width = "");
  std::string In(const std::string& pname, const std::string& width = "1", bool is_signed = false);
  std::string Out(const std::string& pname, const std::string& width = "1", bool is_reg = false,
                  bool is_signed = false);
  Scope Body() { return Scope(&items, &names, &renamed, &name); }

 private:
  std::string Declare(const std::string& requested);
};

// Throws std::logic_error naming the module and the name if an expression of `m` (assignments,
// statements, instance connections and parameters, widths, parameter values) uses a name that
// legalisation changed (the requested one: a dangling net) and that is not declared itself.
void CheckNames(const Module& m);
// Identifiers of a Verilog expression, in order; sized and based literals (8'hFF, 'd0), plain
// numbers and system functions ($clog2) are skipped.
std::vector<std::string> ExprIdentifiers(const std::string& expr);

// Verilog-2005 and SystemVerilog keywords (a name equal to one is legalised).
bool IsKeyword(const std::string& name);
// Returns `name`, or `name_N` with the smallest N >= 1 that is neither a keyword nor in `used`;
// inserts the result into `used`. Characters outside [A-Za-z0-9_$] become '_'.
std::string LegalizeName(const std::string& name, std::set<std::string>* used);

// Expression helpers (text only).
std::string Bits(unsigned width, unsigned long long value);  // e.g. 8'd5
std::string Slice(const std::string& base, const std::string& hi, const std::string& lo);
std::string IdxPart(const std::string& base, const std::string& lsb, const std::string& width);
// Bit `idx` of a signal `width` bits wide: `base[idx]`, or `base` when the signal is one bit (the
// printer declares width 1 as a scalar, which cannot be indexed).
std::string BitOf(const std::string& base, const std::string& idx, unsigned width);

}  // namespace salsa::ir
