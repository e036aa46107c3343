// The Prometheus text format as written by MetricsPage, checked line by line.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mgmt/metrics/exposition.h"

namespace vlb::metrics {
namespace {

TEST(Exposition, CounterGetsPrefixTotalHelpAndTypeOnce) {
  MetricsPage page;
  page.counter("rx_packets", "Frames received.").add({{"port", "ext"}}, uint64_t(10));
  page.counter("vlb_rx_packets_total", "ignored: same family").add({{"port", "int"}}, uint64_t(7));
  EXPECT_EQ(page.text(),
            "# HELP vlb_rx_packets_total Frames received.\n"
            "# TYPE vlb_rx_packets_total counter\n"
            "vlb_rx_packets_total{port=\"ext\"} 10\n"
            "vlb_rx_packets_total{port=\"int\"} 7\n");
  EXPECT_TRUE(page.errors().empty());
}

TEST(Exposition, GaugesKeepExactIntegersAndFormatDoubles) {
  MetricsPage page;
  page.gauge("uptime_seconds", "Time since start.").add({}, 12.5);
  page.gauge("big", "Large.").add({}, uint64_t(18446744073709551615ull)).add({{"s", "n"}}, int64_t(-3));
  EXPECT_EQ(page.text(),
            "# HELP vlb_uptime_seconds Time since start.\n"
            "# TYPE vlb_uptime_seconds gauge\n"
            "vlb_uptime_seconds 12.5\n"
            "# HELP vlb_big Large.\n"
            "# TYPE vlb_big gauge\n"
            "vlb_big 18446744073709551615\n"
            "vlb_big{s=\"n\"} -3\n");
}

TEST(Exposition, SpecialValues) {
  EXPECT_EQ(formatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(formatValue(std::nan("")), "NaN");
  EXPECT_EQ(formatValue(0.1), "0.1");
  EXPECT_EQ(formatValue(1e-9), "1e-09");
  EXPECT_EQ(formatValue(3.0), "3");
}

TEST(Exposition, LabelValuesAndHelpAreEscaped) {
  EXPECT_EQ(escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escapeHelp("x\\y\nz \"q\""), "x\\\\y\\nz \"q\"");
  MetricsPage page;
  page.gauge("g", "Two\nlines.").add({{"path", "C:\\x \"y\""}}, 1);
  EXPECT_EQ(page.text(),
            "# HELP vlb_g Two\\nlines.\n"
            "# TYPE vlb_g gauge\n"
            "vlb_g{path=\"C:\\\\x \\\"y\\\"\"} 1\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  HistogramData h({0.005, 0.1, 1});
  for (double v : {0.001, 0.005, 0.05, 0.5, 2.0, 3.0}) h.observe(v);
  EXPECT_EQ(h.counts, (std::vector<uint64_t>{2, 1, 1, 2}));
  EXPECT_EQ(h.count(), 6u);
  MetricsPage page;
  page.histogram("check_duration_seconds", "Health check time.", {0.005, 0.1, 1}).add({{"real", "r1"}}, h);
  EXPECT_EQ(page.text(),
            "# HELP vlb_check_duration_seconds Health check time.\n"
            "# TYPE vlb_check_duration_seconds histogram\n"
            "vlb_check_duration_seconds_bucket{real=\"r1\",le=\"0.005\"} 2\n"
            "vlb_check_duration_seconds_bucket{real=\"r1\",le=\"0.1\"} 3\n"
            "vlb_check_duration_seconds_bucket{real=\"r1\",le=\"1\"} 4\n"
            "vlb_check_duration_seconds_bucket{real=\"r1\",le=\"+Inf\"} 6\n"
            "vlb_check_duration_seconds_sum{real=\"r1\"} 5.556\n"
            "vlb_check_duration_seconds_count{real=\"r1\"} 6\n");
}

TEST(Exposition, BadNamesAndClashesAreLeftOutAndReported) {
  MetricsPage page;
  page.gauge("bad-name", "bad name").add({}, 1);
  page.gauge("ok", "fine").add({{"bad-label", "v"}}, 1).add({{"__reserved", "v"}}, 2).add({{"good", "v"}}, 3);
  page.counter("ok", "clash with a gauge of the same name? no: counters get _total").add({}, -1);
  page.gauge("ok", "the same gauge again: no error");
  page.histogram("ok", "clash", {1, 2}).add({}, HistogramData({1, 2}));
  page.histogram("h", "bad bounds", {2, 1});
  page.histogram("h2", "le is reserved", {1}).add({{"le", "x"}}, HistogramData({1}));
  page.histogram("h3", "other buckets", {1}).add({}, HistogramData({5}));
  const std::string text = page.text();
  EXPECT_EQ(text.find("# TYPE vlb_bad-name"), std::string::npos);
  EXPECT_NE(text.find("# vlb metrics error: metric name \"vlb_bad-name\" is not valid; left out\n"), std::string::npos);
  EXPECT_NE(text.find("vlb_ok{good=\"v\"} 3\n"), std::string::npos);
  EXPECT_EQ(text.find("bad-label=\""), std::string::npos);
  const auto errors = page.errors();
  const std::vector<std::string> expected = {
      "metric name \"vlb_bad-name\" is not valid; left out",
      "vlb_ok: asked for again as a histogram with other buckets or type; left out",
      "vlb_h: bucket bounds must be finite and strictly increasing; left out",
      "vlb_ok: label name \"bad-label\" is not allowed",
      "vlb_ok: label name \"__reserved\" is not allowed",
      "vlb_ok_total: a counter cannot be negative (-1)",
      "vlb_h2: label name \"le\" is not allowed",
      "vlb_h3: histogram data has other buckets than the family",
  };
  EXPECT_EQ(errors, expected);
}

TEST(Exposition, PlainValueOnAHistogramIsRefused) {
  MetricsPage page;
  page.histogram("lat", "x", {1}).add({}, 3.0);
  page.gauge("g", "x").add({}, HistogramData{});
  ASSERT_EQ(page.errors().size(), 2u);
  EXPECT_EQ(page.errors()[0], "vlb_lat: a histogram cannot take a plain value");
  EXPECT_EQ(page.errors()[1], "vlb_g: a gauge cannot take a histogram value");
}

}  // namespace
}  // namespace vlb::metrics
