// The L4 engine: flows, virtual services, static NATs and forwarding services (l4_engine.h).
#include "datapath/l4/l4_engine.h"

#include <algorithm>

#include "datapath/nat/nat_rewrite.h"
#include "datapath/packet/bytes.h"
#include "datapath/packet/replies.h"
#include "datapath/sched/hash.h"

namespace vlb::dp::l4 {
namespace {

constexpr Verdict notMine() { return {Outcome::kNotMine, DropReason::kNone, 0}; }
constexpr Verdict dropped(DropReason r) { return {Outcome::kDrop, r, 0}; }
constexpr Verdict forward(uint32_t dst, uint16_t len = 0) {
  return {Outcome::kForward, DropReason::kNone, dst, len};
}

inline uint8_t tcpFlags(const uint8_t* ip) { return ip[(ip[0] & 0x0f) * 4 + 13]; }

NatTuple tupleOf(const flow::Rewrite& r) { return {r.src, r.dst, r.sport, r.dport}; }

// What the first pass of a burst learnt of a packet. kStateless: no ports to track (a protocol
// other than TCP, UDP and ICMP echo): only a static NAT can claim it.
enum class Step : uint8_t { kDone, kLaterFragment, kIcmpError, kLookup, kStateless };

template <uint32_t StaticNat::*Field>
const StaticNat* findNat(const std::vector<StaticNat>& sorted, uint32_t addr) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), addr,
                             [](const StaticNat& n, uint32_t a) { return n.*Field < a; });
  return it != sorted.end() && (*it).*Field == addr ? &*it : nullptr;
}

// Multicast and broadcast are never a forwarding service's.
bool multicastOrBroadcast(uint32_t addr) { return addr >= 0xe0000000u; }

// SNAT automap's source for a connection leaving by `adj` on `port`: the egress interface's self
// IP on the next hop's subnet (a VLAN's own when it leaves tagged on a VLAN), else the port's.
// Only an address the steering knows as a SNAT address (Services::snat_addresses): the replies to
// any other would not reach the lcore that owns the flow.
uint32_t automapSource(const Adjacency* adj, size_t port, const Services& services) {
  if (adj && adj->kind == Adjacency::Kind::kForward && adj->self_ip &&
      inSorted(services.snat_addresses, adj->self_ip))
    return adj->self_ip;
  return port < services.port_self_ip.size() ? services.port_self_ip[port] : 0;
}

}  // namespace

std::unique_ptr<Engine> Engine::create(uint32_t lcore, uint32_t lcores, uint32_t connections) {
  std::unique_ptr<Engine> e(new Engine());
  e->lcore_ = lcore;
  e->flows_ = flow::FlowTable::create({connections, 0, 0x9e3779b97f4a7c15ull + lcore});
  flow::SnatPortAllocatorConfig ports;
  ports.lcore = lcore;
  ports.lcores = lcores;
  e->ports_ = flow::SnatPortAllocator::create(ports);
  if (!e->flows_ || !e->ports_) return nullptr;
  e->sched_ = std::make_unique<std::unique_ptr<sched::LcoreState>[]>(kMaxServices);
  e->real_counters_ = std::make_unique<std::unique_ptr<RealCounters[]>[]>(kMaxServices);
  e->service_counters_ = std::make_unique<ServiceCounters[]>(kMaxServices);
  e->static_nat_counters_ = std::make_unique<NatCounters[]>(kMaxStaticNats);
  e->forwarding_counters_ = std::make_unique<NatCounters[]>(kMaxForwarding);
  return e;
}

bool Engine::prepare(const Services& services) {
  if (services.list.size() > kMaxServices || services.static_nats.size() > kMaxStaticNats ||
      services.forwarding.size() > kMaxForwarding)
    return false;
  for (size_t slot = 0; slot < services.list.size(); ++slot) {
    if (services.list[slot].reals.size() > sched::kMaxReals) return false;
    if (sched_[slot]) continue;
    sched_[slot] = std::make_unique<sched::LcoreState>(sched::kMaxReals, lcore_);
    real_counters_[slot] = std::make_unique<RealCounters[]>(sched::kMaxReals);
  }
  return true;
}

