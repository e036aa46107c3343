// The L4 virtual services as the datapath sees them: compiled by the control thread from the
// configuration, immutable, shared by every datapath lcore.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datapath/flow/timeouts.h"
#include "datapath/sched/scheduler.h"
#include "datapath/service/service_table.h"

namespace vlb::dp::l4 {

struct Real {
  uint32_t addr;  // host order
  uint16_t port;  // 0: the port the client connected to
};

enum class SnatMode : uint8_t { kAutomap, kNone, kPool };

struct Service {
  std::string name;
  uint32_t vip = 0;
  uint8_t protocol = 0;
  uint16_t port_first = 0, port_last = 0;
  SnatMode snat = SnatMode::kAutomap;
  std::vector<uint32_t> pool;  // kPool: the source addresses
  uint8_t flow_flags = 0;      // flow::kFlowLooseInit, kFlowLooseClose
  uint32_t idle_ticks = 0;     // established TCP, or UDP
  bool persistence = false;    // by source IP
  uint32_t persistence_mask = 0xffffffff;
  uint32_t persistence_ticks = 0;
  std::unique_ptr<const sched::Table> scheduler;
  std::vector<Real> reals;     // indexed like the scheduler's reals
};

struct Services {
  explicit Services(const std::vector<ServiceKey>& keys) : classifier(keys) {}
  ServiceTable classifier;
  std::vector<Service> list;
  std::vector<uint32_t> port_self_ip;  // per datapath port: the automap source, 0 if none
  uint32_t ticks_per_second = 1000;
  flow::TimeoutProfile timeouts;  // the states other than established/UDP
};

}  // namespace vlb::dp::l4
