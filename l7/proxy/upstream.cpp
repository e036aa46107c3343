// UpstreamConn and UpstreamPool (see upstream.h).
#include "l7/proxy/upstream.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "l7/proxy/director.h"
#include "l7/proxy/session.h"
#include "l7/proxy/worker.h"

namespace vlb::l7::proxy {

UpstreamConn::UpstreamConn(Worker& worker, std::string key_)
    : key(std::move(key_)), worker_(worker) {
  worker_.upstreamOpened();
}

UpstreamConn::~UpstreamConn() {
  worker_.upstreamClosed();
  assign(nullptr, 0, nullptr);
}

void UpstreamConn::assign(Director* d, uint64_t id, RealCounters* c) {
  if (c != counters) {
    if (counters) counters->active_connections.fetch_sub(1, std::memory_order_relaxed);
    if (c) c->active_connections.fetch_add(1, std::memory_order_relaxed);
    counters = c;
  }
  if (d != director || id != real_id) {
    if (director) director->onUpstreamClosed(real_id);
    if (d) d->onUpstreamOpened(id);
    director = d;
    real_id = id;
  }
}

void UpstreamConn::onEvents(uint32_t events) {
  if (owner) {
    owner->onUpstreamEvents(events);
    return;
  }
  // Idle in the pool: data or a close from the server means it is not reusable. A TLS server may
  // still send session tickets, which SSL_read consumes without handing out data.
  if (transport.ssl() && !(events & (EPOLLERR | EPOLLHUP))) {
    char byte;
    const IoResult r = transport.read(&byte, 1);
    if (r.status == IoStatus::kWouldBlock) return;
  }
  worker_.pool().drop(this);
}

void UpstreamConn::onTimer(int64_t) {
  if (!owner) worker_.pool().drop(this);
}

void retireUpstream(Worker& worker, UpstreamConn* conn) {
  worker.timers().remove(conn);
  worker.unwatch(conn->transport.fd(), conn);
  conn->transport.close();
  conn->owner = nullptr;
  worker.retire(conn);
}

UpstreamPool::~UpstreamPool() { closeAll(); }

bool UpstreamPool::healthy(UpstreamConn* conn) {
  if (conn->transport.ssl()) {
    char byte;
    const IoResult r = conn->transport.read(&byte, 1);
    return r.status == IoStatus::kWouldBlock;
  }
  char byte;
  const ssize_t n = ::recv(conn->transport.fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

UpstreamConn* UpstreamPool::take(const std::string& key, bool check) {
  auto it = idle_by_key_.find(key);
  if (it == idle_by_key_.end()) return nullptr;
  auto& list = it->second;
  while (!list.empty()) {
    UpstreamConn* conn = list.back();  // the most recently used one is the least likely stale
    list.pop_back();
    --idle_;
    // The idle timer stays queued (no re-sorting per request): kNever makes it a no-op when it
    // comes, and give() moves the deadline forward again.
    conn->deadline = TimerTarget::kNever;
    if (!check || healthy(conn)) {
      conn->reused = true;
      return conn;
    }
    retireUpstream(worker_, conn);
  }
  return nullptr;
}

void UpstreamPool::give(UpstreamConn* conn, int64_t idle_deadline) {
  conn->owner = nullptr;
  auto& list = idle_by_key_[conn->key];
  if (list.size() >= max_) {
    retireUpstream(worker_, conn);
    return;
  }
  list.push_back(conn);
  ++idle_;
  worker_.watch(conn->transport.fd(), conn, EPOLLIN | EPOLLRDHUP);
  conn->deadline = idle_deadline;
  worker_.timers().update(conn);
}

void UpstreamPool::drop(UpstreamConn* conn) {
  auto it = idle_by_key_.find(conn->key);
  if (it != idle_by_key_.end()) {
    auto& list = it->second;
    auto pos = std::find(list.begin(), list.end(), conn);
    if (pos != list.end()) {
      list.erase(pos);
      --idle_;
    }
  }
  retireUpstream(worker_, conn);
}

void UpstreamPool::closeAll() {
  for (auto& [key, list] : idle_by_key_)
    for (UpstreamConn* conn : list) retireUpstream(worker_, conn);
  idle_by_key_.clear();
  idle_ = 0;
}

}  // namespace vlb::l7::proxy
