// Helpers of the salsa bench tests (bench_test.cpp, bench_sparsity_test.cpp): run metadata, a CSV
// reader and an SVG well-formedness check for the writers' outputs.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bench/bench_report.h"

namespace salsa::bench::test {

// The metadata of a run of `command` at latencies 100 and 200; no presets.
inline BenchMeta MetaOf(const std::string& command) {
  BenchMeta m;
  m.command = command;
  m.date = "2026-01-01";
  m.latencies = {100, 200};
  return m;
}

// A 16x16 preset with a 16-byte bus.
inline PresetInfo Preset16(const std::string& name) {
  PresetInfo p;
  p.name = name;
  p.config_hash = "0123456789abcdef";
  p.rows = p.cols = p.bus_bytes = 16;
  return p;
}

// Splits a CSV text into records of fields (RFC 4180 quoting).
inline std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

// Checks that every tag is closed in order (a minimal well-formedness test) and that no raw '&'
// appears outside an entity.
inline void ExpectWellFormed(const std::string& svg) {
  std::vector<std::string> stack;
  size_t i = 0;
  while ((i = svg.find('<', i)) != std::string::npos) {
    const size_t end = svg.find('>', i);
    ASSERT_NE(end, std::string::npos);
    std::string tag = svg.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      ASSERT_FALSE(stack.empty()) << "stray </" << tag << ">";
      EXPECT_EQ(stack.back(), tag.substr(1));
      stack.pop_back();
      continue;
    }
    if (tag.back() == '/') continue;
    stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
  }
  EXPECT_TRUE(stack.empty()) << "unclosed <" << (stack.empty() ? "" : stack.back()) << ">";
  for (size_t a = svg.find('&'); a != std::string::npos; a = svg.find('&', a + 1)) {
    const std::string ent = svg.substr(a, svg.find(';', a) - a + 1);
    EXPECT_TRUE(ent == "&amp;" || ent == "&lt;" || ent == "&gt;" || ent == "&quot;" ||
                ent == "&apos;")
        << ent;
  }
}

}  // namespace salsa::bench::test
