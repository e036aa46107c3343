// Non-blocking socket helpers shared by the probes: open, bind to the source, connect, and the
// mapping from errno to a Reason.
#pragma once

#include <cstdint>
#include <optional>

#include "mgmt/health/health_types.h"

namespace vlb::health {

Reason reasonFromErrno(int err);

// A non-blocking TCP socket bound to `source` (0: none) with its port chosen at connect; -1 and
// `why` set on failure.
int openTcpSocket(uint32_t source, Reason& why);

// Starts a non-blocking connect; a Reason when it failed at once, nullopt when in progress or done.
std::optional<Reason> startConnect(int fd, uint32_t address, uint16_t port);

// The pending error of a socket (SO_ERROR), 0 when none.
int socketError(int fd);
// The result of a non-blocking connect once epoll reported `events`: writable without an error
// or hang-up means connected (no getsockopt needed), else SO_ERROR says why.
int connectError(int fd, uint32_t events);

void closeFd(int& fd);
// Closes with a RST instead of a FIN: the appliance keeps no TIME_WAIT for the check.
void closeWithReset(int& fd);

}  // namespace vlb::health
