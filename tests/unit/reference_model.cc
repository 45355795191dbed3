// Reference model and table builder for the KPI engine tests (see reference_model.h).
#include "reference_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/engine.h"
#include "core/kpi_registry.h"

namespace keeta::spec {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Howard Hinnant's days_from_civil.
Day DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DayText(Day day) {
  // Inverse of DaysFromCivil (civil_from_days).
  int z = day + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  const int y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string Trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool IsAll(const std::string& s) {
  if (s.size() != 3) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "all";
}

// The spec's filter semantics over one row. `skip_dim` (if any) is ignored: used for the
// choices of that dimension, which are narrowed by the *other* filters only.
struct RefMatcher {
  std::array<std::set<std::string>, kDimensionCount> wanted;  // empty = no filter
  std::optional<Day> from;
  std::optional<Day> to;

  explicit RefMatcher(const RefFilter& f) : from(f.from), to(f.to) {
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      for (const std::string& raw : f.names[d]) {
        std::string v = Trim(raw);
        if (v.empty() || IsAll(v)) continue;  // "an empty value or All means no filter"
        wanted[d].insert(v);
      }
    }
  }

  bool Matches(const Table& t, const Row& r, std::optional<std::size_t> skip_dim) const {
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (skip_dim == d || wanted[d].empty()) continue;
      // A row of a file without this column has no name to match.
      if (!t.columns.dims[d]) return false;
      if (wanted[d].count(r.names[d]) == 0) return false;
    }
    if (from || to) {
      // "Whenever either date is given, rows with a missing day are left out."
      if (!t.columns.day || !r.day) return false;
      if (from && *r.day < *from) return false;
      if (to && *r.day > *to) return false;
    }
    return true;
  }
};

bool KpiAvailable(const Columns& c, const RefKpiSpec& k) {
  switch (k.aggregation) {
    case RefAggregation::kSum:
    case RefAggregation::kMean:
      return c.has(k.input);
    case RefAggregation::kResolvedPct:
      return c.has(Measure::kResolved) && c.has(Measure::kPending);
    case RefAggregation::kActiveAgents:
      return c.has(Dimension::kAgent);
  }
  return false;
}

// One KPI over a set of rows, straight from the spec's table.
std::optional<double> Aggregate(const Table& t, const RefKpiSpec& k,
                                const std::vector<const Row*>& rows, bool weighted = false) {
  if (weighted && k.aggregation == RefAggregation::kMean) {
    // "Σ(value × chats) / Σ chats over the rows where both are present and chats > 0".
    double num = 0;
    double den = 0;
    for (const Row* r : rows) {
      const auto v = r->value(k.input);
      const auto chats = r->value(Measure::kTotalChats);
      if (v && chats && *chats > 0) {
        num += *v * *chats;
        den += *chats;
      }
    }
    if (den == 0) return std::nullopt;
    return num / den;
  }
  switch (k.aggregation) {
    case RefAggregation::kSum: {
      double sum = 0;  // "0 when there are none"
      for (const Row* r : rows) {
        if (auto v = r->value(k.input)) sum += *v;
      }
      return sum;
    }
    case RefAggregation::kMean: {
      double sum = 0;
      std::size_t n = 0;
      for (const Row* r : rows) {
        if (auto v = r->value(k.input)) {
          sum += *v;
          ++n;
        }
      }
      if (n == 0) return std::nullopt;
      return sum / static_cast<double>(n);
    }
    case RefAggregation::kResolvedPct: {
      double resolved = 0;
      double pending = 0;
      for (const Row* r : rows) {
        if (auto v = r->value(Measure::kResolved)) resolved += *v;
        if (auto v = r->value(Measure::kPending)) pending += *v;
      }
      if (resolved + pending == 0) return std::nullopt;
      return 100.0 * resolved / (resolved + pending);
    }
    case RefAggregation::kActiveAgents: {
      std::set<std::string> agents;
      for (const Row* r : rows) {
        const std::optional<double> active =
            t.columns.has(Measure::kActiveAgents) ? r->value(Measure::kActiveAgents)
                                                  : std::optional<double>();
        const bool is_active = !active.has_value() || *active != 0;
        const std::string& agent = r->name(Dimension::kAgent);
        if (is_active && !agent.empty()) agents.insert(agent);
      }
      return static_cast<double>(agents.size());
    }
  }
  return std::nullopt;
}

