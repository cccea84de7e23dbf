// Warehouse CSV: the documented column layout (docs/adapters.md, "Warehouse CSV"), RFC 4180
// reading, one reject per bad row, and the events replayed through the real engine.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "channel_test_support.h"
#include "channels/channel_adapter.h"
#include "ndjson/event_parser.h"
#include "test_support.h"
#include "warehouse_csv/csv_reader.h"
#include "warehouse_csv/warehouse_csv.h"
#include "weave/live.h"

using namespace weave;
using namespace weave::channels;

namespace {

constexpr std::string_view header =
    "record_id,time,type,sku,location,quantity,to_location,reference,reason,owner\n";

conversion convert(std::string_view csv, const adapter_settings& settings = {}) {
    return make_warehouse_csv_adapter(settings)->convert(csv, payload_context{});
}

std::vector<std::string> lines_of(const std::string& events) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < events.size()) {
        const size_t end = events.find('\n', start);
        REQUIRE(end != std::string::npos);
        lines.push_back(events.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// "where reason" per reject, for compact checks.
std::vector<std::string> rejects_of(const conversion& out) {
    std::vector<std::string> texts;
    for (const payload_reject& reject : out.rejects)
        texts.push_back(reject.where + " " + reject.reason);
    return texts;
}

// The single event of a one-row file, or "" with the row's reject.
std::string one_row(std::string_view row, const adapter_settings& settings = {}) {
    std::string csv(header);
    csv += row;
    csv += '\n';
    const conversion out = convert(csv, settings);
    if (out.event_count == 0) return out.rejects.empty() ? "" : "reject: " + out.rejects[0].reason;
    REQUIRE(out.event_count == 1);
    REQUIRE(out.rejects.empty());
    return out.events.substr(0, out.events.size() - 1);
}

adapter_settings mapped_locations() {
    adapter_settings settings;
    settings.locations = {{"WH-EAST", "east"}, {"STORE-1", "store1"}};
    return settings;
}

std::string fixture() {
    const std::string text = weave_test::read_file(std::string(WEAVE_SOURCE_DIR) +
                                                   "/data/channels/warehouse/wms_export.csv");
    REQUIRE(!text.empty());
    return text;
}

} // namespace

TEST_SUITE("warehouse_csv") {
    TEST_CASE("a WMS export replays through the engine: movements applied, bad rows rejected") {
        const conversion out = convert(fixture(), mapped_locations());
        // Rows are spreadsheet rows: header = row 1; R-1005's reason holds a line break, yet it
        // is one row, so R-1008 is row 9.
        CHECK(rejects_of(out) == std::vector<std::string>{"row 9 bad_time",
                                                          "row 10 unknown_location",
                                                          "row 11 bad_quantity"});
        REQUIRE(out.event_count == 8);
        CHECK_FALSE(out.ignored);
        const std::vector<std::string> lines = lines_of(out.events);
        CHECK(
            lines[0] ==
            R"({"id":"warehouse:R-1001","ts":"2026-11-27T08:00:00.000000Z","type":"receipt","sku":"SKU-A","loc":"east","qty":120})");
        CHECK(
            lines[1] ==
            R"({"id":"warehouse:R-1002","ts":"2026-11-27T08:05:00.000000Z","type":"receipt","sku":"SKU B","loc":"east","qty":40})");
        CHECK(
            lines[2] ==
            R"({"id":"warehouse:R-1003","ts":"2026-11-27T09:00:00.000000Z","type":"transfer.out","transfer":"T-55","sku":"SKU-A","from":"east","to":"store1","qty":30})");
        CHECK(
            lines[3] ==
            R"({"id":"warehouse:R-1004","ts":"2026-11-27T11:30:00.000000Z","type":"transfer.in","transfer":"T-55","sku":"SKU-A"})");
        CHECK(
            lines[4] ==
            R"({"id":"warehouse:R-1005","ts":"2026-11-27T11:00:00.000000Z","type":"adjust","sku":"SKU B","loc":"east","delta":-3,"reason":"damaged\r\nin handling","owner":"j.smith"})");
        CHECK(
            lines[5] ==
            R"({"id":"warehouse:R-1006","ts":"2026-11-27T13:00:00.000000Z","type":"count","sku":"SKU-A","loc":"east","counted":88,"owner":"k.lee"})");
        CHECK(
            lines[6] ==
            R"({"id":"warehouse:R-1007","ts":"2026-11-27T13:30:00.000000Z","type":"adjust","sku":"SKU-A","loc":"east","delta":5})");
        CHECK(
            lines[7] ==
            R"({"id":"warehouse:R-1011","ts":"2026-11-27T15:00:00.000000Z","type":"count","sku":"SKU B","loc":"east","counted":37,"owner":"k.lee"})");

        live_engine engine(channel_test::engine_options(2));
        const std::string skus =
            R"({"id":"s1","ts":"2026-11-27T07:00:00Z","type":"sku","sku":"SKU-A"}
{"id":"s2","ts":"2026-11-27T07:00:00Z","type":"sku","sku":"SKU B"}
)";
        REQUIRE(engine.apply(skus).accepted == 2);
        const batch_result result = engine.apply(out.events);
        CHECK(result.accepted == 7);
        REQUIRE(result.rejected == 1);
        // The unreasoned adjust (R-1007) is the engine's to reject, so SPEC's count of them holds
        // it.
        CHECK(result.rejects[0].line == 7);
        CHECK(result.rejects[0].reason == reject_reason::adjust_without_reason);
        const std::string state = engine.state();
        CHECK(state.find(R"({"kind":"stock","sku":"SKU B","loc":"east","on_hand":37,)") !=
              std::string::npos);
        CHECK(state.find(R"({"kind":"stock","sku":"SKU-A","loc":"east","on_hand":88,)") !=
              std::string::npos);
        CHECK(state.find(R"({"kind":"stock","sku":"SKU-A","loc":"store1","on_hand":30,)") !=
              std::string::npos);
        const std::string report = engine.report_body();
        CHECK(report.find(R"("cycle_counts":2,"counts_with_variance":1)") != std::string::npos);
        CHECK(report.find(R"("adjust_without_reason":1)") != std::string::npos);
    }

    TEST_CASE("without a location map the WMS's codes are the locations") {
        const conversion out = convert(fixture());
        CHECK(rejects_of(out) == std::vector<std::string>{"row 9 bad_time", "row 11 bad_quantity"});
        REQUIRE(out.event_count == 9);
        const std::vector<std::string> lines = lines_of(out.events);
        CHECK(lines[0].find(R"("loc":"WH-EAST")") != std::string::npos);
        CHECK(lines[2].find(R"("from":"WH-EAST","to":"STORE-1")") != std::string::npos);
        CHECK(
            lines[7] ==
            R"({"id":"warehouse:R-1009","ts":"2026-11-27T14:10:00.000000Z","type":"receipt","sku":"SKU-A","loc":"WH-WEST","qty":10})");
    }

    TEST_CASE("with a location map, every location a row needs must be in it") {
        const adapter_settings settings = mapped_locations();
        CHECK(one_row("T1,2026-11-27T10:00:00Z,transfer_out,S,WH-EAST,3,NOWHERE,TR-1,,",
                      settings) == "reject: unknown_location");
        CHECK(one_row("T1,2026-11-27T10:00:00Z,transfer_out,S,NOWHERE,3,STORE-1,TR-1,,",
                      settings) == "reject: unknown_location");
        CHECK(one_row("C1,2026-11-27T10:00:00Z,count,S,NOWHERE,3,,,,", settings) ==
              "reject: unknown_location");
        // transfer_in names no location (the transfer.out said where it goes): none is needed.
        CHECK(
            one_row("T2,2026-11-27T10:00:00Z,transfer_in,S,NOWHERE,3,,TR-1,,", settings) ==
            R"({"id":"warehouse:T2","ts":"2026-11-27T10:00:00.000000Z","type":"transfer.in","transfer":"TR-1","sku":"S","qty":3})");
    }

    TEST_CASE("RFC 4180: quotes, doubled quotes, commas and line breaks inside, CRLF, a BOM") {
        const std::string csv =
            "\xEF\xBB\xBF\"record_id\",time,type,sku,location,quantity,to_location,reference,"
            "reason,"
            "owner\r\n"
            "\"A,1\",2026-11-27T10:00:00Z,adjust,\"SKU \"\"12\"\", blue\",L1,-2,,,\"broken,\n"
            "see \"\"note\"\"\",\"o\"\r\n"
            "A2,2026-11-27T10:00:00Z,receipt,S2,L1,\"7\",,,,\r\n";
        const conversion out = convert(csv);
        CHECK(out.rejects.empty());
        REQUIRE(out.event_count == 2);
        const std::vector<std::string> lines = lines_of(out.events);
        CHECK(
            lines[0] ==
            R"({"id":"warehouse:A,1","ts":"2026-11-27T10:00:00.000000Z","type":"adjust","sku":"SKU \"12\", blue","loc":"L1","delta":-2,"reason":"broken,\nsee \"note\"","owner":"o"})");
        CHECK(
            lines[1] ==
            R"({"id":"warehouse:A2","ts":"2026-11-27T10:00:00.000000Z","type":"receipt","sku":"S2","loc":"L1","qty":7})");
    }

    TEST_CASE("columns are found by header name, in any order, extra columns ignored") {
        const std::string csv =
            " SKU ,Quantity,uom,Owner,TYPE,time,Location,Record_ID,comment\n"
            "S1,5,EA,ops,Receipt,2026-11-27T10:00:00Z,L1,R1,\"free, text\"\n";
        const conversion out = convert(csv);
        CHECK(out.rejects.empty());
        CHECK(
            out.events ==
            "{\"id\":\"warehouse:R1\",\"ts\":\"2026-11-27T10:00:00.000000Z\",\"type\":\"receipt\","
            "\"sku\":\"S1\",\"loc\":\"L1\",\"qty\":5}\n");
        // Optional columns may be absent: a transfer_out then lacks what it needs, row by row.
        const conversion transfer = convert(
            "record_id,time,type,sku,location,quantity\n"
            "R2,2026-11-27T10:00:00Z,transfer_out,S1,L1,5\n");
        CHECK(rejects_of(transfer) == std::vector<std::string>{"row 2 missing_reference"});
    }

    TEST_CASE("a header without the required columns is one reject for the whole file") {
        const conversion out = convert(
            "record_id,time,type,sku,qty\nR1,2026-11-27T10:00:00Z,receipt,S1,5\n"
            "R2,2026-11-27T10:00:00Z,receipt,S1,5\n");
        CHECK(rejects_of(out) ==
              std::vector<std::string>{"header missing_column:location,quantity"});
        CHECK(out.event_count == 0);
        CHECK(rejects_of(convert("record_id,time,type,sku,location,quantity,SKU\n")) ==
              std::vector<std::string>{"header duplicate_column:sku"});
        CHECK(rejects_of(convert("\"record_id,time\n")) ==
              std::vector<std::string>{"header unterminated_quote"});
    }

    TEST_CASE("an empty payload is not a warehouse file; a header alone says nothing") {
        CHECK(rejects_of(convert("")) == std::vector<std::string>{" unknown_payload"});
        CHECK(rejects_of(convert("\xEF\xBB\xBF\r\n\n")) ==
              std::vector<std::string>{" unknown_payload"});
        const conversion empty = convert(std::string(header) + "\n,,,,,,,,,\n");
        CHECK(empty.rejects.empty());
        CHECK(empty.event_count == 0);
        CHECK(empty.ignored);
        // Blank lines before the header are skipped.
        CHECK(convert("\n" + std::string(header) + "R1,2026-11-27T10:00:00Z,receipt,S,L,1,,,,\n")
                  .event_count == 1);
    }

    TEST_CASE("each bad row is one reject `row N`; the rows around it still convert") {
        const std::string csv = std::string(header) +
                                "R1,2026-11-27T10:00:00Z,receipt,S,L,1,,,,\n" // row 2
                                "\n"                                          // row 3: blank
                                "R2,2026-11-27T10:00:00Z,receipt,S,L,1,,,\n"  // row 4: 9 fields
                                "R3,2026-11-27T10:00:00Z,receipt,\"S\"x,L,1,,,,\n" // row 5
                                "R4,2026-11-27T10:00:00Z,receipt,S,L,1,,,,,\n"  // row 6: 11 fields
                                "R5,2026-11-27T10:00:00Z,receipt,S,L,\"1,,,,\n" // row 7: no close
                                "R6,2026-11-27T10:00:00Z,receipt,S,L,2,,,,";    // row 8, no LF
        const conversion out = convert(csv);
        CHECK(rejects_of(out) ==
              std::vector<std::string>{"row 4 field_count", "row 5 text_after_quote",
                                       "row 6 field_count", "row 7 unterminated_quote"});
        REQUIRE(out.event_count == 2);
        const std::vector<std::string> lines = lines_of(out.events);
        CHECK(lines[0].find("\"warehouse:R1\"") != std::string::npos);
        CHECK(lines[1].find("\"warehouse:R6\"") != std::string::npos);
    }

    TEST_CASE("row checks: record id, time, type, sku, text") {
        CHECK(one_row(",2026-11-27T10:00:00Z,receipt,S,L,1,,,,") == "reject: missing_record_id");
        CHECK(one_row("R, ,receipt,S,L,1,,,,") == "reject: missing_time");
        CHECK(one_row("R,2026-11-27 10:00:00,receipt,S,L,1,,,,") == "reject: bad_time");
        CHECK(one_row("R,2026-02-30T10:00:00Z,receipt,S,L,1,,,,") == "reject: bad_time");
        CHECK(one_row("R,2026-11-27T10:00:00Z,sale,S,L,1,,,,") == "reject: unknown_type");
        CHECK(one_row("R,2026-11-27T10:00:00Z,,S,L,1,,,,") == "reject: unknown_type");
        CHECK(one_row("R,2026-11-27T10:00:00Z,receipt,  ,L,1,,,,") == "reject: missing_sku");
        CHECK(one_row("R,2026-11-27T10:00:00Z,receipt,S\xC3,L,1,,,,") == "reject: invalid_utf8");
        CHECK(one_row("R,2026-11-27T10:00:00Z,receipt,S," + std::string(1025, 'L') + ",1,,,,") ==
              "reject: too_long");
        // Times with an offset become UTC; a type is read whatever its case.
        CHECK(
            one_row("R,2026-11-27t10:00:00.5-05:00, Receipt ,S,L,1,,,,") ==
            R"({"id":"warehouse:R","ts":"2026-11-27T15:00:00.500000Z","type":"receipt","sku":"S","loc":"L","qty":1})");
        // Text is kept exactly as written (spaces included), and a column the row does not use
        // may hold anything.
        CHECK(
            one_row("R,2026-11-27T10:00:00Z,receipt, S ,L,1,\xFF,,,") ==
            R"({"id":"warehouse:R","ts":"2026-11-27T10:00:00.000000Z","type":"receipt","sku":" S ","loc":"L","qty":1})");
    }

    TEST_CASE("quantities are exact integers within SPEC's bound") {
        const auto qty_of = [](std::string_view quantity) {
            std::string row = "R,2026-11-27T10:00:00Z,adjust,S,L,";
            row += quantity;
            row += ",,,why,who";
            const std::string event = one_row(row);
            const size_t at = event.find("\"delta\":");
            if (at == std::string::npos) return event;
            return event.substr(at + 8, event.find(',', at) - at - 8);
        };
        CHECK(qty_of("12") == "12");
        CHECK(qty_of("+12") == "12");
        CHECK(qty_of(" -12 ") == "-12");
        CHECK(qty_of("12.0") == "12");
        CHECK(qty_of("0012.000") == "12");
        CHECK(qty_of("-1000000000") == "-1000000000");
        CHECK(qty_of("1000000001") == "reject: bad_quantity");
        CHECK(qty_of("12.5") == "reject: bad_quantity");
        CHECK(qty_of("12.") == "reject: bad_quantity");
        CHECK(qty_of("1e3") == "reject: bad_quantity");
        CHECK(qty_of("\"1,000\"") == "reject: bad_quantity");
        CHECK(qty_of("-") == "reject: bad_quantity");
        CHECK(qty_of("+-5") == "reject: bad_quantity");
        CHECK(qty_of("-+5") == "reject: bad_quantity");
        CHECK(qty_of("0") == "reject: bad_quantity"); // an adjust changes something
        CHECK(qty_of("") == "reject: missing_quantity");
    }

    TEST_CASE("each type's own rules") {
        const std::string t = "2026-11-27T10:00:00Z";
        CHECK(one_row("R," + t + ",receipt,S,L,0,,,,") == "reject: bad_quantity");
        CHECK(one_row("R," + t + ",receipt,S,,3,,,,") == "reject: missing_location");
        CHECK(one_row("R," + t + ",count,S,L,-1,,,,o") == "reject: bad_quantity");
        // A count nobody signed is still the stock's truth: owner "" (SPEC needs the field).
        CHECK(
            one_row("R," + t + ",count,S,L,0,,,,") ==
            R"({"id":"warehouse:R","ts":"2026-11-27T10:00:00.000000Z","type":"count","sku":"S","loc":"L","counted":0,"owner":""})");
        CHECK(one_row("R," + t + ",transfer_out,S,L,3,,TR,,") == "reject: missing_to_location");
        CHECK(one_row("R," + t + ",transfer_out,S,L,3,M,,,") == "reject: missing_reference");
        CHECK(one_row("R," + t + ",transfer_out,S,L,,M,TR,,") == "reject: missing_quantity");
        CHECK(one_row("R," + t + ",transfer_out,S,L,-3,M,TR,,") == "reject: bad_quantity");
        CHECK(one_row("R," + t + ",transfer_in,S,,0,,TR,,") == "reject: bad_quantity");
        CHECK(one_row("R," + t + ",transfer_in,S,,,,,,") == "reject: missing_reference");
        // The reference, reason and owner of a receipt are not SPEC fields: left out.
        CHECK(
            one_row("R," + t + ",receipt,S,L,3,M,PO-1,found,o") ==
            R"({"id":"warehouse:R","ts":"2026-11-27T10:00:00.000000Z","type":"receipt","sku":"S","loc":"L","qty":3})");
        CHECK(one_row("R," + t + ",adjust,S,L,3,,,\xC3,o") == "reject: invalid_utf8");
    }

    TEST_CASE("a file delivered twice gives the same ids: the engine counts duplicates") {
        const conversion out = convert(fixture(), mapped_locations());
        live_engine engine(channel_test::engine_options(2));
        REQUIRE(engine
                    .apply(R"({"id":"s1","ts":"2026-11-27T07:00:00Z","type":"sku","sku":"SKU-A"}
{"id":"s2","ts":"2026-11-27T07:00:00Z","type":"sku","sku":"SKU B"}
)")
                    .accepted == 2);
        CHECK(engine.apply(out.events).accepted == 7);
        const batch_result again = engine.apply(convert(fixture(), mapped_locations()).events);
        CHECK(again.accepted == 0);
        CHECK(again.duplicates == 7);
        CHECK(again.rejected == 1); // a rejected line's id is not remembered (SPEC §6)
    }

    TEST_CASE("the CSV reader: records, bad records, record numbers") {
        using weave::warehouse_csv::csv_reader;
        using weave::warehouse_csv::csv_status;
        csv_reader reader("a,\"b\"\"c\",\r\n\"x\ny\",z\n\"open\n");
        std::vector<std::string> fields;
        REQUIRE(reader.next(fields) == csv_status::record);
        CHECK(fields == std::vector<std::string>{"a", "b\"c", ""});
        REQUIRE(reader.next(fields) == csv_status::record);
        CHECK(fields == std::vector<std::string>{"x\ny", "z"});
        CHECK(reader.record_number() == 2);
        CHECK(reader.next(fields) == csv_status::unterminated_quote);
        CHECK(reader.record_number() == 3);
        CHECK(reader.next(fields) == csv_status::end);
        const std::string wide_text =
            std::string(weave::warehouse_csv::record_fields_max, ',') + "\nok\n";
        csv_reader wide(wide_text); // the reader keeps a view: the text must outlive it
        CHECK(wide.next(fields) == csv_status::too_many_fields);
        REQUIRE(wide.next(fields) == csv_status::record);
        CHECK(fields == std::vector<std::string>{"ok"});
    }

} // TEST_SUITE
