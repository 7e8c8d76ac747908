// A short string held inside the object, never on the heap: a socket's name in a trace
// event ("s3"). Trace events are kept by the hundred thousand; a std::string is 32 bytes
// and three of them made a timer event too big to keep inline, so each one cost an
// allocation to build and a box to keep (issue 6). Longer text than fits is cut at
// `Capacity` bytes; the names put here are far shorter.
//
// It reads as text: it converts to std::string_view and std::string and compares with
// any of them, so that code written for a std::string member reads it unchanged.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace tcplab {

template <size_t Capacity>
class InlineString {
  static_assert(Capacity < 256, "the length is one byte");

 public:
  InlineString() = default;
  InlineString(std::string_view s) : len_(static_cast<unsigned char>(std::min(s.size(), Capacity))) {  // NOLINT implicit
    std::memcpy(buf_, s.data(), len_);
  }
  InlineString(const char* s) : InlineString(std::string_view(s)) {}          // NOLINT implicit
  InlineString(const std::string& s) : InlineString(std::string_view(s)) {}   // NOLINT implicit

  std::string_view view() const { return {buf_, len_}; }
  operator std::string_view() const { return view(); }     // NOLINT implicit: reads as text
  operator std::string() const { return std::string(view()); }  // NOLINT implicit
  std::string str() const { return std::string(view()); }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }

  friend bool operator==(const InlineString& a, const InlineString& b) { return a.view() == b.view(); }
  friend bool operator==(const InlineString& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const InlineString& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const InlineString& a, const char* b) { return a.view() == b; }
  friend std::string operator+(const std::string& a, const InlineString& b) { return a + b.str(); }
  friend std::string operator+(const InlineString& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const char* a, const InlineString& b) { return a + b.str(); }
  friend std::string operator+(const InlineString& a, const char* b) { return a.str() + b; }

 private:
  char buf_[Capacity] = {};
  unsigned char len_ = 0;
};

}  // namespace tcplab
