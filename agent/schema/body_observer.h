// Feeds one JSON body into a schema tree in a single SAX pass (RapidJSON's Reader, in situ on a
// per-thread copy of the body; recursion bounded at 256 nesting levels, where the body is
// abandoned and counted). Values are looked at only to classify them, then dropped. Internal to
// agent/schema: consumers call InferredSchema::Observe.
#pragma once

#include <string_view>

#include "agent/schema/schema_tree.h"

namespace apisensor::schema {

// Records the shape of `body` into `tree`. `complete` is false when `body` is a prefix of the real
// body: what was fully read still counts (a number running into the end is dropped, since its
// literal may have been cut), and objects left open are not instances, so keys after the cut are
// never made optional. Returns whether anything was recorded; counts not-JSON, truncated and
// malformed bodies in tree.stats(). Allocation-free once the shape is known.
bool ObserveBody(SchemaTree& tree, std::string_view body, bool complete);

}  // namespace apisensor::schema
