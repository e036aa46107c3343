// Writing metric families in the Prometheus text format 0.0.4.
#include "mgmt/metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace vlb::metrics {
namespace {

const char* typeName(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}

void appendLabels(std::string& out, const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && !le) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escapeLabelValue(v) + '"';
  }
  if (le) out += std::string(first ? "" : ",") + "le=\"" + *le + '"';
  out += '}';
}

std::string exactText(bool negative, uint64_t magnitude) {
  return (negative ? "-" : "") + std::to_string(magnitude);
}

}  // namespace

void HistogramData::observe(double value) {
  size_t i = 0;
  while (i < bounds.size() && value > bounds[i]) ++i;
  ++counts[i];
  sum += value;
}

uint64_t HistogramData::count() const {
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  return n;
}

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest text that reads back equal
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

bool isValidMetricName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  return true;
}

bool isValidLabelName(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name.starts_with("__")) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool Family::addable(const Labels& labels, MetricType expected) {
  const bool histogram_value = expected == MetricType::Histogram;
  if ((type_ == MetricType::Histogram) != histogram_value) {
    addError(name_ + ": a " + typeName(type_) + " cannot take a " +
             (histogram_value ? "histogram" : "plain") + " value");
    return false;
  }
  for (const auto& [k, v] : labels) {
    if (!isValidLabelName(k) || (k == "le" && type_ == MetricType::Histogram)) {
      addError(name_ + ": label name \"" + k + "\" is not allowed");
      return false;
    }
  }
  return true;
}

Family& Family::add(const Labels& labels, uint64_t value) {
  if (addable(labels, MetricType::Counter)) samples_.push_back({labels, true, value, false, double(value), HistogramData{}});
  return *this;
}

Family& Family::add(const Labels& labels, int64_t value) {
  if (type_ == MetricType::Counter && value < 0) {
    addError(name_ + ": a counter cannot be negative (" + std::to_string(value) + ")");
    return *this;
  }
  const uint64_t magnitude = value < 0 ? uint64_t(0) - uint64_t(value) : uint64_t(value);
  if (addable(labels, MetricType::Gauge)) samples_.push_back({labels, true, magnitude, value < 0, double(value), HistogramData{}});
  return *this;
}

Family& Family::add(const Labels& labels, double value) {
  if (type_ == MetricType::Counter && value < 0) {
    addError(name_ + ": a counter cannot be negative (" + formatValue(value) + ")");
    return *this;
  }
  if (addable(labels, MetricType::Gauge)) samples_.push_back({labels, false, 0, false, value, HistogramData{}});
  return *this;
}

Family& Family::add(const Labels& labels, const HistogramData& data) {
  if (!addable(labels, MetricType::Histogram)) return *this;
  if (data.bounds != bounds_ || data.counts.size() != bounds_.size() + 1) {
    addError(name_ + ": histogram data has other buckets than the family");
    return *this;
  }
  Sample s{labels, false, 0, false, 0, data};
  samples_.push_back(std::move(s));
  return *this;
}

Family& MetricsPage::family(std::string name, const std::string& help, MetricType type,
                            std::vector<double> bounds) {
  if (!name.starts_with(kPrefix)) name = kPrefix + name;
  if (type == MetricType::Counter && !name.ends_with("_total")) name += "_total";
  auto it = by_name_.find(name);
  if (it != by_name_.end() && it->second->type_ == type && it->second->bounds_ == bounds) return *it->second;

  families_.push_back(std::make_unique<Family>(name, help, type, std::move(bounds)));
  Family& f = *families_.back();
  if (it != by_name_.end()) {
    f.valid_ = false;
    errors_.push_back(name + ": asked for again as a " + typeName(type) + " with other buckets or type; left out");
    return f;
  }
  if (!isValidMetricName(name)) {
    f.valid_ = false;
    errors_.push_back("metric name \"" + name + "\" is not valid; left out");
  }
  for (size_t i = 0; i < f.bounds_.size(); ++i) {
    if (!std::isfinite(f.bounds_[i]) || (i > 0 && f.bounds_[i] <= f.bounds_[i - 1])) {
      f.valid_ = false;
      errors_.push_back(name + ": bucket bounds must be finite and strictly increasing; left out");
      break;
    }
  }
  if (f.valid_) by_name_[name] = &f;
  return f;
}

Family& MetricsPage::counter(const std::string& name, const std::string& help) {
  return family(name, help, MetricType::Counter, {});
}
Family& MetricsPage::gauge(const std::string& name, const std::string& help) {
  return family(name, help, MetricType::Gauge, {});
}
Family& MetricsPage::histogram(const std::string& name, const std::string& help, std::vector<double> bounds) {
  return family(name, help, MetricType::Histogram, std::move(bounds));
}

std::vector<std::string> MetricsPage::errors() const {
  std::vector<std::string> all = errors_;
  for (const auto& f : families_) all.insert(all.end(), f->errors_.begin(), f->errors_.end());
  return all;
}

std::string MetricsPage::text() const {
  std::string out;
  for (const auto& f : families_) {
    if (!f->valid_) continue;
    // The TYPE line names the family; counters' samples carry "_total", the family does too
    // in 0.0.4 (the parser strips it), so both lines use the full name.
    out += "# HELP " + f->name_ + ' ' + escapeHelp(f->help_) + '\n';
    out += "# TYPE " + f->name_ + ' ' + typeName(f->type_) + '\n';
    for (const auto& s : f->samples_) {
      if (f->type_ != MetricType::Histogram) {
        out += f->name_;
        appendLabels(out, s.labels);
        out += ' ' + (s.exact ? exactText(s.negative, s.magnitude) : formatValue(s.value)) + '\n';
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= f->bounds_.size(); ++i) {
        cumulative += s.histogram.counts[i];
        const std::string le = i < f->bounds_.size() ? formatValue(f->bounds_[i]) : "+Inf";
        out += f->name_ + "_bucket";
        appendLabels(out, s.labels, &le);
        out += ' ' + std::to_string(cumulative) + '\n';
      }
      out += f->name_ + "_sum";
      appendLabels(out, s.labels);
      out += ' ' + formatValue(s.histogram.sum) + '\n';
      out += f->name_ + "_count";
      appendLabels(out, s.labels);
      out += ' ' + std::to_string(cumulative) + '\n';
    }
  }
  for (const auto& e : errors()) out += "# vlb metrics error: " + escapeHelp(e) + '\n';
  return out;
}

}  // namespace vlb::metrics
