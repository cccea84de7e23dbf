// weave import online-retail: CSV reading, the row -> events mapping, --scale, the real files.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "online_retail/online_retail.h"
#include "test_support.h"
#include "weave/time.h"

namespace fs = std::filesystem;
namespace retail = weave::online_retail;
using namespace weave_test;

namespace {

constexpr std::string_view header =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

bool append_to(void* context, std::string_view bytes) {
    static_cast<std::string*>(context)->append(bytes);
    return true;
}

struct import_result {
    std::string log;
    retail::import_summary summary;
    std::string summary_text;
};

// Imports day files given as (stem, text); the texts must outlive nothing past this call.
import_result import_texts(const std::vector<std::pair<std::string, std::string>>& files,
                           const retail::import_options& options = {}) {
    retail::importer importer;
    for (const auto& [stem, text] : files) {
        std::string error;
        REQUIRE(importer.add_file(stem, text, error));
    }
    import_result result;
    REQUIRE(importer.run(options, append_to, &result.log));
    result.summary = importer.summary();
    result.summary_text = importer.summary_text(options);
    return result;
}

import_result import_rows(const std::string& rows, const retail::import_options& options = {}) {
    return import_texts({{"d", std::string(header) + rows}}, options);
}

std::vector<std::string> csv_texts(std::string_view csv, retail::csv_cursor& cursor,
                                   retail::csv_status& status) {
    std::vector<retail::csv_field> fields;
    status = retail::read_csv_record(cursor, fields);
    std::vector<std::string> texts;
    for (const auto& field : fields) {
        std::string text;
        retail::append_json_string(text, field.text, field.doubled_quotes);
        texts.push_back(text);
    }
    (void)csv;
    return texts;
}

std::string london(std::string_view local) {
    const auto utc = retail::london_local_to_utc_us(local);
    REQUIRE(utc.has_value());
    std::string out;
    retail::append_london_time(out, *utc);
    CHECK(weave::parse_rfc3339_us(out) == utc); // the engine reads the same instant back
    return out;
}

// Every `"id":"..."` of a log.
std::vector<std::string> ids_of(const std::string& log) {
    std::vector<std::string> ids;
    for (const std::string& line : lines_of(log)) {
        const size_t start = line.find("\"id\":\"") + 6;
        ids.push_back(line.substr(start, line.find('"', start) - start));
    }
    return ids;
}

} // namespace

TEST_CASE("csv reader splits quoted fields with commas, doubled quotes and line breaks") {
    const std::string csv = "a,\"b,c\",\"say \"\"hi\"\"\",\r\n\"multi\nline\",\"\"\nlast";
    retail::csv_cursor cursor{csv, 0, 1};
    retail::csv_status status{};
    CHECK(csv_texts(csv, cursor, status) ==
          std::vector<std::string>{"a", "b,c", "say \\\"hi\\\"", ""});
    CHECK(status == retail::csv_status::record);
    CHECK(cursor.line == 2);
    CHECK(csv_texts(csv, cursor, status) == std::vector<std::string>{"multi\\nline", ""});
    CHECK(cursor.line == 4);
    CHECK(csv_texts(csv, cursor, status) == std::vector<std::string>{"last"});
    CHECK(csv_texts(csv, cursor, status).empty());
    CHECK(status == retail::csv_status::end);
}

TEST_CASE("csv reader loses one line, not the file, to a stray quote") {
    const std::string csv = "a,\"b\"x\nc,d\ne,\"f\ng,h\n";
    retail::csv_cursor cursor{csv, 0, 1};
    retail::csv_status status{};
    csv_texts(csv, cursor, status);
    CHECK(status == retail::csv_status::text_after_quote);
    CHECK(csv_texts(csv, cursor, status) == std::vector<std::string>{"c", "d"});
    CHECK(cursor.line == 3);
    csv_texts(csv, cursor, status);
    CHECK(status == retail::csv_status::unterminated_quote); // no closing quote before the end
    CHECK(csv_texts(csv, cursor, status) == std::vector<std::string>{"g", "h"});
    CHECK(cursor.line == 5);
}

