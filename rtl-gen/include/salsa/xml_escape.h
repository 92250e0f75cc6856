// XML escaping for the reports salsa writes (junit.xml, SVG plots).
#pragma once

#include <string>

namespace salsa {

// XML text/attribute escaping (&, <, >, ", ') with control characters other than tab and newline
// dropped (XML 1.0 cannot carry them).
inline std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;
        out += c;
    }
  }
  return out;
}

}  // namespace salsa
