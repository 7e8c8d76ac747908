// One frame's bytes, immutable and shared: a frame on a link is recorded by its `tx`
// event, carried to the far end, recorded again by its `rx` (or `drop`) and handed to the
// receiving node, all without copying it (issue 6: every event kept its own copy, 842 MiB
// of copies in a 100-flow dumbbell). Being immutable, sharing the bytes keeps the trace and
// the world plain values (DESIGN.md principle 2): a copy of either is equal to and
// independent of the original, since nobody can change the bytes both refer to.
//
// It reads like the `const wire::Bytes&` it used to be (size(), [], begin()/end(), a
// conversion to `const Bytes&` and to ByteView, == against Bytes), so that code which only
// reads frames needs no change.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "sim/wire/headers.h"

namespace tcplab::wire {

class SharedBytes {
 public:
  SharedBytes() = default;
  // From bytes: takes them (no copy when moved in).
  SharedBytes(Bytes&& b) : p_(std::make_shared<const Bytes>(std::move(b))) {}  // NOLINT implicit
  SharedBytes(const Bytes& b) : p_(std::make_shared<const Bytes>(b)) {}        // NOLINT implicit

  const Bytes& bytes() const { return p_ ? *p_ : no_bytes(); }
  operator const Bytes&() const { return bytes(); }  // NOLINT implicit: reads as before

  size_t size() const { return bytes().size(); }
  bool empty() const { return bytes().empty(); }
  const uint8_t* data() const { return bytes().data(); }
  const uint8_t* begin() const { return bytes().data(); }
  const uint8_t* end() const { return bytes().data() + bytes().size(); }
  uint8_t operator[](size_t i) const { return bytes()[i]; }

  friend bool operator==(const SharedBytes& a, const SharedBytes& b) {
    return a.p_ == b.p_ || a.bytes() == b.bytes();
  }
  friend bool operator==(const SharedBytes& a, const Bytes& b) { return a.bytes() == b; }
  friend bool operator==(const Bytes& a, const SharedBytes& b) { return a == b.bytes(); }
  friend bool operator!=(const SharedBytes& a, const SharedBytes& b) { return !(a == b); }
  friend bool operator!=(const SharedBytes& a, const Bytes& b) { return !(a == b); }
  friend bool operator!=(const Bytes& a, const SharedBytes& b) { return !(a == b); }

 private:
  static const Bytes& no_bytes() {
    static const Bytes e;
    return e;
  }
  std::shared_ptr<const Bytes> p_;
};

}  // namespace tcplab::wire
