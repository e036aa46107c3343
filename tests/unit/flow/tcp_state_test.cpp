#include "datapath/flow/tcp_state.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace vlb::dp::flow {
namespace {

using S = TcpState;
constexpr FlowDir kOrig = FlowDir::kOriginal, kReply = FlowDir::kReply;
constexpr uint8_t kSynAck = kTcpSyn | kTcpAck, kFinAck = kTcpFin | kTcpAck;

struct Step {
  FlowDir dir;
  uint8_t flags;
  TcpState expect;
};

// Plays packets from `start` and checks the state after each.
void play(TcpState start, const std::vector<Step>& steps, TcpProfile p = {}) {
  TcpState s = start;
  for (size_t i = 0; i < steps.size(); ++i) {
    s = nextState(s, steps[i].flags, steps[i].dir, p);
    EXPECT_EQ(tcpStateName(s), tcpStateName(steps[i].expect)) << "after packet " << i;
  }
}

TEST(TcpState, HandshakeAndClientCloses) {
  play(S::kSynSent, {{kOrig, kTcpSyn, S::kSynSent},  // retransmitted SYN
                     {kReply, kSynAck, S::kSynRecv},
                     {kReply, kSynAck, S::kSynRecv},  // retransmitted SYN-ACK
                     {kOrig, kTcpAck, S::kEstablished},
                     {kOrig, kTcpAck | kTcpPsh, S::kEstablished},
                     {kReply, kTcpAck, S::kEstablished},
                     {kOrig, kFinAck, S::kFinWait},
                     {kReply, kTcpAck, S::kFinWait},  // half-closed: the real may go on sending
                     {kReply, kFinAck, S::kLastAck},
                     {kOrig, kTcpAck, S::kTimeWait}});
}

TEST(TcpState, RealCloses) {
  play(S::kEstablished, {{kReply, kFinAck, S::kCloseWait},
                         {kOrig, kTcpAck, S::kCloseWait},
                         {kOrig, kFinAck, S::kLastAck},
                         {kReply, kTcpAck, S::kTimeWait}});
}

TEST(TcpState, SimultaneousClose) {
  play(S::kEstablished, {{kOrig, kFinAck, S::kFinWait},
                         {kReply, kFinAck, S::kLastAck},  // crossed FINs
                         {kReply, kTcpAck, S::kTimeWait},
                         {kOrig, kTcpAck, S::kTimeWait}});
}

TEST(TcpState, RstClosesFromAnyState) {
  for (size_t i = 0; i < kTcpStateCount; ++i) {
    EXPECT_EQ(nextState(TcpState(i), kTcpRst, kOrig, {}), S::kClosed) << i;
    EXPECT_EQ(nextState(TcpState(i), kTcpRst | kTcpAck, kReply, {}), S::kClosed) << i;
  }
  play(S::kSynSent, {{kReply, kTcpRst | kTcpAck, S::kClosed}});  // connection refused
}

TEST(TcpState, WrongWayPacketsDoNotAdvance) {
  EXPECT_EQ(nextState(S::kSynSent, kSynAck, kOrig, {}), S::kSynSent);  // SYN-ACK from the client
  EXPECT_EQ(nextState(S::kSynSent, kTcpAck, kOrig, {}), S::kSynSent);
  EXPECT_EQ(nextState(S::kSynRecv, kTcpAck, kReply, {}), S::kSynRecv);
  EXPECT_EQ(nextState(S::kFinWait, kFinAck, kOrig, {}), S::kFinWait);  // the client's FIN again
  EXPECT_EQ(nextState(S::kCloseWait, kFinAck, kReply, {}), S::kCloseWait);
  EXPECT_EQ(nextState(S::kLastAck, kFinAck, kOrig, {}), S::kLastAck);
  EXPECT_EQ(nextState(S::kEstablished, kTcpSyn, kOrig, {}), S::kEstablished);
}

TEST(TcpState, PortReuseAfterCloseStartsOver) {
  EXPECT_EQ(nextState(S::kTimeWait, kTcpSyn, kOrig, {}), S::kSynSent);
  EXPECT_EQ(nextState(S::kClosed, kTcpSyn, kOrig, {}), S::kSynSent);
  EXPECT_EQ(nextState(S::kClosed, kTcpSyn, kReply, {}), S::kClosed);
  EXPECT_EQ(nextState(S::kTimeWait, kTcpAck, kOrig, {}), S::kTimeWait);
}

TEST(TcpState, LooseCloseEndsOnTheFirstFin) {
  const TcpProfile loose{false, true};
  play(S::kEstablished, {{kOrig, kFinAck, S::kClosed}, {kReply, kFinAck, S::kClosed}}, loose);
  play(S::kEstablished, {{kReply, kFinAck, S::kClosed}}, loose);
  play(S::kSynRecv, {{kOrig, kFinAck, S::kClosed}}, loose);
}

TEST(TcpState, StrictInitNeedsABareSyn) {
  EXPECT_TRUE(mayCreate(kTcpSyn, false));
  EXPECT_FALSE(mayCreate(kTcpAck, false));
  EXPECT_FALSE(mayCreate(kTcpAck | kTcpPsh, false));
  EXPECT_FALSE(mayCreate(kSynAck, false));
  EXPECT_FALSE(mayCreate(kTcpSyn | kTcpFin, false));
  EXPECT_FALSE(mayCreate(kTcpSyn | kTcpRst, false));
  EXPECT_FALSE(mayCreate(kTcpRst, false));
}

TEST(TcpState, LooseInitPicksUpMidStream) {
  EXPECT_TRUE(mayCreate(kTcpSyn, true));
  EXPECT_TRUE(mayCreate(kTcpAck, true));
  EXPECT_TRUE(mayCreate(kTcpAck | kTcpPsh, true));
  EXPECT_TRUE(mayCreate(kFinAck, true));
  EXPECT_FALSE(mayCreate(kTcpRst | kTcpAck, true));
  EXPECT_FALSE(mayCreate(kSynAck, true));  // an answer to nothing
  EXPECT_FALSE(mayCreate(kTcpFin, true));  // no ACK: not a mid-stream packet
  EXPECT_EQ(initialState(kTcpSyn, {}), S::kSynSent);
  EXPECT_EQ(initialState(kTcpAck | kTcpPsh, {true, false}), S::kEstablished);
  EXPECT_EQ(initialState(kFinAck, {true, false}), S::kFinWait);
  EXPECT_EQ(initialState(kFinAck, {true, true}), S::kClosed);
}

TEST(TcpState, HalfOpenStatesAreEmbryonic) {
  EXPECT_TRUE(isEmbryonic(S::kSynSent));
  EXPECT_TRUE(isEmbryonic(S::kSynRecv));
  EXPECT_FALSE(isEmbryonic(S::kEstablished));
  EXPECT_FALSE(isEmbryonic(S::kClosed));
}

}  // namespace
}  // namespace vlb::dp::flow
