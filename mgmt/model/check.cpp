// `commit check`: the document through the configuration parser of mgmt/config.
#include "mgmt/config/config.h"
#include "mgmt/model/model.h"

namespace vlb::model {

Status checkDocument(const Json& doc) {
  auto cfg = config::parseConfig(doc.dump(-1, ' ', false, Json::error_handler_t::replace));
  if (!cfg) return fail(cfg.error());
  return Ok{};
}

}  // namespace vlb::model
