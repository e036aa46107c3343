#include "datapath/l4/l4_engine.h"

#include "datapath/nat/nat_rewrite.h"
#include "datapath/packet/bytes.h"
#include "datapath/sched/hash.h"

namespace vlb::dp::l4 {
namespace {

constexpr Verdict notMine() { return {Outcome::kNotMine, DropReason::kNone, 0}; }
constexpr Verdict dropped(DropReason r) { return {Outcome::kDrop, r, 0}; }
constexpr Verdict forward(uint32_t dst) { return {Outcome::kForward, DropReason::kNone, dst}; }

inline uint8_t tcpFlags(const uint8_t* ip) { return ip[(ip[0] & 0x0f) * 4 + 13]; }

NatTuple tupleOf(const flow::Rewrite& r) { return {r.src, r.dst, r.sport, r.dport}; }

}  // namespace

std::unique_ptr<Engine> Engine::create(const Services& services, uint32_t lcore, uint32_t lcores,
                                       uint32_t connections) {
  std::unique_ptr<Engine> e(new Engine(services));
  e->flows_ = flow::FlowTable::create({connections, 0, 0x9e3779b97f4a7c15ull + lcore});
  flow::SnatPortAllocatorConfig ports;
  ports.lcore = lcore;
  ports.lcores = lcores;
  e->ports_ = flow::SnatPortAllocator::create(ports);
  if (!e->flows_ || !e->ports_) return nullptr;
  size_t reals = 0;
  for (const Service& s : services.list) {
    e->sched_.push_back(std::make_unique<sched::LcoreState>(uint32_t(s.reals.size()), lcore));
    e->real_base_.push_back(reals);
    reals += s.reals.size();
  }
  e->service_counters_ = std::make_unique<ServiceCounters[]>(services.list.size());
  e->real_counters_ = std::make_unique<RealCounters[]>(reals);
  return e;
}

Verdict Engine::process(uint8_t* ip, size_t len, uint32_t now, const Fib& fib) {
  L4View v;
  if (viewL4(ip, len, &v) != NatResult::kOk) return notMine();
  if (!v.first_fragment) return laterFragment(ip, len, now);
  if (v.protocol == kProtoIcmp) return isIcmpError(v.icmp_type) ? icmpError(ip, len) : notMine();
  const uint32_t src = load32(ip + 12);
  const uint32_t dst = load32(ip + 16);
  const auto key = flow::FlowKey::make(src, dst, v.src_port, v.dst_port, v.protocol);
  const uint8_t flags = v.protocol == kProtoTcp ? tcpFlags(ip) : 0;

  const uint32_t slot = flows_->lookup(key);
  if (slot == flow::FlowTable::kNoEntry) {
    const uint16_t service = services_.classifier.lookup(dst, v.protocol, v.dst_port);
    if (service == ServiceTable::kNone) return notMine();
    return open(ip, len, key, flags, service, now, fib);
  }
  const flow::FlowEntry& e = flows_->entry(slot);
  if (v.protocol == kProtoTcp)
    flows_->trackTcp(slot, flags, now);
  else
    flows_->touch(slot, now);
  ServiceCounters& c = service_counters_[e.service];
  if (e.dir() == flow::FlowDir::kOriginal) {
    c.packets_in.add(1);
    c.bytes_in.add(len);
    real_counters_[real_base_[e.service] + e.real].packets.add(1);
  } else {
    c.packets_out.add(1);
    c.bytes_out.add(len);
  }
  return translate(ip, len, e.rewrite, now);
}

Verdict Engine::translate(uint8_t* ip, size_t len, const flow::Rewrite& r, uint32_t now) {
  const NatTuple to = tupleOf(r);
  if (ip[6] & 0x20) fragments_.remember(ip, to, now);  // MF: later fragments follow this one
  natRewrite(ip, len, to);
  return forward(r.dst);
}

Verdict Engine::laterFragment(uint8_t* ip, size_t len, uint32_t now) {
  NatTuple to;
  if (!fragments_.find(ip, now, &to)) {
    // Not a fragment of a translated datagram we know: to a VIP it is lost, else routed as is.
    return services_.classifier.isVip(load32(ip + 16)) ? dropped(DropReason::kFragmentUnknown) : notMine();
  }
  natRewrite(ip, len, to);  // a later fragment: addresses only
  return forward(to.dst_addr);
}

// An ICMP error about a translated packet (a real's port unreachable, a router's "fragmentation
// needed" for a reply): the packet it quotes is looked up as the flow going the other way, and
// the error goes to that flow's other end with the quoted packet as that end sent it.
Verdict Engine::icmpError(uint8_t* ip, size_t len) {
  uint8_t proto;
  NatTuple quoted;
  if (quotedTuple(ip, len, &proto, &quoted) != NatResult::kOk) return notMine();
  const auto back = flow::FlowKey::make(quoted.dst_addr, quoted.src_addr, quoted.dst_port,
                                        quoted.src_port, proto);
  const uint32_t slot = flows_->lookup(back);
  if (slot == flow::FlowTable::kNoEntry) return notMine();
  const flow::Rewrite& r = flows_->entry(slot).rewrite;
  const NatTuple as_sent{r.dst, r.src, r.dport, r.sport};
  if (natRewriteIcmpError(ip, len, r.dst, as_sent) != NatResult::kOk) return notMine();
  return forward(r.dst);
}

// The real for a new connection: the client prefix's persisted one while it takes new flows,
// else the scheduler's pick (then persisted).
sched::RealIndex Engine::choose(uint16_t service, const flow::FlowKey& key, uint32_t now) {
  const Service& s = services_.list[service];
  const uint32_t prefix = key.src & s.persistence_mask;
  if (s.persistence) {
    const uint32_t held = persistence_.find(service, prefix, now);
    if (held != PersistenceTable::kNone && s.scheduler->eligible(held)) {
      persistence_.remember(service, prefix, held, now + s.persistence_ticks, now);
      return held;
    }
  }
  const sched::FlowHashes hashes{
      sched::hashSourceV4(prefix), sched::hashFlowV4(key.src, key.dst, key.sport, key.dport, key.proto)};
  const sched::RealIndex r = sched::pick(*s.scheduler, *sched_[service], hashes);
  if (s.persistence && r != sched::kNoReal)
    persistence_.remember(service, prefix, r, now + s.persistence_ticks, now);
  return r;
}

Verdict Engine::open(uint8_t* ip, size_t len, const flow::FlowKey& key, uint8_t flags,
                     uint16_t service, uint32_t now, const Fib& fib) {
  const Service& s = services_.list[service];
  const bool syn = (flags & (flow::kTcpSyn | flow::kTcpAck)) == flow::kTcpSyn;
  if (key.proto == kProtoTcp && !syn && !(s.flow_flags & flow::kFlowLooseInit))
    return dropped(DropReason::kL4NotSyn);

  const sched::RealIndex r = choose(service, key, now);
  if (r == sched::kNoReal) return dropped(DropReason::kNoReal);
  const Real& real = s.reals[r];
  const uint16_t real_port = real.port ? real.port : key.dport;
  const Adjacency* adj = fib.lookup(real.addr);
  if (!adj || adj->kind != Adjacency::Kind::kForward) return dropped(DropReason::kRealUnresolved);

  flow::Endpoint source{key.src, key.sport};
  if (s.snat != SnatMode::kNone) {
    source.addr = s.snat == SnatMode::kAutomap ? services_.port_self_ip[adj->port]
                                               : s.pool[sched::hashSourceV4(key.src) % s.pool.size()];
    source.port = ports_->allocate(source.addr, key.proto, real.addr, real_port);
    if (source.addr == 0 || source.port == flow::SnatPortAllocator::kNone)
      return dropped(DropReason::kSnatExhausted);
  }
  flow::NewConnection c = flow::natConnection(key, {real.addr, real_port}, source);
  c.service = service;
  c.real = uint16_t(r);
  c.original.egress_port = uint8_t(adj->port);
  c.flags = uint8_t(s.flow_flags | (s.snat == SnatMode::kNone ? flow::kFlowTransparent : flow::kFlowSnat));
  c.tcp_state = key.proto == kProtoTcp && syn ? flow::TcpState::kSynSent : flow::TcpState::kEstablished;
  const flow::InsertResult inserted = flows_->insert(c, now);
  if (inserted.status != flow::InsertStatus::kOk) {
    if (s.snat != SnatMode::kNone) ports_->release(source.addr, key.proto, real.addr, real_port, source.port);
    return dropped(DropReason::kFlowTableFull);
  }
  sched_[service]->connOpened(r);
  ServiceCounters& counters = service_counters_[service];
  counters.opened.add(1);
  counters.packets_in.add(1);
  counters.bytes_in.add(len);
  RealCounters& rc = real_counters_[real_base_[service] + r];
  rc.opened.add(1);
  rc.packets.add(1);
  return translate(ip, len, c.original.rewrite, now);
}

void Engine::closed(const flow::FlowEntry& o) {
  if (o.flags & flow::kFlowSnat)
    ports_->release(o.rewrite.src, o.key.proto, o.rewrite.dst, o.rewrite.dport, o.rewrite.sport);
  sched_[o.service]->connClosed(o.real);
  service_counters_[o.service].closed.add(1);
  real_counters_[real_base_[o.service] + o.real].closed.add(1);
}

void Engine::age(uint32_t now, uint32_t budget) {
  flows_->expireWith(
      now, budget,
      [this](const flow::FlowEntry& e) {
        const uint32_t idle = services_.list[e.service].idle_ticks;
        if (e.key.proto != kProtoTcp || e.tcp_state == flow::TcpState::kEstablished) return idle;
        return flow::timeoutFor(services_.timeouts, e.key.proto, e.tcp_state);
      },
      [this](const flow::FlowEntry& original, const flow::FlowEntry&) { closed(original); });
}

}  // namespace vlb::dp::l4
