// The synthetic data generator (see generator.h).
//
// Shape of the data, chosen so that demos look like a real support org and benchmarks see
// realistic cardinalities:
//   * Span: 365 days when rows < 1,000,000, else 1,095 days (three years). The roster has
//     ceil(rows / span) agents, e.g. 100k rows -> 274 agents, 1M -> 914, 10M -> 9,133.
//   * One team leader per ~9 agents, one supervisor per ~4.5 team leaders. About 3% of the
//     agents move to another team once, so an agent may appear under two team leaders.
//   * One row per agent per day, in shuffled order within each day. Days are emitted in
//     order until exactly `rows` rows are written, so the last day may be partial.
//   * The first agent is exactly `Ahmed` under team leader exactly `Sara` (the original
//     dashboard's example), present on every emitted day.
//   * Weekly pattern (weekends quieter, more days off), a slow upward trend in volume and
//     CSAT, a yearly seasonal wave, rare incident days (busier, slower, lower CSAT), noise.
//   * With junk: rare whole-day gaps, junk numeric cells ("N/A", "", "abc", ...), percent
//     cells with a trailing "%", unreadable or differently formatted day cells, quoted or
//     space-padded names, and names that need RFC 4180 quoting.
//
// Determinism: the only randomness is our own xoshiro256** seeded by splitmix64, and every
// value is formatted from integers, so a seed gives identical bytes on every platform
// (std::*_distribution would not: their algorithms differ between standard libraries).
#include "store/generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/date.h"
#include "core/schema.h"

namespace keeta {
namespace {

constexpr std::uint64_t kMaxRows = 1'000'000'000;  // Dataset row ids are 32-bit

// xoshiro256** (Blackman & Vigna), seeded with splitmix64. Small, fast, and the same
// sequence everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      word = z ^ (z >> 31);
    }
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Between(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  bool Chance(double p) { return Uniform() < p; }
  // Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is far below what we need).
  std::uint32_t Below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((Next() >> 32) * n) >> 32);
  }
  // Approximately standard normal: Irwin-Hall sum of four 16-bit uniforms from one draw.
  // Bounded to about +-3.46, which suits data that should never go wild.
  double Normal() {
    const std::uint64_t r = Next();
    const double sum = static_cast<double>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) +
                                           ((r >> 32) & 0xFFFF) + (r >> 48)) *
                       (1.0 / 65536.0);
    return (sum - 2.0) * 1.7320508075688772;  // variance of the sum is 4/12
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

// Name pools. Latin-script names mix transliterated Arabic names with English ones.
constexpr std::array<std::string_view, 56> kLatinFirst{
    "Ahmed",   "Sara",    "Omar",    "Layla",   "Mohammed", "Fatima",  "Youssef", "Khalid",
    "Noura",   "Hassan",  "Mariam",  "Ali",     "Huda",     "Tariq",   "Rana",    "Karim",
    "Dina",    "Faisal",  "Aisha",   "Ibrahim", "Salma",    "Ziad",    "Hana",    "Bilal",
    "Reem",    "Hamza",   "Lina",    "Mustafa", "Yasmin",   "Nabil",   "Amal",    "Samir",
    "James",   "Emily",   "Michael", "Olivia",  "Daniel",   "Sophie",  "David",   "Emma",
    "John",    "Grace",   "Ryan",    "Chloe",   "Adam",     "Lucy",    "Thomas",  "Hannah",
    "Peter",   "Laura",   "Mark",    "Rachel",  "Chris",    "Anna",    "Sam",     "Nadia"};
constexpr std::array<std::string_view, 48> kLatinLast{
    "Haddad",  "Khan",     "Mansour", "Nasser",  "Saleh",   "Farouk",  "Aziz",    "Hamdan",
    "Rahman",  "Qureshi",  "Khoury",  "Abbas",   "Darwish", "Hussein", "Jaber",   "Karam",
    "Mahmoud", "Najjar",   "Othman",  "Sabbagh", "Shami",   "Yousef",  "Zaki",    "Bakr",
    "Smith",   "Johnson",  "Brown",   "Taylor",  "Wilson",  "Clark",   "Walker",  "Hughes",
    "Bennett", "Carter",   "Evans",   "Turner",  "Parker",  "Collins", "Morgan",  "Reed",
    "Cooper",  "Ward",     "Foster",  "Gray",    "Price",   "Bell",    "Murphy",  "Hayes"};
