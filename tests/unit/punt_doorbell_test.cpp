// The exception path's doorbell: a worker's ring wakes the control thread only while it is armed,
// once per arming, and clear() empties the eventfd.
#include <poll.h>

#include <gtest/gtest.h>

#include "datapath/worker/punt_doorbell.h"

namespace vlb::dp {
namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

TEST(PuntDoorbell, RingsOnlyWhileArmed) {
  PuntDoorbell bell;
  ASSERT_GE(bell.fd(), 0);
  bell.ring();
  EXPECT_FALSE(readable(bell.fd())) << "an unarmed bell must not cost a write";
  bell.arm();
  bell.ring();
  EXPECT_TRUE(readable(bell.fd()));
  bell.clear();
  EXPECT_FALSE(readable(bell.fd()));
  bell.ring();  // the first ring disarmed it
  EXPECT_FALSE(readable(bell.fd()));
}

TEST(PuntDoorbell, DisarmedBeforeSleepingStaysQuiet) {
  PuntDoorbell bell;
  bell.arm();
  bell.disarm();  // the control thread found packets after arming and did not sleep
  bell.ring();
  EXPECT_FALSE(readable(bell.fd()));
}

}  // namespace
}  // namespace vlb::dp
