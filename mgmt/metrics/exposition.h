// Prometheus text exposition format 0.0.4: families of counters, gauges and histograms, written
// with HELP and TYPE once per family, escaped label values, the `vlb_` prefix and `_total` on
// counters. Names are checked; a bad name or a type clash is recorded in errors() and the family
// is left out of the page (the page says so in a comment), so one mistake never breaks a scrape.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vlb::metrics {

constexpr const char* kPrefix = "vlb_";
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { Counter, Gauge, Histogram };

// Observations in buckets: counts[i] are those ≤ bounds[i] and > bounds[i-1]; the last count is
// above every bound (+Inf). Not cumulative here; the writer accumulates.
struct HistogramData {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;  // bounds.size() + 1
  double sum = 0;
  explicit HistogramData(std::vector<double> upper_bounds = {})
      : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0) {}
  void observe(double value);
  uint64_t count() const;
};

class Family {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<double> bounds = {})
      : name_(std::move(name)), help_(std::move(help)), type_(type), bounds_(std::move(bounds)) {}

  // Exact integers (packets, bytes, connections).
  Family& add(const Labels& labels, uint64_t value);
  Family& add(const Labels& labels, int64_t value);
  Family& add(const Labels& labels, double value);
  Family& add(const Labels& labels, int value) { return add(labels, int64_t(value)); }
  Family& add(const Labels& labels, unsigned value) { return add(labels, uint64_t(value)); }
  // For histograms; the data's bounds must equal the family's.
  Family& add(const Labels& labels, const HistogramData& data);

  const std::string& name() const { return name_; }  // with prefix and, for counters, _total
  MetricType type() const { return type_; }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  friend class MetricsPage;
  struct Sample {
    Labels labels;
    bool exact = false;
    uint64_t magnitude = 0;
    bool negative = false;
    double value = 0;
    HistogramData histogram;
  };
  void addError(std::string message) { errors_.push_back(std::move(message)); }
  bool addable(const Labels& labels, MetricType expected);

  std::string name_, help_;
  MetricType type_;
  std::vector<double> bounds_;
  std::vector<Sample> samples_;
  std::vector<std::string> errors_;
  bool valid_ = true;
};

// One scrape's worth of families, written in the order they were first asked for.
class MetricsPage {
 public:
  // `name` without the prefix is fine ("connections" → "vlb_connections"); counters get
  // "_total" unless they have it. Asking again for a family returns the same one.
  Family& counter(const std::string& name, const std::string& help);
  Family& gauge(const std::string& name, const std::string& help);
  // Upper bounds, strictly increasing and finite; +Inf is added.
  Family& histogram(const std::string& name, const std::string& help, std::vector<double> bounds);

  std::string text() const;
  std::vector<std::string> errors() const;

 private:
  Family& family(std::string name, const std::string& help, MetricType type, std::vector<double> bounds);
  std::vector<std::unique_ptr<Family>> families_;
  std::map<std::string, Family*> by_name_;
  std::vector<std::string> errors_;
};

// Helpers, exposed for tests.
std::string escapeLabelValue(const std::string& value);
std::string escapeHelp(const std::string& help);
std::string formatValue(double value);
bool isValidMetricName(const std::string& name);
bool isValidLabelName(const std::string& name);

}  // namespace vlb::metrics