void Engine::processBurst(const BurstPacket* pkts, size_t n, uint32_t now, const Fib& fib,
                          const Services& services, Verdict* out) {
  Step step[kMaxBurst];
  flow::FlowKey keys[kMaxBurst];
  uint8_t flags[kMaxBurst];
  uint8_t key_of[kMaxBurst];  // the packet's index in keys
  uint32_t slots[kMaxBurst];
  if (n > kMaxBurst) n = kMaxBurst;
  size_t nkeys = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t* ip = pkts[i].ip;
    L4View v{};
    step[i] = Step::kDone;
    const NatResult viewed = viewL4(ip, pkts[i].len, &v);
    const bool echo = v.protocol == kProtoIcmp && (v.icmp_type == 8 || v.icmp_type == 0);
    if (viewed == NatResult::kTruncated) {
      out[i] = notMine();
    } else if (viewed == NatResult::kUnsupported) {
      step[i] = Step::kStateless;
    } else if (!v.first_fragment) {
      step[i] = Step::kLaterFragment;
    } else if (v.protocol == kProtoIcmp && !echo) {
      step[i] = isIcmpError(v.icmp_type) ? Step::kIcmpError : Step::kStateless;
    } else {
      step[i] = Step::kLookup;
      key_of[i] = uint8_t(nkeys);
      flags[nkeys] = v.protocol == kProtoTcp ? tcpFlags(ip) : 0;
      keys[nkeys++] = flow::FlowKey::make(load32(ip + 12), load32(ip + 16), v.src_port, v.dst_port,
                                          v.protocol);
    }
  }
  if (nkeys) flows_->lookupBatch(keys, nkeys, slots);

  for (size_t i = 0; i < n; ++i) {
    const BurstPacket& p = pkts[i];
    switch (step[i]) {
      case Step::kDone: break;
      case Step::kLaterFragment: out[i] = laterFragment(p.ip, p.len, now, services); break;
      case Step::kIcmpError: {
        out[i] = icmpError(p.ip, p.len);
        bool matched;
        if (out[i].outcome == Outcome::kNotMine) out[i] = staticNat(p, services, &matched);
        break;
      }
      case Step::kStateless: {
        bool matched;
        out[i] = staticNat(p, services, &matched);
        break;
      }
      case Step::kLookup: {
        const size_t k = key_of[i];
        uint32_t slot = slots[k];
        // An earlier packet of this burst may have opened or ended the connection.
        if (slot == flow::FlowTable::kNoEntry || !flows_->entry(slot).inUse() ||
            !(flows_->entry(slot).key == keys[k]))
          slot = flows_->lookup(keys[k]);
        if (slot != flow::FlowTable::kNoEntry && !endFinishedFlowForNewSyn(slot, flags[k])) {
          out[i] = established(p, slot, flags[k], now, services);
          break;
        }
        const uint16_t service =
            services.classifier.lookup(keys[k].dst, keys[k].proto, keys[k].dport);
        out[i] = service == ServiceTable::kNone
                     ? unclaimed(p, keys[k], flags[k], now, fib, services)
                     : open(p, keys[k], flags[k], service, now, fib, services);
        break;
      }
    }
  }
}

