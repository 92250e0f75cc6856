#include "salsa/verilog_printer.h"

#include <sstream>

namespace salsa {
namespace {

using ir::Item;
using ir::Process;
using ir::Stmt;

// "[W-1:0] " for a width expression; nothing for a scalar. Numeric widths are folded.
std::string Range(const std::string& width) {
  if (width.empty() || width == "1") return "";
  bool numeric = width.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) return "[" + std::to_string(std::stoul(width) - 1) + ":0] ";
  return "[" + width + "-1:0] ";
}

class Printer {
 public:
  explicit Printer(std::ostringstream* os) : os_(*os) {}

  void PrintModule(const ir::Module& m) {
    if (!m.doc.empty()) Line(0, "// " + m.doc);
    std::vector<const ir::Param*> header_params;
    std::vector<const ir::Param*> local_params;
    for (const auto& p : m.params) (p.local ? local_params : header_params).push_back(&p);
    if (header_params.empty()) {
      Line(0, "module " + m.name + " (");
    } else {
      Line(0, "module " + m.name + " #(");
      for (size_t i = 0; i < header_params.size(); ++i) {
        const auto* p = header_params[i];
        Line(1,
             "parameter " + p->name + " = " + p->value + (i + 1 < header_params.size() ? "," : ""));
      }
      Line(0, ") (");
    }
    for (size_t i = 0; i < m.ports.size(); ++i) {
      const auto& p = m.ports[i];
      std::string decl =
          p.dir == ir::Dir::kIn ? "input  wire " : (p.is_reg ? "output reg  " : "output wire ");
      if (p.is_signed) decl += "signed ";
      Line(1, decl + Range(p.width) + p.name + (i + 1 < m.ports.size() ? "," : ""));
    }
    Line(0, ");");
    for (const auto* p : local_params) {
      Line(1, "localparam " + Range(p->width) + p->name + " = " + p->value + ";");
    }
    if (!local_params.empty()) Blank();
    PrintItems(m.items, 1);
    Line(0, "endmodule");
  }

 private:
  void Line(int indent, const std::string& text) {
    os_ << std::string(static_cast<size_t>(indent) * 2, ' ') << text << '\n';
  }
  void Blank() { os_ << '\n'; }

  void PrintItems(const std::vector<Item>& items, int indent) {
    Item::Kind prev = Item::Kind::kComment;
    bool first = true;
    auto untraced = [&](size_t i) {
      return i < items.size() && items[i].kind == Item::Kind::kNet && items[i].net.untraced;
    };
    for (size_t i = 0; i < items.size(); ++i) {
      const Item& it = items[i];
      // A blank line separates groups of different kinds and every block-like item; a comment
      // stays attached to the item after it.
      bool block = it.kind == Item::Kind::kProcess || it.kind == Item::Kind::kInstance ||
                   it.kind == Item::Kind::kGenFor;
      bool after_comment = prev == Item::Kind::kComment;
      if (!first && !after_comment &&
          (block || it.kind != prev || it.kind == Item::Kind::kComment)) {
        Blank();
      }
      first = false;
      prev = it.kind;
      // A run of untraced nets is wrapped once in Verilator's tracing metacomments.
      if (untraced(i) && (i == 0 || !untraced(i - 1))) Line(indent, "/*verilator tracing_off*/");
      PrintItem(it, indent);
      if (untraced(i) && !untraced(i + 1)) Line(indent, "/*verilator tracing_on*/");
    }
  }

  void PrintItem(const Item& it, int indent) {
    switch (it.kind) {
      case Item::Kind::kNet: {
        const auto& n = it.net;
        std::string decl =
            std::string(n.is_reg ? "reg " : "wire ") + (n.is_signed ? "signed " : "");
        std::string depth = n.depth.empty() ? "" : " [0:" + n.depth + "-1]";
        Line(indent, decl + Range(n.width) + n.name + depth + ";");
        break;
      }
      case Item::Kind::kIntVar:
        Line(indent, "integer " + it.text + ";");
        break;
      case Item::Kind::kAssign:
        Line(indent, "assign " + it.assign.first + " = " + it.assign.second + ";");
        break;
      case Item::Kind::kComment:
        Line(indent, "// " + it.text);
        break;
      case Item::Kind::kProcess:
        PrintProcess(it.process, indent);
        break;
      case Item::Kind::kInstance:
        PrintInstance(it.instance, indent);
        break;
      case Item::Kind::kGenFor: {
        const auto& g = it.gen.front();
        // Only the outermost loop opens a generate region; nested loops sit inside it.
        const bool outer = gen_depth_ == 0;
        const int in = outer ? indent + 1 : indent;
        Line(indent, "genvar " + g.genvar + ";");
        if (outer) Line(indent, "generate");
        Line(in, "for (" + g.genvar + " = 0; " + g.genvar + " < " + g.bound + "; " + g.genvar +
                     " = " + g.genvar + " + 1) begin : " + g.label);
        ++gen_depth_;
        PrintItems(g.items, in + 1);
        --gen_depth_;
        Line(in, "end");
        if (outer) Line(indent, "endgenerate");
        break;
      }
    }
  }