// The table as the engine sees it: cells of absent columns do not exist.
Table Normalized(const Table& in) {
  Table t = in;
  for (Row& r : t.rows) {
    if (!t.columns.day) r.day.reset();
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (!t.columns.dims[d]) r.names[d].clear();
    }
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!t.columns.measures[m]) r.values[m].reset();
    }
  }
  return t;
}

std::string Fmt(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

std::string Fmt(std::optional<double> v) { return v ? Fmt(*v) : std::string("null"); }

bool Close(double want, double got, double rel_tol, bool exact) {
  if (exact) return want == got;
  const double scale = std::max(std::fabs(want), std::fabs(got));
  return std::fabs(want - got) <= rel_tol * scale + 1e-12;
}

}  // namespace

const std::array<RefKpiSpec, 10> kRefKpis{{
    {"total_chats", RefAggregation::kSum, Measure::kTotalChats},
    {"avg_response_time", RefAggregation::kMean, Measure::kAvgResponseTime},
    {"csat", RefAggregation::kMean, Measure::kCsat},
    {"active_agents", RefAggregation::kActiveAgents, Measure::kActiveAgents},
    {"escalations", RefAggregation::kSum, Measure::kEscalations},
    {"resolved_pct", RefAggregation::kResolvedPct, Measure::kResolved},
    {"pending", RefAggregation::kSum, Measure::kPending},
    {"avg_chat_duration", RefAggregation::kMean, Measure::kAvgChatDuration},
    {"sales_conversion", RefAggregation::kMean, Measure::kSalesConversion},
    {"avg_queue_time", RefAggregation::kMean, Measure::kAvgQueueTime},
}};

std::string Iso(Day day) { return DayText(day); }

Day D(std::string_view iso) {
  auto digits = [&](std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') throw std::invalid_argument(std::string(iso));
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') {
    throw std::invalid_argument(std::string(iso));
  }
  return DaysFromCivil(digits(0, 4), digits(5, 2), digits(8, 2));
}

ParsedTable ToParsedTable(const Table& table, std::uint64_t dictionary_seed) {
  ParsedTable out;
  out.rows = table.rows.size();
  out.has_day = table.columns.day;
  if (out.has_day) {
    out.day.reserve(out.rows);
    for (const Row& r : table.rows) out.day.push_back(r.day ? *r.day : kNoDay);
  }
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    NameColumn& col = out.names[d];
    col.present = table.columns.dims[d];
    if (!col.present) continue;
    for (const Row& r : table.rows) {
      if (std::find(col.names.begin(), col.names.end(), r.names[d]) == col.names.end()) {
        col.names.push_back(r.names[d]);
      }
    }
    if (dictionary_seed != 0) {
      std::mt19937_64 rng(dictionary_seed * 31 + d);
      std::shuffle(col.names.begin(), col.names.end(), rng);
    }
    std::map<std::string, std::uint32_t> code_of;
    for (std::size_t i = 0; i < col.names.size(); ++i) {
      code_of[col.names[i]] = static_cast<std::uint32_t>(i);
    }
    col.codes.reserve(out.rows);
    for (const Row& r : table.rows) col.codes.push_back(code_of.at(r.names[d]));
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!table.columns.measures[m]) continue;
    std::vector<double> values;
    values.reserve(out.rows);
    for (const Row& r : table.rows) values.push_back(r.values[m] ? *r.values[m] : kNaN);
    out.measures[m] = std::move(values);
  }
  return out;
}

std::shared_ptr<const Dataset> BuildDataset(const Table& table, std::uint64_t dictionary_seed) {
  return Dataset::Build(ToParsedTable(table, dictionary_seed), LoadReport{});
}