Verdict Engine::established(const BurstPacket& p, uint32_t slot, uint8_t flags, uint32_t now,
                            const Services& services) {
  const flow::FlowEntry& e = flows_->entry(slot);
  if (e.flags & flow::kFlowForwarding) return forwardingEstablished(p, slot, flags, now);
  const Service& s = services.list[e.service];
  if (s.any_gone && s.reset_gone && s.reals[e.real].gone) {
    // The service resets flows to a removed or failed real: end the connection on both sides
    // of the appliance; this packet's sender gets the reset, the other side's next packet finds
    // no flow (and a SYN-less segment is refused).
    service_counters_[e.service].resets.add(1);
    const bool tcp = e.key.proto == kProtoTcp;
    closed(e.dir() == flow::FlowDir::kOriginal ? e : flows_->entry(e.peer));
    flows_->erase(slot);
    const size_t len = tcp ? buildTcpReset(p.ip, p.len) : 0;
    return len ? forward(load32(p.ip + 16), uint16_t(len)) : dropped(DropReason::kRealGone);
  }
  if (e.key.proto == kProtoTcp)
    flows_->trackTcp(slot, flags, now);
  else
    flows_->touch(slot, now);
  ServiceCounters& c = service_counters_[e.service];
  RealCounters& rc = real_counters_[e.service][e.real];
  if (e.dir() == flow::FlowDir::kOriginal) {
    c.packets_in.add(1);
    c.bytes_in.add(p.len);
    rc.packets_in.add(1);
    rc.bytes_in.add(p.len);
  } else {
    c.packets_out.add(1);
    c.bytes_out.add(p.len);
    rc.packets_out.add(1);
    rc.bytes_out.add(p.len);
  }
  return translate(p.ip, p.len, e.rewrite, now);
}

Verdict Engine::translate(uint8_t* ip, size_t len, const flow::Rewrite& r, uint32_t now) {
  const NatTuple to = tupleOf(r);
  if (ip[6] & 0x20) fragments_.remember(ip, to, now);  // MF: later fragments follow this one
  natRewrite(ip, len, to);
  return forward(r.dst);
}