  void PrintInstance(const ir::Instance& inst, int indent) {
    if (inst.params.empty()) {
      Line(indent, inst.module + " " + inst.name + " (");
    } else {
      Line(indent, inst.module + " #(");
      for (size_t i = 0; i < inst.params.size(); ++i) {
        Line(indent + 2, "." + inst.params[i].first + "(" + inst.params[i].second + ")" +
                             (i + 1 < inst.params.size() ? "," : ""));
      }
      Line(indent, ") " + inst.name + " (");
    }
    for (size_t i = 0; i < inst.conns.size(); ++i) {
      Line(indent + 2, "." + inst.conns[i].first + "(" + inst.conns[i].second + ")" +
                           (i + 1 < inst.conns.size() ? "," : ""));
    }
    Line(indent, ");");
  }

  void PrintProcess(const Process& p, int indent) {
    if (p.kind == Process::Kind::kComb) {
      seq_ = false;
      Line(indent, "always @(*) begin");
      PrintBlock(p.body, indent + 1);
      Line(indent, "end");
      return;
    }
    seq_ = true;
    if (p.rst_n.empty()) {
      Line(indent, "always @(posedge " + p.clk + ") begin");
      PrintBlock(p.body, indent + 1);
      Line(indent, "end");
      return;
    }
    Line(indent, "always @(posedge " + p.clk + " or negedge " + p.rst_n + ") begin");
    Line(indent + 1, "if (!" + p.rst_n + ") begin");
    PrintBlock(p.reset_body, indent + 2);
    Line(indent + 1, "end else begin");
    PrintBlock(p.body, indent + 2);
    Line(indent + 1, "end");
    Line(indent, "end");
  }

  void PrintBlock(const ir::Block& block, int indent) {
    for (const auto& s : block) PrintStmt(s, indent);
  }

  void PrintStmt(const Stmt& s, int indent) {
    switch (s.kind) {
      case Stmt::Kind::kAssign:
        Line(indent, s.lhs + (seq_ ? " <= " : " = ") + s.rhs + ";");
        break;
      case Stmt::Kind::kComment:
        Line(indent, "// " + s.rhs);
        break;
      case Stmt::Kind::kIf: {
        Line(indent, "if (" + s.rhs + ") begin");
        PrintBlock(s.then_body, indent + 1);
        const Stmt* tail = &s;
        // else-if chains print flat.
        while (tail->else_body.size() == 1 && tail->else_body[0].kind == Stmt::Kind::kIf) {
          tail = &tail->else_body[0];
          Line(indent, "end else if (" + tail->rhs + ") begin");
          PrintBlock(tail->then_body, indent + 1);
        }
        if (!tail->else_body.empty()) {
          Line(indent, "end else begin");
          PrintBlock(tail->else_body, indent + 1);
        }
        Line(indent, "end");
        break;
      }
      case Stmt::Kind::kCase:
        Line(indent, "case (" + s.rhs + ")");
        for (const auto& item : s.items) {
          std::string labels;
          for (size_t i = 0; i < item.labels.size(); ++i) {
            labels += (i ? ", " : "") + item.labels[i];
          }
          Line(indent + 1, labels + ": begin");
          PrintBlock(item.body, indent + 2);
          Line(indent + 1, "end");
        }
        Line(indent + 1, "default: begin");
        PrintBlock(s.else_body, indent + 2);
        Line(indent + 1, "end");
        Line(indent, "endcase");
        break;
      case Stmt::Kind::kFor:
        Line(indent, "for (" + s.lhs + " = 0; " + s.lhs + " < " + s.rhs + "; " + s.lhs + " = " +
                         s.lhs + " + 1) begin");
        PrintBlock(s.then_body, indent + 1);
        Line(indent, "end");
        break;
    }
  }

  std::ostringstream& os_;
  bool seq_ = false;
  int gen_depth_ = 0;
};

}  // namespace

std::string PrintModule(const ir::Module& module) {
  std::ostringstream os;
  Printer(&os).PrintModule(module);
  return os.str();
}

}  // namespace salsa