constexpr std::array<std::string_view, 32> kArabicFirst{
    "محمد",  "فاطمة", "يوسف", "أحمد", "سارة",   "عمر",  "ليلى", "خالد",
    "نورة",  "حسن",   "مريم", "علي",  "هدى",    "طارق", "رنا",  "كريم",
    "دينا",  "فيصل",  "عائشة", "إبراهيم", "سلمى", "زياد", "هناء", "بلال",
    "ريم",   "حمزة",  "لينا", "مصطفى", "ياسمين", "نبيل", "أمل",  "سمير"};
// Fathers' names for the patronymic middle name.
constexpr std::array<std::string_view, 17> kArabicFathers{
    "محمد", "يوسف", "أحمد", "عمر", "خالد", "حسن", "علي", "طارق", "كريم",
    "فيصل", "إبراهيم", "زياد", "بلال", "حمزة", "مصطفى", "نبيل", "سمير"};
constexpr std::array<std::string_view, 24> kArabicLast{
    "الحداد",  "المنصور", "الناصر",  "الصالح",  "العزيز",  "الحمدان",
    "القحطاني", "العتيبي", "الشمري",  "الدوسري", "الزهراني", "الغامدي",
    "الحربي",  "المطيري", "السبيعي", "العنزي",  "الخالدي", "التميمي",
    "البلوشي", "الخوري",  "الدرويش", "الجابر",  "العثمان", "الكرم"};

// Hands out distinct full names: "First Last", or once the two-part combinations start
// colliding "First Father Last" in Arabic script and "First M. Last" in Latin script.
class NamePicker {
 public:
  explicit NamePicker(Rng& rng) : rng_(rng) {}

  // Marks a name as taken (the fixed example names).
  void Reserve(std::string name) { used_.insert(std::move(name)); }

  std::string Pick() {
    const bool arabic = rng_.Chance(0.3);
    const std::string_view* first = arabic ? kArabicFirst.data() : kLatinFirst.data();
    const std::size_t first_count = arabic ? kArabicFirst.size() : kLatinFirst.size();
    const std::string_view* last = arabic ? kArabicLast.data() : kLatinLast.data();
    const std::size_t last_count = arabic ? kArabicLast.size() : kLatinLast.size();
    auto pick = [&](const std::string_view* pool, std::size_t n) {
      return pool[rng_.Below(static_cast<std::uint32_t>(n))];
    };
    for (int attempt = 0;; ++attempt) {
      std::string name(pick(first, first_count));
      name += ' ';
      if (attempt >= 4) {  // a father's name, or an initial in Latin script
        if (arabic) {
          name += pick(kArabicFathers.data(), kArabicFathers.size());
        } else {
          (name += pick(first, first_count).front()) += '.';
        }
        name += ' ';
      }
      name += pick(last, last_count);
      // Past a few hundred attempts every three-part name is nearly taken (rosters far
      // beyond a million people): make the name distinct with a number.
      if (attempt >= 400) name += ' ' + std::to_string(used_.size());
      if (used_.insert(name).second) return name;
    }
  }

 private:
  Rng& rng_;
  std::unordered_set<std::string> used_;
};

