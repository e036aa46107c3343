#include "datapath/fib/fib.h"

#include <atomic>

#include <rte_errno.h>

namespace vlb::dp {

std::unique_ptr<Fib> Fib::build(const FibPlan& plan, std::string* error) {
  static std::atomic<unsigned> generation{0};
  const std::string name = "vlb_fib_" + std::to_string(generation++);

  unsigned long_prefixes = 0;
  for (const auto& e : plan.entries) long_prefixes += e.length > 24;
  rte_lpm_config cfg{};
  cfg.max_rules = std::max<uint32_t>(1024, uint32_t(plan.entries.size()) * 2);
  cfg.number_tbl8s = std::max<uint32_t>(256, long_prefixes + 64);

  std::unique_ptr<Fib> fib(new Fib());
  fib->lpm_ = rte_lpm_create(name.c_str(), SOCKET_ID_ANY, &cfg);
  if (!fib->lpm_) {
    *error = "cannot create the forwarding table: " + std::string(rte_strerror(rte_errno));
    return nullptr;
  }
  fib->adjacencies_ = plan.adjacencies;
  for (const auto& e : plan.entries) {
    if (e.length == 0) {
      fib->default_route_ = &fib->adjacencies_[e.adjacency];
      continue;
    }
    int rc = rte_lpm_add(fib->lpm_, e.prefix, e.length, e.adjacency);
    if (rc != 0) {
      *error = "cannot add a route to the forwarding table: " + std::string(rte_strerror(-rc));
      return nullptr;
    }
  }
  fib->entries_ = plan.entries.size();
  for (const auto& v : plan.vlans) {
    if (v.port >= fib->vlans_.size()) fib->vlans_.resize(v.port + 1u);
    fib->vlans_[v.port].set(v.id & 0x0fff);
  }
  return fib;
}

Fib::~Fib() {
  if (lpm_) rte_lpm_free(lpm_);
}

}  // namespace vlb::dp
