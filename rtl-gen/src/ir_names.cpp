// ir::CheckNames: no expression may use a requested name that legalisation changed.
#include <cctype>
#include <stdexcept>

#include "salsa/ir.h"

namespace salsa::ir {

namespace {

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Skips a based literal's tail from the quote at `i`: 's, the base letter, then the digits
// (hex digits, x, z, ?, _). Returns the index after it.
size_t SkipBased(const std::string& e, size_t i) {
  ++i;  // the quote
  if (i < e.size() && (e[i] == 's' || e[i] == 'S')) ++i;
  if (i < e.size() && std::string("bBoOdDhH").find(e[i]) != std::string::npos) ++i;
  while (i < e.size() && e[i] == ' ') ++i;
  while (i < e.size() && (std::isxdigit(static_cast<unsigned char>(e[i])) ||
                          std::string("xXzZ?_").find(e[i]) != std::string::npos)) {
    ++i;
  }
  return i;
}

class Checker {
 public:
  explicit Checker(const Module& m) : m_(m) {
    for (const auto& p : m.ports) declared_.insert(p.name);
    for (const auto& p : m.params) declared_.insert(p.name);
    CollectDeclared(m.items);
  }

  void Run() {
    for (const auto& p : m_.ports) Expr(p.width, "port " + p.name);
    for (const auto& p : m_.params) {
      Expr(p.value, "parameter " + p.name);
      Expr(p.width, "parameter " + p.name);
    }
    Items(m_.items);
  }

 private:
  void CollectDeclared(const std::vector<Item>& items) {
    for (const auto& it : items) {
      switch (it.kind) {
        case Item::Kind::kNet:
          declared_.insert(it.net.name);
          break;
        case Item::Kind::kIntVar:
          declared_.insert(it.text);
          break;
        case Item::Kind::kInstance:
          declared_.insert(it.instance.name);
          break;
        case Item::Kind::kGenFor:
          declared_.insert(it.gen.front().genvar);
          declared_.insert(it.gen.front().label);
          CollectDeclared(it.gen.front().items);
          break;
        default:
          break;
      }
    }
  }

  void Items(const std::vector<Item>& items) {
    for (const auto& it : items) {
      switch (it.kind) {
        case Item::Kind::kNet:
          Expr(it.net.width, "net " + it.net.name);
          Expr(it.net.depth, "net " + it.net.name);
          break;
        case Item::Kind::kAssign:
          Expr(it.assign.first, "assign " + it.assign.first);
          Expr(it.assign.second, "assign " + it.assign.first);
          break;
        case Item::Kind::kProcess:
          Expr(it.process.clk, "process clock");
          Expr(it.process.rst_n, "process reset");
          Stmts(it.process.reset_body);
          Stmts(it.process.body);
          break;
        case Item::Kind::kInstance:
          for (const auto& [p, v] : it.instance.params) {
            Expr(v, "instance " + it.instance.name + " parameter " + p);
          }
          for (const auto& [p, v] : it.instance.conns) {
            Expr(v, "instance " + it.instance.name + " port " + p);
          }
          break;
        case Item::Kind::kGenFor:
          Expr(it.gen.front().bound, "generate loop " + it.gen.front().label);
          Items(it.gen.front().items);
          break;
        default:
          break;
      }
    }
  }

  void Stmts(const Block& body) {
    for (const Stmt& st : body) {
      switch (st.kind) {
        case Stmt::Kind::kComment:
          break;
        case Stmt::Kind::kCase:
          Expr(st.rhs, "case selector");
          for (const auto& ci : st.items) {
            for (const auto& l : ci.labels) Expr(l, "case label");
            Stmts(ci.body);
          }
          Stmts(st.else_body);
          break;
        default:  // assign, if, for
          Expr(st.lhs, "statement " + st.lhs);
          Expr(st.rhs, "statement " + st.lhs);
          Stmts(st.then_body);
          Stmts(st.else_body);
          break;
      }
    }
  }

  void Expr(const std::string& e, const std::string& where) {
    for (const std::string& id : ExprIdentifiers(e)) {
      auto r = m_.renamed.find(id);
      if (r != m_.renamed.end() && declared_.count(id) == 0) {
        throw std::logic_error(m_.name + ": " + where + " uses '" + id +
                               "', which was declared as '" + r->second +
                               "' (legalised name); use the name the declaration returned");
      }
    }
  }

  const Module& m_;
  std::set<std::string> declared_;
};

}  // namespace

std::vector<std::string> ExprIdentifiers(const std::string& e) {
  std::vector<std::string> ids;
  size_t i = 0;
  while (i < e.size()) {
    const char c = e[i];
    if (Digit(c)) {  // a number, possibly the size of a based literal (8'hFF)
      while (i < e.size() && (Digit(e[i]) || e[i] == '_')) ++i;
      while (i < e.size() && e[i] == ' ') ++i;
      if (i < e.size() && e[i] == '\'') i = SkipBased(e, i);
    } else if (c == '\'') {  // unsized based literal ('d0) or '0
      i = SkipBased(e, i);
    } else if (c == '$') {  // system function
      ++i;
      while (i < e.size() && IdentChar(e[i])) ++i;
    } else if (IdentStart(c)) {
      size_t j = i;
      while (j < e.size() && IdentChar(e[j])) ++j;
      ids.push_back(e.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  return ids;
}

void CheckNames(const Module& m) { Checker(m).Run(); }

}  // namespace salsa::ir
