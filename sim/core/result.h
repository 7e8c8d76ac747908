// A value or an error with a position, for parsers of outside input (scenario files,
// commands, display filters). `offset` is 0-based into the text that was parsed, so a
// caller that knows where that text sits in a file can turn it into LINE:COL.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace tcplab {

struct ParseError {
  std::string message;
  size_t offset = 0;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(ParseError error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ParseError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ParseError> v_;
};

}  // namespace tcplab