Dashboard Compute(const Table& table, const Filter& filter) {
  return ComputeDashboard(*BuildDataset(table), Query{filter, {}});
}

FilterChoices Choices(const Table& table, const Filter& filter) {
  return ComputeChoices(*BuildDataset(table), Query{filter, {}});
}

Filter MakeFilter(std::vector<std::string> agents, std::vector<std::string> team_leaders,
                  std::vector<std::string> supervisors, std::optional<Day> from,
                  std::optional<Day> to) {
  Filter f;
  for (const auto& v : agents) f.AddName(Dimension::kAgent, v);
  for (const auto& v : team_leaders) f.AddName(Dimension::kTeamLeader, v);
  for (const auto& v : supervisors) f.AddName(Dimension::kSupervisor, v);
  f.from = from;
  f.to = to;
  return f;
}

Filter DateFilter(std::optional<Day> from, std::optional<Day> to) {
  return MakeFilter({}, {}, {}, from, to);
}

const KpiResult& Kpi(const Dashboard& dashboard, std::string_view id) {
  for (std::size_t i = 0; i < kKpiCount; ++i) {
    if (kKpis[i].id == id) {
      const KpiResult& k = dashboard.kpis[i];
      EXPECT_EQ(k.def, &kKpis[i]) << "kpis[" << i << "] should be " << id;
      return k;
    }
  }
  ADD_FAILURE() << "no KPI with id " << id;
  throw std::invalid_argument(std::string(id));
}

namespace {

// Year, month, day of a Day, read back from its text form.
struct RefCivil {
  int y, m, d;
};
RefCivil CivilOf(Day day) {
  const std::string text = DayText(day);
  return {std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2))};
}

// 0 = Monday ... 6 = Sunday (Sakamoto's method).
int Weekday(Day day) {
  static const int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  RefCivil c = CivilOf(day);
  if (c.m < 3) c.y -= 1;
  const int sunday_first = (c.y + c.y / 4 - c.y / 100 + c.y / 400 + kOffsets[c.m - 1] + c.d) % 7;
  return (sunday_first + 6) % 7;
}

// The data's first and last day (over every row with a day).
std::pair<std::optional<Day>, std::optional<Day>> DataSpan(const Table& t) {
  std::optional<Day> first, last;
  for (const Row& r : t.rows) {
    if (!r.day) continue;
    if (!first || *r.day < *first) first = r.day;
    if (!last || *r.day > *last) last = r.day;
  }
  return {first, last};
}

}  // namespace

Day RefBucketStart(Day day, RefGranularity g) {
  switch (g) {
    case RefGranularity::kDay: return day;
    case RefGranularity::kWeek: return day - Weekday(day);
    case RefGranularity::kMonth: {
      const RefCivil c = CivilOf(day);
      return DaysFromCivil(c.y, c.m, 1);
    }
  }
  return day;
}

std::optional<RefPeriod> ReferencePreset(std::string_view key, Day today,
                                         std::optional<Day> data_last) {
  const Day anchor = data_last && *data_last < today ? *data_last : today;
  const RefCivil c = CivilOf(anchor);
  if (key == "today") return RefPeriod{anchor, anchor};
  if (key == "yesterday") return RefPeriod{anchor - 1, anchor - 1};
  if (key == "last_7") return RefPeriod{anchor - 6, anchor};
  if (key == "last_30") return RefPeriod{anchor - 29, anchor};
  if (key == "last_90") return RefPeriod{anchor - 89, anchor};
  if (key == "this_month") return RefPeriod{DaysFromCivil(c.y, c.m, 1), anchor};
  if (key == "last_month") {
    const int y = c.m == 1 ? c.y - 1 : c.y;
    const int m = c.m == 1 ? 12 : c.m - 1;
    return RefPeriod{DaysFromCivil(y, m, 1), DaysFromCivil(c.y, c.m, 1) - 1};
  }
  if (key == "this_quarter") {
    const int first_month = c.m <= 3 ? 1 : c.m <= 6 ? 4 : c.m <= 9 ? 7 : 10;
    return RefPeriod{DaysFromCivil(c.y, first_month, 1), anchor};
  }
  if (key == "year_to_date") return RefPeriod{DaysFromCivil(c.y, 1, 1), anchor};
  return std::nullopt;  // "all"
}

