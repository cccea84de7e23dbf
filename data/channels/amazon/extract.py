#!/usr/bin/env python3
"""Re-creates the example payloads of this directory from the upstream Amazon SP-API model files
(amzn/selling-partner-api-models, Apache-2.0; see NOTICE.md). Each output is the exact byte range
of one JSON example value inside its upstream file: nothing is re-indented or re-encoded, so the
first line starts at the example's `{` and the inner lines keep the upstream indentation.

usage: extract.py SOURCE_DIR [OUT_DIR]   (SOURCE_DIR: ../shared/data/real/amazon_sp_api)
Prints, per output, the upstream byte offset and length (as written in NOTICE.md)."""
import json
import os
import sys

# output name -> (upstream file, JSON path of the example value inside it)
EXAMPLES = {
    "getInventorySummaries_200.json": (
        "fbaInventory_2023-04-07_b4bb213.json",
        ["paths", "/fba/inventory/v1/summaries", "get", "responses", "200",
         "x-amzn-api-sandbox", "static", 0, "response"]),
    "getInventorySummaries_500.json": (
        "fbaInventory_2023-04-07_b4bb213.json",
        ["paths", "/fba/inventory/v1/summaries", "get", "responses", "500",
         "x-amzn-api-sandbox", "static", 0, "response"]),
    "FBAInventoryAvailabilityChange_Payload.json": (
        "FBAInventoryAvailabilityChangeNotification.json",
        ["properties", "Payload", "examples", 0]),
    "ListingsItemMfnQuantityChange.json": (
        "ListingsItemMfnQuantityChange.json", ["examples", 0]),
    "OrderChange.json": (
        "OrderChangeNotification.json", ["examples", 0]),
    "getListingsItem_200.json": (
        "listingsItems_2021-08-01.json",
        ["paths", "/listings/2021-08-01/items/{sellerId}/{sku}", "get", "responses", "200",
         "x-amzn-api-sandbox", "static", 0, "response"]),
    "searchListingsItems_200.json": (
        "listingsItems_2021-08-01.json",
        ["paths", "/listings/2021-08-01/items/{sellerId}", "get", "responses", "200",
         "x-amzn-api-sandbox", "static", 0, "response"]),
}


def skip_ws(text, i):
    while text[i] in " \t\r\n":
        i += 1
    return i


def skip_string(text, i):  # text[i] == '"'; returns the index after the closing quote
    i += 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def skip_value(text, i):  # returns the index after the value starting at text[i]
    if text[i] == '"':
        return skip_string(text, i)
    if text[i] in "{[":
        close = "}" if text[i] == "{" else "]"
        i = skip_ws(text, i + 1)
        while text[i] != close:
            if close == "}":
                i = skip_ws(text, skip_string(text, i))
                assert text[i] == ":"
                i = skip_ws(text, i + 1)
            i = skip_ws(text, skip_value(text, i))
            if text[i] == ",":
                i = skip_ws(text, i + 1)
        return i + 1
    while text[i] not in ",}] \t\r\n":
        i += 1
    return i


def locate(text, path):  # [begin, end) of the value at `path`
    i = skip_ws(text, 0)
    for step in path:
        if isinstance(step, int):
            assert text[i] == "["
            i = skip_ws(text, i + 1)
            for _ in range(step):
                i = skip_ws(text, skip_value(text, i))
                assert text[i] == ","
                i = skip_ws(text, i + 1)
            continue
        assert text[i] == "{"
        i = skip_ws(text, i + 1)
        while True:
            key_end = skip_string(text, i)
            key = json.loads(text[i:key_end])
            i = skip_ws(text, key_end)
            assert text[i] == ":"
            i = skip_ws(text, i + 1)
            if key == step:
                break
            i = skip_ws(text, skip_value(text, i))
            assert text[i] == ",", f"no key {step}"
            i = skip_ws(text, i + 1)
    return i, skip_value(text, i)


def main():
    source = sys.argv[1]
    out_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for name, (upstream, path) in EXAMPLES.items():
        raw = open(os.path.join(source, upstream), "rb").read()
        # One character per byte, so that offsets are byte offsets; JSON's structure is ASCII
        # and UTF-8 continuation bytes are >= 0x80, so the scan never mistakes them.
        text = raw.decode("latin-1")
        begin, end = locate(text, path)
        value = json.loads(raw.decode("utf-8"))
        for step in path:
            value = value[step]
        assert json.loads(raw[begin:end].decode("utf-8")) == value
        with open(os.path.join(out_dir, name), "wb") as out:
            out.write(raw[begin:end])
        print(f"{name}: {upstream} bytes [{begin}, {end}) length {end - begin}")


if __name__ == "__main__":
    main()
