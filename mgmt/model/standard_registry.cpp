// The registry of every standard object kind, in the order `show running-config` shows them.
#include "mgmt/model/kinds.h"
#include "mgmt/model/model.h"

namespace vlb::model {

void registerStandardKinds(Registry& registry) {
  kinds::registerSystem(registry);
  kinds::registerNetwork(registry);
  kinds::registerL4(registry);
  kinds::registerL7(registry);
}

const Registry& standardRegistry() {
  static const Registry registry = [] {
    Registry r;
    registerStandardKinds(r);
    return r;
  }();
  return registry;
}

}  // namespace vlb::model