Verdict Engine::laterFragment(uint8_t* ip, size_t len, uint32_t now, const Services& services) {
  NatTuple to;
  if (!fragments_.find(ip, now, &to)) {
    bool matched;
    const Verdict nat = staticNat({ip, uint16_t(len), 0}, services, &matched);
    if (matched) return nat;
    // Not a fragment of a translated datagram we know: to a VIP it is lost, else routed as is.
    return services.classifier.isVip(load32(ip + 16)) ? dropped(DropReason::kFragmentUnknown)
                                                      : notMine();
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
sched::RealIndex Engine::choose(const Service& s, uint16_t slot, const flow::FlowKey& key,
                                uint32_t now) {
  const uint32_t prefix = key.src & s.persistence_mask;
  if (s.persistence) {
    const uint32_t held = persistence_.find(slot, prefix, now);
    if (held != PersistenceTable::kNone && s.scheduler->eligible(held)) {
      persistence_.remember(slot, prefix, held, now + s.persistence_ticks, now);
      return held;
    }
  }
  const sched::FlowHashes hashes{
      sched::hashSourceV4(prefix), sched::hashFlowV4(key.src, key.dst, key.sport, key.dport, key.proto)};
  const sched::RealIndex r = sched::pick(*s.scheduler, *sched_[slot], hashes);
  if (s.persistence && r != sched::kNoReal)
    persistence_.remember(slot, prefix, r, now + s.persistence_ticks, now);
  return r;
}

// No real takes new flows: the sender hears it at once (TCP reset, ICMP port unreachable)
// rather than retrying into silence.
Verdict Engine::refuse(const BurstPacket& p, DropReason why) {
  const size_t len = p.ip[9] == kProtoTcp ? buildTcpReset(p.ip, p.len)
                                          : buildIcmpUnreachable(p.ip, p.len, p.room, kIcmpPortUnreachable);
  if (!len) return dropped(why);
  return forward(load32(p.ip + 16), uint16_t(len));
}

Verdict Engine::open(const BurstPacket& p, const flow::FlowKey& key, uint8_t flags,
                     uint16_t service, uint32_t now, const Fib& fib, const Services& services) {
  const Service& s = services.list[service];
  const bool syn = (flags & (flow::kTcpSyn | flow::kTcpAck)) == flow::kTcpSyn;
  if (key.proto == kProtoTcp && !syn && !(s.flow_flags & flow::kFlowLooseInit))
    return dropped(DropReason::kL4NotSyn);

  const sched::RealIndex r = choose(s, service, key, now);
  if (r == sched::kNoReal) {
    service_counters_[service].refused.add(1);
    return refuse(p, DropReason::kNoReal);
  }
  const Real& real = s.reals[r];
  const uint16_t real_port = real.port ? real.port : key.dport;
  const Adjacency* adj = fib.lookup(real.addr);
  if (!adj || adj->kind != Adjacency::Kind::kForward) return dropped(DropReason::kRealUnresolved);

  flow::Endpoint source{key.src, key.sport};
  if (s.snat != SnatMode::kNone) {
    source.addr = s.snat == SnatMode::kAutomap ? automapSource(adj, adj->port, services)
                  : s.pool.empty()                ? 0
                                                  : s.pool[sched::hashSourceV4(key.src) % s.pool.size()];
    // No source address at all (an egress without an IPv4 self IP) is counted like no port left.
    if (source.addr == 0) return dropped(DropReason::kSnatExhausted);
    source.port = ports_->allocate(source.addr, key.proto, real.addr, real_port);
    if (source.port == flow::SnatPortAllocator::kNone) return dropped(DropReason::kSnatExhausted);
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
  counters.bytes_in.add(p.len);
  RealCounters& rc = real_counters_[service][r];
  rc.opened.add(1);
  rc.packets_in.add(1);
  rc.bytes_in.add(p.len);
  return translate(p.ip, p.len, c.original.rewrite, now);
}

// A client's new SYN on a connection that has ended (TIME_WAIT, or reset) is a new connection
// that reuses the port: the old flow goes and the SYN is scheduled afresh, so a real that a
// health check marked down since then is not picked again and the scheduler counts the new
// connection (what LVS's conn_reuse_mode does). Before, it went to the old real.
bool Engine::endFinishedFlowForNewSyn(uint32_t slot, uint8_t flags) {
  const flow::FlowEntry& e = flows_->entry(slot);
  if (e.key.proto != kProtoTcp || (flags & (flow::kTcpSyn | flow::kTcpAck)) != flow::kTcpSyn ||
      e.dir() != flow::FlowDir::kOriginal ||
      (e.tcp_state != flow::TcpState::kTimeWait && e.tcp_state != flow::TcpState::kClosed))
    return false;
  closed(e);
  flows_->erase(slot);
  return true;
}

void Engine::closed(const flow::FlowEntry& o) {
  // ICMP echo ports were allocated without a real port (the identifier is the translated one).
  if (o.flags & flow::kFlowSnat)
    ports_->release(o.rewrite.src, o.key.proto, o.rewrite.dst,
                    o.key.proto == kProtoIcmp ? 0 : o.rewrite.dport, o.rewrite.sport);
  if (o.flags & flow::kFlowForwarding) {
    forwarding_counters_[o.service].closed.add(1);
    return;
  }
  sched_[o.service]->connClosed(o.real);
  service_counters_[o.service].closed.add(1);
  real_counters_[o.service][o.real].closed.add(1);
}

void Engine::age(uint32_t now, uint32_t budget, const Services& services) {
  flows_->expireWith(
      now, budget,
      [&services](const flow::FlowEntry& e) {
        if (e.flags & flow::kFlowForwarding)
          return flow::timeoutFor(services.timeouts, e.key.proto, e.tcp_state);
        const uint32_t idle = services.list[e.service].idle_ticks;
        if (e.key.proto != kProtoTcp || e.tcp_state == flow::TcpState::kEstablished) return idle;
        return flow::timeoutFor(services.timeouts, e.key.proto, e.tcp_state);
      },
      [this](const flow::FlowEntry& original, const flow::FlowEntry&) { closed(original); });
}

// Static NAT, stateless: to a public address, the destination becomes the private one; from a
// private address (to anything but the appliance's own addresses, unless hairpinned through
// another public one), the source becomes the public one. `matched`: false when neither applies.
Verdict Engine::staticNat(const BurstPacket& p, const Services& services, bool* matched) {
  *matched = false;
  if (services.nat_by_public.empty()) return notMine();
  const uint32_t src = load32(p.ip + 12), dst = load32(p.ip + 16);
  const StaticNat* in = findNat<&StaticNat::public_addr>(services.nat_by_public, dst);
  const StaticNat* out = findNat<&StaticNat::private_addr>(services.nat_by_private, src);
  if (out && !in && inSorted(services.local_addresses, dst)) out = nullptr;
  if (!in && !out) return notMine();
  *matched = true;
  const uint32_t to_src = out ? out->public_addr : src, to_dst = in ? in->private_addr : dst;
  if (natRewriteAddresses(p.ip, p.len, to_src, to_dst) != NatResult::kOk) return notMine();
  if (in) {
    static_nat_counters_[in->slot].packets_in.add(1);
    static_nat_counters_[in->slot].bytes_in.add(p.len);
  }
  if (out) {
    static_nat_counters_[out->slot].packets_out.add(1);
    static_nat_counters_[out->slot].bytes_out.add(p.len);
  }
  return forward(to_dst);
}

Verdict Engine::unclaimed(const BurstPacket& p, const flow::FlowKey& key, uint8_t flags,
                          uint32_t now, const Fib& fib, const Services& services) {
  // Before static NAT and forwarding: such a real may sit in a SNAT forwarding network.
  if (key.proto == kProtoTcp && !services.to_kernel.empty() &&
      std::binary_search(services.to_kernel.begin(), services.to_kernel.end(),
                         uint64_t(key.src) << 16 | key.sport))
    return {Outcome::kToKernel, DropReason::kNone, 0};
  bool matched;
  const Verdict nat = staticNat(p, services, &matched);
  if (matched) return nat;
  for (const uint16_t slot : services.forwarding_order)
    if (services.forwarding[slot].contains(key.src))
      return forwardingOpen(p, key, flags, slot, now, fib, services);
  for (const uint16_t slot : services.forwarding_order) {
    const Forwarding& f = services.forwarding[slot];
    if (f.contains(key.dst)) {
      if (f.snat != SnatMode::kNone) forwardingInbound(p, key, flags, slot, now);
      break;
    }
  }
  return notMine();
}

// A connection opened from outside to a host of a SNAT forwarding service's network is routed as
// it is, but tracked untranslated, so that the host's answers are recognised as replies and not
// taken for new outgoing connections to translate. Best effort: when the table is full the packet
// is routed all the same.
void Engine::forwardingInbound(const BurstPacket& p, const flow::FlowKey& key, uint8_t flags,
                               uint16_t slot, uint32_t now) {
  const bool syn = (flags & (flow::kTcpSyn | flow::kTcpAck)) == flow::kTcpSyn;
  if (key.proto == kProtoTcp && !syn) return;
  if (key.proto == kProtoIcmp && p.ip[(p.ip[0] & 0x0f) * 4] != 8) return;  // echo requests only
  flow::NewConnection conn = flow::natConnection(key, {key.dst, key.dport}, {key.src, key.sport});
  conn.service = slot;
  conn.flags = flow::kFlowForwarding;
  conn.tcp_state = key.proto == kProtoTcp ? flow::TcpState::kSynSent : flow::TcpState::kEstablished;
  if (flows_->insert(conn, now).status != flow::InsertStatus::kOk) return;
  NatCounters& c = forwarding_counters_[slot];
  c.opened.add(1);
  c.packets_in.add(1);
  c.bytes_in.add(p.len);
}

// A new connection from a forwarding service's source network. Without SNAT it is only counted
// and routed; with SNAT it opens a flow (the reply comes back to the SNAT address and port, which
// names this lcore) and leaves with the egress interface's self IP (automap) or a pool address.
Verdict Engine::forwardingOpen(const BurstPacket& p, const flow::FlowKey& key, uint8_t flags,
                               uint16_t slot, uint32_t now, const Fib& fib,
                               const Services& services) {
  const Forwarding& f = services.forwarding[slot];
  NatCounters& c = forwarding_counters_[slot];
  if (multicastOrBroadcast(key.dst) || inSorted(services.local_addresses, key.dst))
    return notMine();
  if (f.snat == SnatMode::kNone) {
    c.packets_out.add(1);
    c.bytes_out.add(p.len);
    return notMine();
  }
  const bool syn = (flags & (flow::kTcpSyn | flow::kTcpAck)) == flow::kTcpSyn;
  if (key.proto == kProtoTcp && !syn) return dropped(DropReason::kL4NotSyn);
  // Echo requests open; a stray echo reply (its request came in before the service) is routed.
  if (key.proto == kProtoIcmp && p.ip[(p.ip[0] & 0x0f) * 4] != 8) return notMine();
  const Adjacency* adj = fib.lookup(key.dst);
  if (!adj || adj->kind == Adjacency::Kind::kDrop) return notMine();  // the worker drops it
  // Not resolved yet: the worker hands the translated packet to the kernel to route.
  const size_t port = adj->kind == Adjacency::Kind::kForward ? adj->port : f.automap_port;
  flow::Endpoint source;
  if (f.snat == SnatMode::kAutomap)
    source.addr = automapSource(adj, port, services);
  else
    source.addr = f.pool.empty() ? 0 : f.pool[sched::hashSourceV4(key.src) % f.pool.size()];
  const bool icmp = key.proto == kProtoIcmp;
  if (source.addr)
    source.port = ports_->allocate(source.addr, key.proto, key.dst, icmp ? 0 : key.dport);
  if (source.addr == 0 || source.port == flow::SnatPortAllocator::kNone) {
    c.refused.add(1);
    return dropped(DropReason::kSnatExhausted);
  }
  // ICMP echo: the translated identifier is the flow's port both ways (see FlowKey).
  flow::NewConnection conn =
      flow::natConnection(key, {key.dst, icmp ? source.port : key.dport}, source);
  conn.service = slot;
  conn.original.egress_port = uint8_t(port);
  conn.flags = flow::kFlowSnat | flow::kFlowForwarding;
  conn.tcp_state = key.proto == kProtoTcp ? flow::TcpState::kSynSent : flow::TcpState::kEstablished;
  if (flows_->insert(conn, now).status != flow::InsertStatus::kOk) {
    ports_->release(source.addr, key.proto, key.dst, icmp ? 0 : key.dport, source.port);
    c.refused.add(1);
    return dropped(DropReason::kFlowTableFull);
  }
  c.opened.add(1);
  c.packets_out.add(1);
  c.bytes_out.add(p.len);
  return translate(p.ip, p.len, conn.original.rewrite, now);
}

Verdict Engine::forwardingEstablished(const BurstPacket& p, uint32_t slot, uint8_t flags,
                                      uint32_t now) {
  const flow::FlowEntry& e = flows_->entry(slot);
  if (e.key.proto == kProtoTcp)
    flows_->trackTcp(slot, flags, now);
  else
    flows_->touch(slot, now);
  NatCounters& c = forwarding_counters_[e.service];
  // SNAT connections were opened from the source network, tracked ones from outside.
  const bool from_source = (e.dir() == flow::FlowDir::kOriginal) == bool(e.flags & flow::kFlowSnat);
  if (from_source) {
    c.packets_out.add(1);
    c.bytes_out.add(p.len);
  } else {
    c.packets_in.add(1);
    c.bytes_in.add(p.len);
  }
  return translate(p.ip, p.len, e.rewrite, now);
}

}  // namespace vlb::dp::l4
