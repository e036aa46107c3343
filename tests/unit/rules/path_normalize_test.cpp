// Path normalisation for matching: unreserved percent-decoding and dot-segment removal.
#include "l7/rules/path_normalize.h"

#include <gtest/gtest.h>

namespace vlb::l7::rules {
namespace {

std::string norm(std::string_view p) {
  std::string scratch;
  return std::string(normalizePath(p, scratch));
}

TEST(PathNormalize, PlainPathIsReturnedWithoutCopy) {
  std::string scratch;
  const std::string_view in = "/owa/auth/logon.aspx";
  EXPECT_EQ(normalizePath(in, scratch).data(), in.data());
  EXPECT_EQ(norm(""), "/");
}

TEST(PathNormalize, DecodesOnlyUnreserved) {
  EXPECT_EQ(norm("/%6F%57a/%7e%2d"), "/oWa/~-");
  EXPECT_EQ(norm("/a%2Fb%20c%25"), "/a%2Fb%20c%25");
  EXPECT_EQ(norm("/a%2"), "/a%2");
}

TEST(PathNormalize, RemovesDotSegments) {
  EXPECT_EQ(norm("/a/./b"), "/a/b");
  EXPECT_EQ(norm("/a/b/../c"), "/a/c");
  EXPECT_EQ(norm("/../../etc"), "/etc");
  EXPECT_EQ(norm("/a/.."), "/");
  EXPECT_EQ(norm("/a/b/."), "/a/b/");
  EXPECT_EQ(norm("/a/%2e%2E/b"), "/b");
  EXPECT_EQ(norm("/.well-known/x"), "/.well-known/x");
  EXPECT_EQ(norm("/a/..b/c"), "/a/..b/c");
  EXPECT_EQ(norm("/a//../b"), "/a/b");
}

TEST(PathNormalize, ScratchKeepsCapacityAcrossCalls) {
  std::string scratch;
  normalizePath("/" + std::string(200, 'x') + "/./y", scratch);
  const size_t capacity = scratch.capacity();
  const char* data = scratch.data();
  normalizePath("/a/./b", scratch);
  EXPECT_EQ(scratch, "/a/b");
  EXPECT_EQ(scratch.capacity(), capacity);
  EXPECT_EQ(scratch.data(), data);
}

}  // namespace
}  // namespace vlb::l7::rules
