// TFLite vectors that are not valid (docs/reliability.md): every one is an std::invalid_argument
// of one line naming the file, the field and the accepted values. The first case is what
// tflite_fuzzer found; the others were found reading the parser after it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "salsa/layer_gen.h"

namespace {

// A valid 1x2 by 2x1 vector with `field` set to `value` (or added).
std::string Vector(const std::string& field = "", const std::string& value = "") {
  std::vector<std::pair<std::string, std::string>> f = {
      {"name", "\"v\""},     {"batches", "1"},
      {"in_features", "2"},  {"out_features", "1"},
      {"input", "[1, -2]"},  {"input_zero_point", "-1"},
      {"weights", "[3, 4]"}, {"weights_zero_point", "0"},
      {"bias", "[5]"},       {"output_multiplier", "1073741824"},
      {"output_shift", "1"}, {"output_zero_point", "0"},
      {"act_min", "-128"},   {"act_max", "127"},
      {"expected", "[1]"}};
  bool found = false;
  for (auto& [k, v] : f) {
    if (k == field) {
      v = value;
      found = true;
    }
  }
  if (!found && !field.empty()) f.emplace_back(field, value);
  std::string s = "{";
  for (const auto& [k, v] : f) s += (s.size() > 1 ? ", \"" : "\"") + k + "\": " + v;
  return s + "}";
}

void ExpectBad(const std::string& text, const std::vector<std::string>& parts) {
  try {
    salsa::ParseTfliteVector(text, "v.json");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("v.json: ", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const std::string& p : parts)
      EXPECT_NE(msg.find(p), std::string::npos) << p << " in " << msg;
  }
}

TEST(TfliteVectorParse, ValidVector) {
  const salsa::FcLayer l = salsa::ParseTfliteVector(Vector(), "v.json");
  EXPECT_EQ(l.name, "v");
  EXPECT_EQ(l.M * l.K * l.N, 2);
  EXPECT_EQ(l.weights, (std::vector<int8_t>{3, 4}));
  EXPECT_EQ(l.output_shift, 1);
}

// An integer beyond 64 bits is a float to nlohmann; converting it was undefined behaviour
// (tests/fuzz/regressions/tflite/float_cast_overflow.json).
TEST(TfliteVectorParse, IntegersBeyond64BitsAndFractions) {
  ExpectBad(Vector("weights", "[3, 43333333333333333333333330]"),
            {"weights value 4.333333333333333e+25 is not an integer",
             "accepted: integers in [-128, 127]"});
  ExpectBad(Vector("weights", "[3, 1.5]"), {"weights value 1.5 is not an integer"});
  ExpectBad(Vector("act_min", "-1e3"), {"act_min -1000.0 is not an integer"});
  ExpectBad(Vector("input", "[true, 1]"), {"input value true is not an integer"});
  ExpectBad(Vector("name", "7"), {"name 7 is not a string; accepted: a string"});
}

// Values that wrapped: 2^64 - 1 was -1, batches 2^32 + 1 was 1, shifts were unchecked.
TEST(TfliteVectorParse, ValuesOutOfRange) {
  ExpectBad(Vector("input", "[18446744073709551615, 1]"),
            {"input value 18446744073709551615 is out of range", "[-128, 127]"});
  ExpectBad(Vector("batches", "4294967297"),
            {"batches 4294967297 is out of range", "accepted: integers in [1, 2147483647]"});
  ExpectBad(Vector("batches", "0"), {"batches 0 is out of range"});
  ExpectBad(Vector("output_shift", "40"), {"output_shift 40 is out of range", "[-31, 31]"});
  ExpectBad(Vector("input_zero_point", "300"), {"input_zero_point 300 is out of range"});
  std::string clamp = Vector("act_max", "-100");
  const std::string low = "\"act_min\": -128";
  clamp.replace(clamp.find(low), low.size(), "\"act_min\": 0");
  ExpectBad(clamp, {"act_min 0 > act_max -100; accepted: act_min <= act_max"});
}

// Nesting deeper than a vector has is refused while parsing (it only costs memory); so are a
// document that is not an object, missing fields and lists of the wrong size.
TEST(TfliteVectorParse, ShapeOfTheDocument) {
  EXPECT_NO_THROW(salsa::ParseTfliteVector(Vector("source", "{\"repo\": \"r\"}"), "v.json"));
  ExpectBad(Vector("source", "{\"a\": [1]}"), {"JSON nested more than 2 levels deep"});
  ExpectBad("[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", {"JSON nested more than 2 levels deep"});
  ExpectBad("[1, 2]", {"not a JSON object"});
  ExpectBad("{\"batches\": ", {"not valid JSON"});
  ExpectBad("{}", {"batches is missing; accepted: an integer in [1, 2147483647]"});
  ExpectBad(Vector("weights", "[1, 2, 3]"),
            {"weights has 3 values; accepted: a list of 2 integers in [-128, 127]"});
  ExpectBad(Vector("bias", "7"), {"bias is missing or not a list"});
  // Per-channel requantisation: both lists, or neither.
  ExpectBad(Vector("output_shift", "[1]"), {"output_multiplier is missing or not a list"});
}

}  // namespace
