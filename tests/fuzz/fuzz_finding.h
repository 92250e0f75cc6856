// What the fuzz targets share: a finding aborts (libFuzzer keeps the input), and a parser's error
// must be one line.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace salsa_fuzz {

[[noreturn]] inline void Finding(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  std::abort();
}

// A finding when the error message `what` (of kind `kind`) has more than one line.
inline void RequireOneLine(const std::string& kind, const char* what) {
  if (std::string(what).find('\n') != std::string::npos) {
    Finding(kind + " of more than one line: " + what);
  }
}

}  // namespace salsa_fuzz
