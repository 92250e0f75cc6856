// Diagnostics shared by the YAML loaders (config files, layer files): one-line error messages
//   "<file>:<line>:<col>: <key>: <problem>; accepted: <what is accepted>"
// pointing at yaml-cpp marks, and the helpers that build their parts.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace salsa::yaml_diag {

// The key reported for problems with the document as a whole.
inline constexpr const char* kDocumentKey = "(document)";

inline std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Messages are one line: control characters from the input are escaped.
inline std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

// A scalar quoted for a message, shortened if long.
inline std::string Quote(const std::string& text) {
  constexpr size_t kMax = 40;
  std::string shown = text.size() > kMax ? text.substr(0, kMax) + "..." : text;
  return "'" + OneLine(shown) + "'";
}

inline bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Levenshtein distance, for "did you mean" hints on unknown keys.
inline size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// " (did you mean '<candidate>'?)" for the first accepted key within edit distance 2 of an
// unknown `name`; empty if there is none.
inline std::string DidYouMean(const std::string& name, const std::vector<std::string>& accepted) {
  for (const std::string& candidate : accepted) {
    if (EditDistance(name, candidate) <= 2) return " (did you mean '" + candidate + "'?)";
  }
  return "";
}

// What a node is, for "expected X, got Y" messages. With `hint_unquote`, a quoted string of
// digits gets " (remove the quotes)".
inline std::string Describe(const YAML::Node& node, bool hint_unquote) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "no value";
    case YAML::NodeType::Scalar:
      break;
  }
  if (node.Tag() == "!") {
    // Quoted or block scalar: always a string in YAML.
    const std::string& s = node.Scalar();
    return "the string " + Quote(s) + (hint_unquote && IsDigits(s) ? " (remove the quotes)" : "");
  }
  return Quote(node.Scalar());
}

// One key/value pair of a map.
struct Entry {
  YAML::Node key;
  YAML::Node value;
  // Where to point at for a problem with the value: a missing value (`rows:`) has no useful mark
  // of its own, so the key is used.
  YAML::Mark ValueMark() const { return value.IsNull() ? key.Mark() : value.Mark(); }
};

// A map's entries by (scalar) key name, in input order.
using Entries = std::vector<std::pair<std::string, Entry>>;

// The first entry named `name`, or nullptr.
inline const Entry* Find(const Entries& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.first == name) return &e.second;
  }
  return nullptr;
}

// Throws `Error` (constructible from a std::string) in the
// "<file>:<line>:<col>: <key>: <problem>; accepted: <...>" format.
template <typename Error>
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void Fail(const YAML::Mark& mark, const std::string& key, const std::string& problem,
                         const std::string& accepted) const {
    throw Error(OneLine(path_ + ":" + LineCol(mark) + ": " + key + ": " + problem +
                        "; accepted: " + accepted));
  }

  // A key given again; `first` is its first occurrence.
  [[noreturn]] void FailDuplicateKey(const YAML::Mark& mark, const std::string& key,
                                     const Entry& first) const {
    Fail(mark, key, "duplicate key (first given at " + LineCol(first.key.Mark()) + ")",
         "each key at most once");
  }

  // "line:col", 1-based; a node without a mark (an empty document) is reported at 1:1.
  static std::string LineCol(const YAML::Mark& mark) {
    if (mark.is_null() || mark.line < 0 || mark.column < 0) return "1:1";
    return std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

 private:
  std::string path_;
};

// What ScanDocuments found: the number of documents (counting stops at two), where the second
// starts, and whether the parser got stuck (two documents in a row that are one null at the same
// place: yaml-cpp 0.7 returns such a document for every call on a token no node can start with).
struct DocumentScan {
  int documents = 0;
  YAML::Mark second_mark = YAML::Mark::null_mark();
  bool stuck = false;
  YAML::Mark stuck_mark = YAML::Mark::null_mark();
};

// Runs yaml-cpp's parser over `text` without building nodes. Throws YAML::Exception for a syntax
// error in the first two documents.
inline DocumentScan ScanDocuments(const std::string& text) {
  // Records the first event of each document: its mark and whether the document is a lone null.
  class FirstEvent : public YAML::EventHandler {
   public:
    void OnDocumentStart(const YAML::Mark&) override { events = 0; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { First(m, true); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { First(m, false); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  const std::string&) override {
      First(m, false);
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
      First(m, false);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
      First(m, false);
    }
    void OnMapEnd() override {}

    int events = 0;
    YAML::Mark mark = YAML::Mark::null_mark();
    bool null_only = false;

   private:
    void First(const YAML::Mark& m, bool is_null) {
      if (events++ == 0) mark = m;
      null_only = events == 1 && is_null;
    }
  };
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstEvent doc;
  DocumentScan scan;
  bool prev_null = false;
  YAML::Mark prev_mark = YAML::Mark::null_mark();
  // At most three documents are parsed: two that are a null at the same place mean stuck; two
  // others, more than one document.
  for (int i = 0; i < 3 && parser.HandleNextDocument(doc); ++i) {
    if (prev_null && doc.null_only && doc.mark.pos == prev_mark.pos) {
      scan.stuck = true;
      scan.stuck_mark = doc.mark;
      return scan;
    }
    if (++scan.documents == 2) scan.second_mark = doc.mark;
    prev_null = doc.null_only;
    prev_mark = doc.mark;
  }
  if (scan.documents > 2) scan.documents = 2;
  return scan;
}

// Parses `text` as exactly one YAML document with a map at the top level and returns that map.
// `accepted` describes the expected document; `hint_unquote` is passed to Describe.
//
// The documents are counted first (ScanDocuments) and only the first is built (YAML::Load), not
// with YAML::LoadAll: yaml-cpp 0.7's LoadAll loops without end, adding an empty document per turn,
// on a token no node can start with, such as a lone ',' (yaml-cpp issue 1040, fixed upstream in
// 0.8.0; found by the fuzzer, docs/reliability.md).
template <typename Error>
YAML::Node LoadSingleMap(const Reporter<Error>& reporter, const std::string& text,
                         const std::string& accepted, bool hint_unquote) {
  YAML::Node root;
  try {
    const DocumentScan scan = ScanDocuments(text);
    if (scan.stuck) {
      const std::string at =
          scan.stuck_mark.pos >= 0 && static_cast<size_t>(scan.stuck_mark.pos) < text.size()
              ? " " + Quote(text.substr(static_cast<size_t>(scan.stuck_mark.pos), 1))
              : "";
      reporter.Fail(scan.stuck_mark, kDocumentKey, "YAML syntax error: unexpected token" + at,
                    "well-formed YAML");
    }
    if (scan.documents > 1) {
      reporter.Fail(scan.second_mark, kDocumentKey, "more than one YAML document",
                    "a single document");
    }
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    reporter.Fail(e.mark, kDocumentKey, "YAML syntax error: " + e.msg, "well-formed YAML");
  }
  if (!root || root.IsNull()) {
    reporter.Fail(root ? root.Mark() : YAML::Mark::null_mark(), kDocumentKey, "empty document",
                  accepted);
  }
  if (!root.IsMap()) {
    reporter.Fail(root.Mark(), kDocumentKey,
                  "top level is " + Describe(root, hint_unquote) + ", not a map", accepted);
  }
  return root;
}

}  // namespace salsa::yaml_diag