TEST_CASE("json strings keep UTF-8, escape controls and replace invalid bytes") {
    std::string out;
    retail::append_json_string(out, "\xC2\xA3" "5 \"x\"\\\t\x01", false);
    CHECK(out == "\xC2\xA3" "5 \\\"x\\\"\\\\\\t\\u0001");
    out.clear();
    retail::append_json_string(out, "a\xFF" "b\xC3", false);
    CHECK(out == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST_CASE("a product code is 5 digits optionally followed by letters") {
    for (const char* code : {"85123A", "85123a", "22423", "15056bl", "47591D"}) {
        CHECK(retail::is_product_code(code));
    }
    for (const char* code : {"POST", "DOT", "M", "D", "C2", "CRUK", "PADS", "AMAZONFEE",
                             "BANK CHARGES", "S", "B", "gift_0001_20", "DCGS0003", "DCGSSGIRL",
                             "8512", "85123A1", "85123-A", ""}) {
        CHECK_FALSE(retail::is_product_code(code));
    }
    CHECK(retail::is_product_code("85123" + std::string(27, 'A')));
    CHECK_FALSE(retail::is_product_code("85123" + std::string(28, 'A'))); // over 32 bytes
}

TEST_CASE("InvoiceDate is London time: GMT in winter, BST in summer") {
    CHECK(london("2010-12-01 08:26:00") == "2010-12-01T08:26:00Z");
    CHECK(london("2011-04-18 10:15:00") == "2011-04-18T10:15:00+01:00");
    CHECK(london("2011-03-27 00:59:00") == "2011-03-27T00:59:00Z");
    CHECK(london("2011-03-27 01:30:00") == "2011-03-27T02:30:00+01:00"); // in the gap
    CHECK(london("2011-03-27 02:00:00") == "2011-03-27T02:00:00+01:00");
    CHECK(london("2011-10-30 00:59:00") == "2011-10-30T00:59:00+01:00");
    CHECK(london("2011-10-30 01:30:00") == "2011-10-30T01:30:00+01:00"); // first of two
    CHECK(london("2011-10-30 02:00:00") == "2011-10-30T02:00:00Z");
    CHECK(*retail::london_local_to_utc_us("2011-04-18 10:15:00") ==
          *weave::parse_rfc3339_us("2011-04-18T09:15:00Z"));
    for (const char* bad : {"2011-02-29 10:00:00", "2011-04-31 10:00:00", "2011-13-01 10:00:00",
                            "2011-01-01 24:00:00", "2011-01-01 10:00", "12/1/2010 8:26", ""}) {
        CHECK_FALSE(retail::london_local_to_utc_us(bad).has_value());
    }
}

TEST_CASE("a sale becomes sku, receipt, listing and order, and a ship 1-30 minutes later") {
    const import_result result = import_rows(
        "536365,85123A,\"WHITE HANGING HEART, T-LIGHT \"\"HOLDER\"\"\",6,"
        "2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n");
    CHECK(lines_of(result.log) == std::vector<std::string>{
        R"({"id":"d:2:sku","ts":"2010-12-01T08:26:00Z","type":"sku","sku":"85123A","class":"A"})",
        R"({"id":"d:2:receipt","ts":"2010-12-01T08:26:00Z","type":"receipt","sku":"85123A",)"
        R"("loc":"UK1","qty":6})",
        R"({"id":"d:2:listing","ts":"2010-12-01T08:26:00Z","type":"listing","channel":"shop",)"
        R"("listing":"85123A","sku":"85123A"})",
        R"({"id":"d:2:order","ts":"2010-12-01T08:26:00Z","type":"order","order":"536365-1",)"
        R"("channel":"shop","listing":"85123A","qty":6,"loc":"UK1"})",
        R"({"id":"d:2:ship","ts":"2010-12-01T08:36:00Z","type":"ship","order":"536365-1",)"
        R"("sku":"85123A","loc":"UK1","qty":6})"});
    CHECK(result.summary.sales == 1);
    CHECK(result.summary.events == 5);
}

TEST_CASE("a cancellation cancels the open line of the same customer, else is a return") {
    const import_result result = import_rows(
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
        "C536366,85123A,HEART,-2,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
        "C536367,85123A,HEART,-1,2010-12-01 08:27:00,2.55,12345.0,United Kingdom\n");
    const std::vector<std::string> lines = lines_of(result.log);
    REQUIRE(lines.size() == 8);
    CHECK(lines[4] == R"({"id":"d:3:cancel","ts":"2010-12-01T08:26:00Z","type":"cancel",)"
                      R"("order":"536365-1","sku":"85123A","qty":2})");
    CHECK(lines[5] == R"({"id":"d:4:return","ts":"2010-12-01T08:27:00Z","type":"return",)"
                      R"("sku":"85123A","loc":"UK1","qty":1})");
    CHECK(lines[6] == R"({"id":"d:2:ship","ts":"2010-12-01T08:36:00Z","type":"ship",)"
                      R"("order":"536365-1","sku":"85123A","loc":"UK1","qty":4})");
    CHECK(lines[7] == R"({"id":"d:4:restock","ts":"2010-12-01T10:16:00Z","type":"restock",)"
                      R"("sku":"85123A","loc":"UK1","qty":1})");
    CHECK(result.summary.cancels_matched == 1);
    CHECK(result.summary.returns == 1);
}

TEST_CASE("a cancellation larger than the open line cancels it and returns the rest") {
    const import_result result = import_rows(
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,,United Kingdom\n"
        "C536366,85123A,HEART,-8,2010-12-01 08:30:00,2.55,,United Kingdom\n");
    const std::vector<std::string> lines = lines_of(result.log);
    REQUIRE(lines.size() == 7); // no ship: the line was cancelled in full
    CHECK(lines[4] == R"({"id":"d:3:cancel","ts":"2010-12-01T08:30:00Z","type":"cancel",)"
                      R"("order":"536365-1","sku":"85123A","qty":6})");
    CHECK(lines[5] == R"({"id":"d:3:return","ts":"2010-12-01T08:30:00Z","type":"return",)"
                      R"("sku":"85123A","loc":"UK1","qty":2})");
    CHECK(lines[6].find(R"("type":"restock","sku":"85123A","loc":"UK1","qty":2})") !=
          std::string::npos);
    CHECK(result.summary.events_by_type[static_cast<size_t>(retail::event_type::ship)] == 0);
}

TEST_CASE("a cancellation with nothing open becomes a return and a later restock") {
    const import_result result =
        import_rows("C536379,22556,PLASTERS,-12,2010-12-01 10:24:00,1.65,17548.0,United Kingdom\n");
    const std::vector<std::string> lines = lines_of(result.log);
    REQUIRE(lines.size() == 5);
    CHECK(lines[1] == R"({"id":"d:2:receipt","ts":"2010-12-01T10:24:00Z","type":"receipt",)"
                      R"("sku":"22556","loc":"UK1","qty":1})");
    CHECK(lines[3] == R"({"id":"d:2:return","ts":"2010-12-01T10:24:00Z","type":"return",)"
                      R"("sku":"22556","loc":"UK1","qty":12})");
    const auto restock_us = weave::parse_rfc3339_us(lines[4].substr(lines[4].find("ts") + 5, 20));
    const auto return_us = weave::parse_rfc3339_us("2010-12-01T10:24:00Z");
    REQUIRE(restock_us.has_value());
    CHECK(*restock_us - *return_us >= retail::restock_delay_minutes_min * 60'000'000);
    CHECK(*restock_us - *return_us <= retail::restock_delay_minutes_max * 60'000'000);
}

TEST_CASE("stock write-offs and finds become adjust with the Description as reason") {
    const import_result result = import_rows(
        "536368,22139,wet damaged,-3,2010-12-01 09:00:00,0.0,,United Kingdom\n"
        "536369,22139,,-1,2010-12-01 09:01:00,0.0,,United Kingdom\n"
        "536370,22139,\" found \"\"2\"\" \",4,2010-12-01 09:02:00,0.0,,United Kingdom\n");
    const std::vector<std::string> lines = lines_of(result.log);
    REQUIRE(lines.size() == 6);
    CHECK(lines[1].find(R"("qty":4})") != std::string::npos); // opening stock: 3 + 1 out
    CHECK(lines[3] == R"({"id":"d:2:adjust","ts":"2010-12-01T09:00:00Z","type":"adjust",)"
                      R"("sku":"22139","loc":"UK1","delta":-3,"reason":"wet damaged",)"
                      R"("owner":"online-retail-import"})");
    CHECK(lines[4] == R"({"id":"d:3:adjust","ts":"2010-12-01T09:01:00Z","type":"adjust",)"
                      R"("sku":"22139","loc":"UK1","delta":-1,"reason":"unspecified",)"
                      R"("owner":"online-retail-import"})");
    CHECK(lines[5] == R"({"id":"d:4:adjust","ts":"2010-12-01T09:02:00Z","type":"adjust",)"
                      R"("sku":"22139","loc":"UK1","delta":4,"reason":"found \"2\"",)"
                      R"("owner":"online-retail-import"})");
    CHECK(result.summary.adjustments_out == 2);
    CHECK(result.summary.adjustments_in == 1);
    CHECK(result.summary.reasons_unspecified == 1);
}

TEST_CASE("a long reason is cut to 256 bytes on a UTF-8 boundary") {
    const std::string reason = std::string(255, 'x') + "\xC2\xA3" + std::string(100, 'y');
    const import_result result =
        import_rows("536368,22139," + reason + ",-3,2010-12-01 09:00:00,0.0,,United Kingdom\n");
    CHECK(result.log.find("\"reason\":\"" + std::string(255, 'x') + "\",") != std::string::npos);
    CHECK(result.summary.reasons_cut == 1);
}

TEST_CASE("a zero-price line with a customer is a free order line") {
    const import_result result =
        import_rows("537197,22841,ROUND CAKE TIN,1,2010-12-05 14:02:00,0.0,12647.0,Germany\n");
    const std::vector<std::string> lines = lines_of(result.log);
    REQUIRE(lines.size() == 5);
    CHECK(lines[3] == R"({"id":"d:2:order","ts":"2010-12-05T14:02:00Z","type":"order",)"
                      R"("order":"537197-1","channel":"shop","listing":"22841","qty":1,)"
                      R"("loc":"UK1"})");
    CHECK(result.summary.free_lines == 1);
}

TEST_CASE("service codes are skipped and counted per code") {
    const import_result result = import_rows(
        "536370,POST,POSTAGE,3,2010-12-01 08:45:00,18.0,12583.0,France\n"
        "536370,POST,POSTAGE,1,2010-12-01 08:46:00,18.0,12583.0,France\n"
        "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n"
        "536544,DOT,DOTCOM POSTAGE,1,2010-12-01 14:32:00,569.77,,United Kingdom\n"
        "536544,  M  ,Manual,1,2010-12-01 14:32:00,0.85,,United Kingdom\n"
        "536545,gift_0001_20,voucher,1,2010-12-01 14:33:00,17.02,,United Kingdom\n"
        "536546,BANK CHARGES,Bank Charges,1,2010-12-01 14:34:00,15.0,,United Kingdom\n"
        "536547,85123A,HEART,0,2010-12-01 14:35:00,2.55,,United Kingdom\n");
    CHECK(result.log.empty());
    CHECK(result.summary.service_rows == 7);
    CHECK(result.summary.zero_quantity == 1);
    CHECK(result.summary.service_by_code ==
          std::map<std::string, uint64_t, std::less<>>{{"BANK CHARGES", 1}, {"D", 1},
                                                       {"DOT", 1}, {"M", 1}, {"POST", 2},
                                                       {"gift_0001_20", 1}});
    CHECK(result.summary_text.find("POST=2") != std::string::npos);
}

TEST_CASE("bad rows are counted with their line and never stop the import") {
    const import_result result = import_rows(
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0\n"           // 7 fields
        "536366,85123A,HEART,six,2010-12-01 08:26:00,2.55,17850.0,UK\n"      // quantity
        "536367,85123A,HEART,6,2010-02-30 08:26:00,2.55,17850.0,UK\n"        // date
        "536368,85123A,HEART,6,2010-12-01 08:26:00,£2,17850.0,UK\n"          // price
        "5363-69,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,UK\n"       // invoice
        "536370,85123A,\"HEART\"x,6,2010-12-01 08:26:00,2.55,17850.0,UK\n"   // after quote
        "\n"                                                                // blank: no row
        "536371,85123A,HEART,6,2010-12-01 08:27:00,2.55,17850.0,UK\n"
        "536372,85123A,\"HEART,6,2010-12-01 08:28:00,2.55,17850.0,UK\n");   // unterminated
    CHECK(result.summary.rows_read == 8);
    CHECK(result.summary.rows_bad == 7);
    const auto count = [&](retail::row_problem problem) {
        return result.summary.bad_by_problem[static_cast<size_t>(problem)];
    };
    CHECK(count(retail::row_problem::field_count) == 1);
    CHECK(count(retail::row_problem::bad_quantity) == 1);
    CHECK(count(retail::row_problem::bad_date) == 1);
    CHECK(count(retail::row_problem::bad_price) == 1);
    CHECK(count(retail::row_problem::bad_invoice) == 1);
    CHECK(count(retail::row_problem::text_after_quote) == 1);
    CHECK(count(retail::row_problem::unterminated_quote) == 1);
    CHECK(result.summary.sales == 1);
    CHECK(result.log.find(R"("order":"536371-1")") != std::string::npos);
    CHECK(result.summary_text.find("d.csv:2: field_count") != std::string::npos);
    CHECK(result.summary_text.find("d.csv:10: unterminated_quote") != std::string::npos);
}

TEST_CASE("a file without the Online Retail header is refused") {
    retail::importer importer;
    std::string error;
    CHECK_FALSE(importer.add_file("x", "a,b,c\n1,2,3\n", error));
    CHECK(error.find("InvoiceNo") != std::string::npos);
    CHECK_FALSE(importer.add_file("y", "", error));
    CHECK(importer.add_file("z", "\xEF\xBB\xBF" + std::string(header), error));
    CHECK_FALSE(importer.add_file("z", std::string(header), error)); // same stem twice
}

TEST_CASE("opening stock covers every unit that leaves, so nothing goes negative") {
    const import_result result = import_rows(
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
        "536366,85123A,damaged,-3,2010-12-01 08:27:00,0.0,,United Kingdom\n"
        "536367,85123A,HEART,4,2010-12-01 08:28:00,2.55,17851.0,United Kingdom\n"
        "C536368,85123A,HEART,-9,2010-12-01 18:28:00,2.55,17851.0,United Kingdom\n");
    CHECK(lines_of(result.log)[1].find(R"("qty":13})") != std::string::npos);
}

TEST_CASE("--scale K interleaves K copies of the busiest file, deterministically") {
    const std::string small = std::string(header) +
                              "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,UK\n";
    const std::string busy = std::string(header) +
                             "536400,22139,TIN,2,2010-12-02 09:00:00,2.55,17850.0,UK\n"
                             "536400,85123A,HEART,1,2010-12-02 09:00:00,2.55,17850.0,UK\n"
                             "C536401,22139,TIN,-1,2010-12-02 09:01:00,2.55,17850.0,UK\n";
    retail::import_options options;
    options.scale = 3;
    const import_result first = import_texts({{"small", small}, {"busy", busy}}, options);
    const import_result again = import_texts({{"small", small}, {"busy", busy}}, options);
    CHECK(first.log == again.log);
    CHECK(first.summary.busiest_file == 1);
    CHECK(first.summary.rows_scheduled == 9);
    CHECK(first.summary.sales == 6);
    CHECK(first.summary.cancels_matched == 3); // each copy cancels its own line
    CHECK(first.log.find("small") == std::string::npos);
    const std::vector<std::string> ids = ids_of(first.log);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    const std::vector<std::string> lines = lines_of(first.log);
    const auto has = [&](const std::string& text) {
        return first.log.find(text) != std::string::npos;
    };
    CHECK(has(R"({"id":"busy#1:2:order","ts":"2010-12-02T09:00:00Z")"));
    CHECK(has(R"({"id":"busy#2:2:order","ts":"2010-12-02T09:00:20Z")"));
    CHECK(has(R"({"id":"busy#3:2:order","ts":"2010-12-02T09:00:40Z")"));
    CHECK(has(R"("order":"536400-1#3")"));
    CHECK(has(R"({"id":"busy#3:4:cancel","ts":"2010-12-02T09:01:40Z","type":"cancel",)"
              R"("order":"536400-1#3","sku":"22139","qty":1})"));
    CHECK(has(R"("type":"receipt","sku":"22139","loc":"UK1","qty":6})")); // 3 copies x 2
    options.scale = 7; // a shift of 60/7 s shows its fraction
    CHECK(import_texts({{"busy", busy}}, options).log.find("09:00:08.571428Z") !=
          std::string::npos);
}

TEST_CASE("--channel and --loc name the channel and the location") {
    retail::import_options options;
    options.channel = "ebay";
    options.loc = "Leeds \"B\"";
    const import_result result = import_rows(
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n", options);
    CHECK(result.log.find(R"("channel":"ebay","listing":"85123A","qty":6,"loc":"Leeds \"B\""})")
          != std::string::npos);
}

namespace {

const fs::path committed_dir = fs::path(WEAVE_SOURCE_DIR) / "data" / "online_retail";

std::string committed_args() {
    return (committed_dir / "2010-12-01.csv").string() + " " +
           (committed_dir / "2011-08-31.csv").string();
}

} // namespace

TEST_CASE("the committed real days import without bad rows and with unique ids") {
    const std::string day1 = read_file(committed_dir / "2010-12-01.csv");
    const std::string day2 = read_file(committed_dir / "2011-08-31.csv");
    REQUIRE(day1.size() == 275001); // byte-identical to upstream (data/online_retail/NOTICE.md)
    REQUIRE(day2.size() == 113373);
    const import_result result = import_texts({{"2010-12-01", day1}, {"2011-08-31", day2}});
    CHECK(result.summary.rows_read == 3108 + 1305); // PROVENANCE.md's row counts
    CHECK(result.summary.rows_bad == 0);
    CHECK(result.summary.sales == 4212);
    CHECK(result.summary.cancellations == 132);
    CHECK(result.summary.adjustments_out == 15);
    CHECK(result.summary.adjustments_in == 27);
    CHECK(result.summary.service_rows == 27);
    CHECK(result.summary.service_by_code.at("POST") == 12);
    CHECK(result.summary.rows_scheduled == 4413);
    const std::vector<std::string> ids = ids_of(result.log);
    CHECK(ids.size() == result.summary.events);
    CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    CHECK(result.log.find(R"("ts":"2011-08-31T08:)") != std::string::npos); // BST: +01:00
    CHECK(result.log.find("+01:00") != std::string::npos);
}

TEST_CASE("weave import of the real days replays with no rejects, oversells or negatives") {
    const scratch_space dir("online-retail-replay");
    const std::string log = (dir / "retail.ndjson").string();
    REQUIRE(run_weave("import online-retail " + committed_args() + " --out " + log, dir) == 0);
    const std::string summary = read_file(dir / "stderr.txt");
    CHECK(summary.find("4413 rows read, 0 bad rows") != std::string::npos);
    CHECK(summary.find("POST=12") != std::string::npos);
    const std::string first = read_file(log);
    REQUIRE(run_weave("import online-retail " + committed_args() + " --out " + log, dir) == 0);
    CHECK(read_file(log) == first); // deterministic

    REQUIRE(run_weave("replay " + log + " --out " + (dir / "out").string(), dir) == 0);
    const std::string report = read_file(dir / "out" / "report.json");
    CHECK(report.find(R"("lines":13899,)") != std::string::npos);
    CHECK(report.find(R"("rejected":0,)") != std::string::npos);
    CHECK(report.find(R"("oversell_incidents":0,)") != std::string::npos);
    CHECK(report.find(R"("negative_on_hand_incidents":0,)") != std::string::npos);
    CHECK(read_file(dir / "out" / "rejects.ndjson").empty());

    const std::string scaled = (dir / "scaled.ndjson").string();
    REQUIRE(run_weave("import online-retail " + committed_args() + " --scale 4 --quiet --out " +
                          scaled,
                      dir) == 0);
    CHECK(read_file(dir / "stderr.txt").find("busiest day 2010-12-01 (3108 rows) x 4") !=
          std::string::npos);
    REQUIRE(run_weave("replay " + scaled + " --out " + (dir / "scaled").string(), dir) == 0);
    const std::string scaled_report = read_file(dir / "scaled" / "report.json");
    CHECK(scaled_report.find(R"("rejected":0,)") != std::string::npos);
    CHECK(scaled_report.find(R"("negative_on_hand_incidents":0,)") != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("a real day from ../shared imports like its committed copy") {
    const fs::path shared =
        fs::path(WEAVE_SHARED_DIR) / "data" / "real" / "online_retail_by_day" / "2010-12-01.csv";
    if (!fs::exists(shared)) {
        MESSAGE("skipped: " << shared.string() << " is absent");
        return;
    }
    const std::string day = read_file(shared);
    const import_result result = import_texts({{"2010-12-01", day}});
    CHECK(result.summary.rows_read == 3108);
    CHECK(result.summary.rows_bad == 0);
    CHECK(result.summary.cancellations == 25); // 26 C rows, one of them the service code D
    CHECK(result.summary.service_rows == 9);
    const import_result committed =
        import_texts({{"2010-12-01", read_file(committed_dir / "2010-12-01.csv")}});
    CHECK(result.log == committed.log);
}

TEST_CASE("weave import: help, bad usage (2), unreadable input and unwritable output (1)") {
    const scratch_space dir("online-retail-cli");
    CHECK(run_weave("import --help", dir) == 0);
    const std::string sources = read_file(dir / "stdout.txt");
    for (const char* source : {"online-retail", "shopify", "amazon", "ebay", "woocommerce",
                               "warehouse", "--out", "--location"}) {
        CHECK(sources.find(source) != std::string::npos);
    }
    CHECK(run_weave("import online-retail --help", dir) == 0);
    const std::string help = read_file(dir / "stdout.txt");
    for (const char* flag : {"online-retail", "--out", "--scale", "--channel", "--loc"}) {
        CHECK(help.find(flag) != std::string::npos);
    }
    CHECK(run_weave("--help", dir) == 0);
    CHECK(read_file(dir / "stdout.txt").find("import online-retail") != std::string::npos);
    const std::string csv = (committed_dir / "2011-08-31.csv").string();
    const std::string out = " --out " + (dir / "log.ndjson").string();
    for (const std::string& args :
         {std::string("import"), "import nowhere " + csv + out, "import online-retail" + out,
          "import online-retail " + csv, "import online-retail " + csv + out + " --scale 0",
          "import online-retail " + csv + out + " --scale 1001",
          "import online-retail " + csv + out + " --scale x",
          "import online-retail " + csv + out + " --channel=",
          "import online-retail " + csv + out + " --frobnicate",
          "import online-retail " + csv + " " + csv + out,
          "import online-retail " + csv + " --out " + csv}) {
        INFO(args);
        CHECK(run_weave(args, dir) == 2);
        CHECK(read_file(dir / "stderr.txt").find("usage") != std::string::npos);
    }
    CHECK(run_weave("import online-retail /nonexistent/2011-01-01.csv" + out, dir) == 1);
    CHECK(read_file(dir / "stderr.txt").find("/nonexistent/2011-01-01.csv") != std::string::npos);
    const fs::path not_csv = dir / "notes.csv";
    write_file(not_csv, "hello\n");
    CHECK(run_weave("import online-retail " + not_csv.string() + out, dir) == 1);
    CHECK(read_file(dir / "stderr.txt").find("InvoiceNo") != std::string::npos);
    write_file(dir / "file", "x");
    CHECK(run_weave("import online-retail " + csv + " --out " + (dir / "file" / "log").string(),
                    dir) == 1);
    CHECK_FALSE(read_file(dir / "stderr.txt").empty());
    fs::remove_all(dir);
}

TEST_CASE("any bytes give events or counted bad rows, never a crash") {
    const std::string day = read_file(committed_dir / "2011-08-31.csv").substr(0, 20000);
    REQUIRE(day.size() == 20000);
    uint64_t state = 42; // xorshift: seeded, so a failure repeats
    const auto next = [&]() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    constexpr char noise[] = {'"', ',', '\n', '\r', '-', '0', 'C', ' ', '\xC2', '\xFF', '\0'};
    for (int round = 0; round < 200; round++) {
        INFO("round " << round);
        std::string text = day;
        for (int edit = 0; edit < 1 + round % 40; edit++) {
            const size_t at = header.size() + next() % (text.size() - header.size());
            text[at] = noise[next() % sizeof noise];
        }
        retail::import_options options;
        options.scale = round % 3 == 0 ? 1 + static_cast<uint32_t>(round % 5) : 0;
        const import_result result = import_texts({{"fuzz", text}}, options);
        CHECK(result.summary.rows_bad <= result.summary.rows_read);
        const std::vector<std::string> ids = ids_of(result.log);
        CHECK(ids.size() == result.summary.events);
        CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    }
}