namespace {

bool IsWeighted(const RefOptions& options, const RefKpiSpec& k) {
  return k.aggregation == RefAggregation::kMean && options.weighted.count(std::string(k.id)) != 0;
}

}  // namespace

RefDashboard ReferenceDashboard(const Table& input, const RefFilter& filter,
                                const RefOptions& options) {
  const Table t = Normalized(input);
  const RefMatcher matcher(filter);

  std::vector<const Row*> rows;
  for (const Row& r : t.rows) {
    if (matcher.Matches(t, r, std::nullopt)) rows.push_back(&r);
  }
  // Trend buckets: each bucket with at least one filtered row with a day ("no day column:
  // every trend is empty" falls out, as Normalized() drops every day).
  std::map<Day, std::vector<const Row*>> by_bucket;
  for (const Row* r : rows) {
    if (r->day) by_bucket[RefBucketStart(*r->day, options.granularity)].push_back(r);
  }

  // "With a date range from..to (both given, or the missing end taken from the data's first
  // or last day), the previous period is the same number of days ending the day before
  // from", with the same name filters. A reversed range has no previous period.
  std::vector<const Row*> previous_rows;
  RefDashboard out;
  if (filter.from || filter.to) {
    const auto [first, last] = DataSpan(t);
    const std::optional<Day> from = filter.from ? filter.from : first;
    const std::optional<Day> to = filter.to ? filter.to : last;
    if (from && to && *from <= *to) {
      const int days = *to - *from + 1;
      out.previous = RefPeriod{*from - days, *from - 1};
      RefFilter previous_filter = filter;
      previous_filter.from = out.previous->from;
      previous_filter.to = out.previous->to;
      const RefMatcher previous_matcher(previous_filter);
      for (const Row& r : t.rows) {
        if (previous_matcher.Matches(t, r, std::nullopt)) previous_rows.push_back(&r);
      }
    }
  }

  out.rows = rows.size();
  for (const auto& [day, unused] : by_bucket) out.days.push_back(day);
  for (const RefKpiSpec& k : kRefKpis) {
    RefKpi kpi;
    kpi.id = std::string(k.id);
    kpi.available = KpiAvailable(t.columns, k);
    const bool weighted = IsWeighted(options, k);
    if (kpi.available) {
      kpi.value = Aggregate(t, k, rows, weighted);
      for (const auto& [day, bucket_rows] : by_bucket) {
        kpi.trend.push_back(Aggregate(t, k, bucket_rows, weighted));
      }
      if (out.previous) {
        kpi.previous = Aggregate(t, k, previous_rows, weighted);
        if (kpi.value && kpi.previous) {
          kpi.change = *kpi.value - *kpi.previous;
          if (*kpi.previous != 0) kpi.change_pct = 100 * *kpi.change / std::fabs(*kpi.previous);
        }
      }
    }
    out.kpis.push_back(std::move(kpi));
  }
  return out;
}