// A name as one CSV cell: quoted (with doubled quotes) when it holds a comma, a quote or
// a line break; as is otherwise.
std::string CsvCell(std::string_view name) {
  if (name.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(name);
  std::string cell = "\"";
  for (char c : name) {
    if (c == '"') cell += '"';
    cell += c;
  }
  cell += '"';
  return cell;
}

struct Agent {
  std::string cell;            // the name as a CSV cell
  std::uint32_t team = 0;      // team leader index
  std::uint32_t moved_team = 0;
  std::uint64_t move_day = std::numeric_limits<std::uint64_t>::max();  // day offset
  // Personal traits, fixed per agent.
  double volume = 1;           // chats per day relative to the mean
  double response = 35;        // typical first response, seconds
  double csat = 88;            // typical CSAT, percent
  double duration = 8;         // typical chat length, minutes
  double escalation = 0.04;    // share of chats escalated
  double resolve = 0.9;        // share of chats resolved the same day
  double sales = 7;            // sales conversion, percent
};

struct Org {
  std::vector<Agent> agents;
  std::vector<std::string> team_leaders;          // CSV cells
  std::vector<std::uint32_t> team_supervisor;     // per team leader
  std::vector<std::string> supervisors;           // CSV cells
};

Org MakeOrg(std::uint64_t agent_count, bool junk, Rng& rng) {
  Org org;
  const std::uint64_t teams = (agent_count + 8) / 9;              // ~9 agents per TL
  const std::uint64_t sups = std::max<std::uint64_t>(1, (teams * 2 + 8) / 9);  // ~4.5 TLs each
  NamePicker names(rng);
  names.Reserve("Ahmed");
  names.Reserve("Sara");

  org.supervisors.reserve(sups);
  for (std::uint64_t s = 0; s < sups; ++s) org.supervisors.push_back(CsvCell(names.Pick()));
  org.team_leaders.reserve(teams);
  for (std::uint64_t t = 0; t < teams; ++t) {
    org.team_leaders.push_back(t == 0 ? std::string("Sara") : CsvCell(names.Pick()));
    org.team_supervisor.push_back(static_cast<std::uint32_t>(t * sups / teams));
  }

  org.agents.resize(agent_count);
  for (std::uint64_t i = 0; i < agent_count; ++i) {
    Agent& a = org.agents[i];
    if (i == 0) {
      a.cell = "Ahmed";
    } else if (junk && i == 3) {
      // Exports written as "Last, First" need quoting.
      std::string name = "Haddad, Mona";
      names.Reserve(name);
      a.cell = CsvCell(name);
    } else if (junk && i == 5) {
      std::string name = "Mohammed \"Mo\" Saleh";
      names.Reserve(name);
      a.cell = CsvCell(name);
    } else {
      a.cell = CsvCell(names.Pick());
    }
    a.team = static_cast<std::uint32_t>(i * teams / agent_count);
    a.volume = rng.Between(0.75, 1.25);
    a.response = rng.Between(22, 55);
    a.csat = rng.Between(82, 94);
    a.duration = rng.Between(5.5, 12);
    a.escalation = rng.Between(0.02, 0.07);
    a.resolve = rng.Between(0.86, 0.97);
    a.sales = rng.Between(3, 12);
  }
  return org;
}

// Everything shared by all rows of one calendar day.
struct DayContext {
  std::array<char, 10> text{};  // YYYY-MM-DD
  Day day = 0;
  double volume = 1;       // chats multiplier
  double response = 1;     // response time multiplier
  double queue = 40;       // mean queue time, seconds
  double csat_shift = 0;   // CSAT points
  double sales = 1;        // sales conversion multiplier
  double off_chance = 0.04;
};

DayContext MakeDay(Day day, std::uint64_t offset, Rng& rng) {
  DayContext c;
  c.day = day;
  FormatDayTo(day, c.text.data());
  // 1970-01-01 was a Thursday; weekday 0 = Sunday.
  const int weekday = static_cast<int>(((static_cast<std::int64_t>(day) + 4) % 7 + 7) % 7);
  static constexpr std::array<double, 7> kWeekdayVolume{0.6, 1.0, 1.05, 1.0, 0.95, 0.8, 0.55};
  static constexpr std::array<double, 7> kWeekdayOff{0.35, 0.04, 0.03, 0.04, 0.05, 0.10, 0.30};
  const double years = static_cast<double>(offset) / 365.25;
  const double trend = 1 + 0.12 * years;
  const double season = 1 + 0.07 * std::sin(2 * std::numbers::pi * (years + 0.15));
  const double incident = rng.Chance(0.02) ? rng.Between(1.25, 1.6) : 1.0;
  c.volume = kWeekdayVolume[weekday] * trend * season * incident * (1 + 0.04 * rng.Normal());
  c.response = (1 + (incident - 1) * 1.2) * (1 - 0.04 * std::min(years, 3.0));
  c.queue = 40 * (0.7 + 0.3 * kWeekdayVolume[weekday]) * incident * incident *
            (1 + 0.08 * rng.Normal());
  c.csat_shift = 1.2 * std::min(years, 3.0) - (incident - 1) * 12 + 0.8 * rng.Normal();
  c.sales = 1 + 0.05 * rng.Normal();
  c.off_chance = kWeekdayOff[weekday];
  return c;
}

// Appends to a fixed buffer; the caller guarantees room for one row (kMaxRowBytes).
class RowWriter {
 public:
  explicit RowWriter(char* p) : p_(p) {}
  char* end() const { return p_; }

  void Put(char c) { *p_++ = c; }
  void Put(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void Uint(std::uint64_t v) { p_ = std::to_chars(p_, p_ + 24, v).ptr; }
  // Non-negative value with a fixed number of decimals (1 or 2), rounded half away.
  void Fixed(double v, int decimals) {
    const std::uint64_t scale = decimals == 1 ? 10 : 100;
    const auto scaled = static_cast<std::uint64_t>(std::llround(std::max(0.0, v) * scale));
    Uint(scaled / scale);
    Put('.');
    const std::uint64_t frac = scaled % scale;
    if (decimals == 2) Put(static_cast<char>('0' + frac / 10));
    Put(static_cast<char>('0' + frac % 10));
  }

 private:
  char* p_;
};

constexpr std::size_t kMaxRowBytes = 2048;  // names are short; numbers are bounded
constexpr std::size_t kBufferBytes = 1 << 20;

constexpr std::array<std::string_view, 9> kJunkCells{"N/A", "", "abc", "null", "-",
                                                     "NaN", "#DIV/0!", "n/a", "?"};

std::uint64_t ClampCount(double v, std::uint64_t hi) {
  if (!(v > 0)) return 0;
  return std::min(hi, static_cast<std::uint64_t>(std::llround(v)));
}

// A name cell, now and then quoted or padded with spaces (both read back as the same name).
void PutName(RowWriter& w, const std::string& cell, bool junk, Rng& rng) {
  if (junk && cell.front() != '"') {
    const std::uint32_t r = rng.Below(1000);
    if (r < 4) {
      w.Put('"');
      w.Put(cell);
      w.Put('"');
      return;
    }
    if (r < 5) {
      w.Put(' ');
      w.Put(cell);
      w.Put(' ');
      return;
    }
  }
  w.Put(cell);
}

void PutDay(RowWriter& w, const DayContext& c, bool junk, Rng& rng) {
  const std::string_view iso(c.text.data(), c.text.size());
  if (junk) {
    const std::uint32_t r = rng.Below(10000);
    if (r < 3) return;                      // empty day: a missing day
    if (r < 5) return w.Put("N/A");         // unreadable: a missing day
    if (r < 10) {                           // slashes
      std::string slashed(iso);
      slashed[4] = slashed[7] = '/';
      return w.Put(slashed);
    }
    if (r < 15) {                           // a time part, as spreadsheets export it
      w.Put(iso);
      return w.Put(" 09:00:00");
    }
  }
  w.Put(iso);
}

// Writes one data row for agent `a` on day `c` (without the line end).
void PutRow(RowWriter& w, const Org& org, const Agent& a, std::uint64_t offset,
            const DayContext& c, bool junk, Rng& rng) {
  const std::uint32_t team = offset >= a.move_day ? a.moved_team : a.team;
  PutDay(w, c, junk, rng);
  w.Put(',');
  PutName(w, a.cell, junk, rng);
  w.Put(',');
  PutName(w, org.team_leaders[team], junk, rng);
  w.Put(',');
  PutName(w, org.supervisors[org.team_supervisor[team]], junk, rng);

  // Measures in header order; values < 0 mean "missing" (written as an empty cell).
  std::array<double, kMeasureCount> v;
  const bool active = !rng.Chance(c.off_chance);
  if (active) {
    const double chats = ClampCount(38 * c.volume * a.volume * (1 + 0.12 * rng.Normal()), 500);
    const auto n = static_cast<std::uint64_t>(chats);
    const double response = std::max(2.0, a.response * c.response * (1 + 0.15 * rng.Normal()));
    const auto resolved = ClampCount(chats * a.resolve * (1 + 0.03 * rng.Normal()), n);
    v[Index(Measure::kTotalChats)] = chats;
    v[Index(Measure::kAvgResponseTime)] = response;
    v[Index(Measure::kCsat)] = std::clamp(
        a.csat + c.csat_shift + 2.5 * rng.Normal() - std::max(0.0, response - 60) * 0.05, 0.0,
        100.0);
    v[Index(Measure::kActiveAgents)] = 1;
    v[Index(Measure::kEscalations)] =
        static_cast<double>(ClampCount(chats * a.escalation * (1 + 0.4 * rng.Normal()), n));
    v[Index(Measure::kResolved)] = static_cast<double>(resolved);
    v[Index(Measure::kPending)] = static_cast<double>(
        ClampCount(static_cast<double>(n - resolved) * rng.Between(0.5, 0.9), n - resolved));
    v[Index(Measure::kAvgChatDuration)] = std::max(1.0, a.duration * (1 + 0.1 * rng.Normal()));
    v[Index(Measure::kSalesConversion)] =
        std::clamp(a.sales * c.sales * (1 + 0.25 * rng.Normal()), 0.0, 100.0);
    v[Index(Measure::kAvgQueueTime)] = c.queue * (1 + 0.25 * rng.Normal());
    if (n == 0) {  // no chats: the averages are undefined, exported as blanks
      for (Measure m : {Measure::kAvgResponseTime, Measure::kCsat, Measure::kAvgChatDuration,
                        Measure::kSalesConversion, Measure::kAvgQueueTime}) {
        v[Index(m)] = -1;
      }
    }
  } else {  // a day off: zero counts, blank averages
    v.fill(-1);
    for (Measure m : {Measure::kTotalChats, Measure::kActiveAgents, Measure::kEscalations,
                      Measure::kResolved, Measure::kPending}) {
      v[Index(m)] = 0;
    }
  }

  std::size_t junk_column = kMeasureCount;  // none
  bool percent_sign = false;
  if (junk) {
    const std::uint32_t r = rng.Below(1000);
    if (r < 4) junk_column = rng.Below(kMeasureCount);
    percent_sign = r >= 4 && r < 7;
  }
  for (std::size_t i = 0; i < kMeasureCount; ++i) {
    w.Put(',');
    if (i == junk_column) {
      w.Put(kJunkCells[rng.Below(kJunkCells.size())]);
      continue;
    }
    if (v[i] < 0) continue;
    switch (kMeasures[i].kind) {
      case MeasureKind::kCount:
        w.Uint(static_cast<std::uint64_t>(v[i]));
        break;
      case MeasureKind::kPercent:
        w.Fixed(v[i], kMeasures[i].id == Measure::kSalesConversion ? 2 : 1);
        if (percent_sign) w.Put('%');
        break;
      case MeasureKind::kSeconds:
      case MeasureKind::kMinutes:
        w.Fixed(v[i], 1);
        break;
    }
  }
}

}  // namespace

Result<bool> GenerateCsv(const GeneratorOptions& options, std::ostream& out) {
  const std::optional<Day> start = ParseIsoDay(options.start_day);
  if (!start) {
    return Error{"start day must be a real YYYY-MM-DD date, got '" + options.start_day + "'",
                 "start_day"};
  }
  if (options.rows > kMaxRows) {
    return Error{"rows must be at most 1000000000", "rows"};
  }

  std::string header;
  header += kDayColumn;
  for (auto dim : kDimensionColumns) (header += ',') += dim;
  for (const auto& m : kMeasures) (header += ',') += m.column;
  header += '\n';
  out.write(header.data(), static_cast<std::streamsize>(header.size()));

  const std::uint64_t span = options.rows < 1'000'000 ? 365 : 1095;
  const std::uint64_t agent_count = std::max<std::uint64_t>(1, (options.rows + span - 1) / span);
  Rng rng(options.seed);
  Org org = MakeOrg(agent_count, options.junk, rng);
  const auto team_count = static_cast<std::uint32_t>(org.team_leaders.size());
  if (team_count > 1) {
    for (std::size_t i = 1; i < org.agents.size(); ++i) {
      if (!rng.Chance(0.03)) continue;
      Agent& a = org.agents[i];
      a.move_day = 30 + rng.Below(static_cast<std::uint32_t>(span - 30));
      a.moved_team = (a.team + 1 + rng.Below(team_count - 1)) % team_count;
    }
  }

  std::vector<char> buffer(kBufferBytes);
  std::size_t used = 0;
  auto flush = [&] {
    out.write(buffer.data(), static_cast<std::streamsize>(used));
    used = 0;
  };

  std::vector<std::uint32_t> order;
  order.reserve(agent_count);
  std::uint64_t written = 0;
  for (std::uint64_t offset = 0; written < options.rows && out; ++offset) {
    const auto day = static_cast<Day>(*start + static_cast<std::int64_t>(offset));
    const DayContext context = MakeDay(day, offset, rng);
    // A day with no export at all; never in the first month (the example's range).
    if (options.junk && offset >= 31 && rng.Chance(1.0 / 150)) continue;

    const auto today = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(agent_count, options.rows - written));
    order.resize(today);
    for (std::uint32_t i = 0; i < today; ++i) order[i] = i;
    for (std::uint32_t i = today; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);

    for (std::uint32_t agent : order) {
      if (buffer.size() - used < kMaxRowBytes) flush();
      RowWriter w(buffer.data() + used);
      PutRow(w, org, org.agents[agent], offset, context, options.junk, rng);
      w.Put('\n');
      used = static_cast<std::size_t>(w.end() - buffer.data());
    }
    written += today;
  }
  flush();
  out.flush();
  if (!out) return Error{"could not write the generated CSV (output stream failed)", "out"};
  return true;
}

}  // namespace keeta
