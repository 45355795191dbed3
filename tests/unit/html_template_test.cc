// The slot template and the escaping helpers the page is built from (web/html_template.h).
#include "web/html_template.h"
#include "web/json_text.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace keeta::web {
namespace {

constexpr std::array<std::string_view, 2> kSlots{"name", "body"};

std::string RenderWith(const HtmlTemplate& tmpl, std::string_view name, std::string_view body) {
  std::string out;
  tmpl.Render(out, [&](std::size_t slot, std::string& o) { o.append(slot == 0 ? name : body); });
  return out;
}

TEST(HtmlTemplate, FillsEverySlotInPlace) {
  auto tmpl = HtmlTemplate::Parse("<h1>{{name}}</h1><p>{{body}}</p><i>{{name}}</i>", kSlots);
  ASSERT_TRUE(tmpl.ok()) << tmpl.error().message;
  EXPECT_EQ(RenderWith(*tmpl, "N", "B"), "<h1>N</h1><p>B</p><i>N</i>");
  EXPECT_EQ(tmpl->literal_size(), std::string_view("<h1></h1><p></p><i></i>").size());
}

TEST(HtmlTemplate, TextWithoutSlotsIsCopiedAsIs) {
  auto tmpl = HtmlTemplate::Parse("plain { text } with } braces {", kSlots);
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(RenderWith(*tmpl, "x", "y"), "plain { text } with } braces {");
}

TEST(HtmlTemplate, SlotsAtBothEndsAndAdjacent) {
  auto tmpl = HtmlTemplate::Parse("{{name}}{{body}}", kSlots);
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(RenderWith(*tmpl, "a", "b"), "ab");
}

TEST(HtmlTemplate, RendersTheSameAfterBeingMoved) {
  auto parsed = HtmlTemplate::Parse("short {{name}} text", kSlots);
  ASSERT_TRUE(parsed.ok());
  HtmlTemplate moved = std::move(parsed).value();
  EXPECT_EQ(RenderWith(moved, "x", ""), "short x text");
}

TEST(HtmlTemplate, UnknownSlotIsAnError) {
  auto tmpl = HtmlTemplate::Parse("<p>{{nmae}}</p>", kSlots);
  ASSERT_FALSE(tmpl.ok());
  EXPECT_NE(tmpl.error().message.find("nmae"), std::string::npos);
}

TEST(HtmlTemplate, UnterminatedOrMalformedSlotIsAnError) {
  EXPECT_FALSE(HtmlTemplate::Parse("<p>{{name</p>", kSlots).ok());
  EXPECT_FALSE(HtmlTemplate::Parse("<p>{{}}</p>", kSlots).ok());
  EXPECT_FALSE(HtmlTemplate::Parse("<p>{{ name }}</p>", kSlots).ok());
  EXPECT_FALSE(HtmlTemplate::Parse("<p>{{Name}}</p>", kSlots).ok());
}

TEST(Escaping, HtmlEscapesMarkupAndQuotes) {
  std::string out = "keep:";
  AppendHtmlEscaped(out, R"(<a href="x">O'Brien & co</a>)");
  EXPECT_EQ(out, "keep:&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;");
}

TEST(Escaping, HtmlLeavesUtf8Alone) {
  std::string out;
  AppendHtmlEscaped(out, "أحمد — Zoë");
  EXPECT_EQ(out, "أحمد — Zoë");
}

TEST(Escaping, JsonEscapesQuotesControlsAndScriptEnd) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\nd\x01</script><!--");
  EXPECT_EQ(out, R"("a\"b\\c\nd\u0001\u003c/script\u003e\u003c!--")");
}

TEST(Escaping, UrlEncodesLikeAFormSubmission) {
  std::string out;
  AppendUrlEncoded(out, "Sara Ali&x=1/é");
  EXPECT_EQ(out, "Sara+Ali%26x%3D1%2F%C3%A9");
}

}  // namespace
}  // namespace keeta::web