std::vector<RefBreakdownEntry> ReferenceBreakdown(const Table& input, const RefFilter& filter,
                                                  Dimension by, std::string_view sort_id,
                                                  bool descending, std::string_view search,
                                                  const RefOptions& options) {
  const Table t = Normalized(input);
  const RefMatcher matcher(filter);
  std::map<std::string, std::vector<const Row*>> by_name;  // sorted by name (byte order)
  for (const Row& r : t.rows) {
    const std::string& name = r.name(by);
    if (!name.empty() && matcher.Matches(t, r, std::nullopt)) by_name[name].push_back(&r);
  }
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& ch : out) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
  };
  std::vector<RefBreakdownEntry> out;
  std::size_t sort_index = kRefKpis.size();
  for (std::size_t k = 0; k < kRefKpis.size(); ++k) {
    if (kRefKpis[k].id == sort_id) sort_index = k;
  }
  for (const auto& [name, name_rows] : by_name) {
    if (lower(name).find(lower(search)) == std::string::npos) continue;
    RefBreakdownEntry entry{name, name_rows.size(), {}};
    for (const RefKpiSpec& k : kRefKpis) {
      entry.values.push_back(KpiAvailable(t.columns, k)
                                 ? Aggregate(t, k, name_rows, IsWeighted(options, k))
                                 : std::nullopt);
    }
    out.push_back(std::move(entry));
  }
  // Insertion sort, written out from the rule: no value last, else by value, ties by name.
  auto before = [&](const RefBreakdownEntry& a, const RefBreakdownEntry& b) {
    if (sort_index == kRefKpis.size()) return descending ? a.name > b.name : a.name < b.name;
    const auto& va = a.values[sort_index];
    const auto& vb = b.values[sort_index];
    if (va.has_value() != vb.has_value()) return va.has_value();
    if (va && *va != *vb) return descending ? *va > *vb : *va < *vb;
    return a.name < b.name;
  };
  for (std::size_t i = 1; i < out.size(); ++i) {
    for (std::size_t j = i; j > 0 && before(out[j], out[j - 1]); --j) std::swap(out[j], out[j - 1]);
  }
  return out;
}

RefChoices ReferenceChoices(const Table& input, const RefFilter& filter) {
  const Table t = Normalized(input);
  const RefMatcher matcher(filter);
  RefChoices out;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!t.columns.dims[d]) continue;
    std::set<std::string> names;
    for (const Row& r : t.rows) {
      if (!r.names[d].empty() && matcher.Matches(t, r, d)) names.insert(r.names[d]);
    }
    out.names[d].assign(names.begin(), names.end());
  }
  for (const Row& r : t.rows) {
    if (!r.day) continue;
    if (!out.min_day || *r.day < *out.min_day) out.min_day = r.day;
    if (!out.max_day || *r.day > *out.max_day) out.max_day = r.day;
  }
  return out;
}

std::vector<std::string> DiffDashboards(const RefDashboard& want, const Dashboard& got,
                                        double rel_tol, bool exact_counts) {
  std::vector<std::string> diffs;
  if (want.rows != got.rows) {
    diffs.push_back("rows: want " + std::to_string(want.rows) + ", got " +
                    std::to_string(got.rows));
  }
  if (want.days != got.days) {
    std::string w, g;
    for (Day d : want.days) w += DayText(d) + " ";
    for (Day d : got.days) g += DayText(d) + " ";
    diffs.push_back("days: want [" + w + "], got [" + g + "]");
  }
  auto period_text = [](const std::optional<RefPeriod>& p) {
    return p ? DayText(p->from) + ".." + DayText(p->to) : std::string("none");
  };
  const std::optional<RefPeriod> got_previous =
      got.previous ? std::optional<RefPeriod>(RefPeriod{got.previous->from, got.previous->to})
                   : std::nullopt;
  if (period_text(want.previous) != period_text(got_previous)) {
    diffs.push_back("previous period: want " + period_text(want.previous) + ", got " +
                    period_text(got_previous));
  }
  for (std::size_t i = 0; i < kKpiCount && i < want.kpis.size(); ++i) {
    const RefKpi& w = want.kpis[i];
    const KpiResult& g = got.kpis[i];
    const std::string name = w.id + ": ";
    if (g.def == nullptr || g.def->id != w.id) {
      diffs.push_back(name + "kpis[" + std::to_string(i) + "] has the wrong def");
      continue;
    }
    const bool exact = exact_counts && (kRefKpis[i].aggregation == RefAggregation::kSum ||
                                        kRefKpis[i].aggregation == RefAggregation::kActiveAgents);
    if (w.available != g.available) {
      diffs.push_back(name + "available: want " + std::to_string(w.available) + ", got " +
                      std::to_string(g.available));
    }
    if (g.value && std::isnan(*g.value)) {
      diffs.push_back(name + "card value is NaN inside an optional (no value must be nullopt)");
    } else if (w.value.has_value() != g.value.has_value() ||
               (w.value && !Close(*w.value, *g.value, rel_tol, exact))) {
      diffs.push_back(name + "card: want " + Fmt(w.value) + ", got " + Fmt(g.value));
    }
    auto compare = [&](std::string_view what, const std::optional<double>& wv,
                       const std::optional<double>& gv, bool exact_value) {
      if (wv.has_value() != gv.has_value() || (wv && !Close(*wv, *gv, rel_tol, exact_value))) {
        diffs.push_back(name + std::string(what) + ": want " + Fmt(wv) + ", got " + Fmt(gv));
      }
    };
    compare("previous", w.previous, g.previous, exact);
    compare("change", w.change, g.change, exact);
    compare("change_pct", w.change_pct, g.change_pct, false);
    if (w.trend.size() != g.trend.size()) {
      diffs.push_back(name + "trend size: want " + std::to_string(w.trend.size()) + ", got " +
                      std::to_string(g.trend.size()));
      continue;
    }
    for (std::size_t j = 0; j < w.trend.size(); ++j) {
      const std::optional<double>& wv = w.trend[j];
      const double gv = g.trend[j];
      const bool ok = wv ? !std::isnan(gv) && Close(*wv, gv, rel_tol, exact) : std::isnan(gv);
      if (!ok) {
        const std::string day = j < want.days.size() ? DayText(want.days[j]) : "?";
        diffs.push_back(name + "trend[" + day + "]: want " + Fmt(wv) + ", got " + Fmt(gv));
      }
    }
  }
  return diffs;
}

