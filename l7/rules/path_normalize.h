// The path content rules look at: the request path with percent-encoded unreserved characters
// decoded and dot segments removed, so that "/%6Fwa/" and "/x/../owa/" are matched as "/owa/".
//
// Encoded reserved characters stay encoded ("%2F" is not a separator), as RFC 3986 section 6.2.2
// normalisation does; the back end receives the path as the client sent it.
#pragma once

#include <string>
#include <string_view>

namespace vlb::l7::rules {

// Returns `path` itself when it needs no change (the common case, no copy), else the normalised
// path written into `scratch` (whose capacity is reused: no allocation once it has grown).
// An empty path (absolute-form target without one) is "/".
std::string_view normalizePath(std::string_view path, std::string& scratch);

}  // namespace vlb::l7::rules