std::vector<std::string> DiffBreakdown(const std::vector<RefBreakdownEntry>& want,
                                       std::size_t want_total, const Breakdown& got,
                                       double rel_tol) {
  std::vector<std::string> diffs;
  if (want_total != got.total) {
    diffs.push_back("breakdown total: want " + std::to_string(want_total) + ", got " +
                    std::to_string(got.total));
  }
  if (want.size() != got.entries.size()) {
    diffs.push_back("breakdown entries: want " + std::to_string(want.size()) + ", got " +
                    std::to_string(got.entries.size()));
    return diffs;
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    const RefBreakdownEntry& w = want[i];
    const BreakdownEntry& g = got.entries[i];
    const std::string at = "breakdown[" + std::to_string(i) + "] ";
    if (w.name != g.name) {
      diffs.push_back(at + "name: want '" + w.name + "', got '" + g.name + "'");
      continue;
    }
    if (w.rows != g.rows) {
      diffs.push_back(at + w.name + " rows: want " + std::to_string(w.rows) + ", got " +
                      std::to_string(g.rows));
    }
    for (std::size_t k = 0; k < kRefKpis.size(); ++k) {
      const auto& wv = w.values[k];
      const auto& gv = g.values[k];
      if (wv.has_value() != gv.has_value() || (wv && !Close(*wv, *gv, rel_tol, false))) {
        diffs.push_back(at + w.name + " " + std::string(kRefKpis[k].id) + ": want " + Fmt(wv) +
                        ", got " + Fmt(gv));
      }
    }
  }
  return diffs;
}

std::vector<std::string> DiffChoices(const RefChoices& want, const FilterChoices& got) {
  std::vector<std::string> diffs;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (want.names[d] != got.names[d]) {
      std::string w, g;
      for (const auto& n : want.names[d]) w += "'" + n + "' ";
      for (const auto& n : got.names[d]) g += "'" + n + "' ";
      diffs.push_back(std::string(kDimensionColumns[d]) + " choices: want [" + w + "], got [" +
                      g + "]");
    }
  }
  auto day_text = [](std::optional<Day> d) { return d ? DayText(*d) : std::string("null"); };
  if (want.min_day != got.min_day) {
    diffs.push_back("min_day: want " + day_text(want.min_day) + ", got " +
                    day_text(got.min_day));
  }
  if (want.max_day != got.max_day) {
    diffs.push_back("max_day: want " + day_text(want.max_day) + ", got " +
                    day_text(got.max_day));
  }
  return diffs;
}

}  // namespace keeta::spec
