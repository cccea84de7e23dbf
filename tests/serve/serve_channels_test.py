#!/usr/bin/env python3
"""Channel webhooks and the publish side of `weave serve`, against a real process.

usage: serve_channels_test.py WEAVE_BINARY WORK_DIR

- Shopify webhooks: a right signature is taken, a wrong or missing one is 401, a redelivery
  (same X-Shopify-Webhook-Id) is answered without applying anything twice;
- the adapter's state (Shopify's level per location) survives a SIGKILL: the deliveries are in
  the write-ahead log and are converted again on recovery;
- publishing: each listing whose expected changed gets its channel's request as a file, and the
  attempt is recorded as a `publish` event.
"""
import base64
import hashlib
import hmac
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_support import Checks, Server, event  # noqa: E402

SECRET = b"hush-this-is-the-shopify-app-secret"


check = Checks()


def shopify_post(server, topic, payload, delivery, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    if signature is None:
        signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    headers = {"Content-Type": "application/json", "X-Shopify-Topic": topic,
               "X-Shopify-Webhook-Id": delivery}
    if signature:
        headers["X-Shopify-Hmac-Sha256"] = signature
    status, _, answer = server.request("POST", "/v1/webhooks/shopify", body, headers)
    return status, json.loads(answer) if answer else None


def level(item, location, available, updated_at):
    return {"inventory_item_id": item, "location_id": location, "available": available,
            "updated_at": updated_at}


def listing_of(server, sku):
    status, body = server.get_json("/v1/skus/" + sku)
    return body["listings"][0] if status == 200 and body["listings"] else None


def main(binary, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    secret_file = os.path.join(work, "shopify.secret")
    with open(secret_file, "wb") as f:
        f.write(SECRET + b"\n")
    publish_dir = os.path.join(work, "outbox")
    config = os.path.join(work, "weave.toml")
    with open(config, "w") as f:
        f.write('[clock]\nenabled = false\n'
                '[sources.shopify]\nsecret_file = "%s"\nlocations = { "905684977" = "W1" }\n'
                '[publish]\nenabled = true\ndir = "%s"\nshopify_location_id = "905684977"\n'
                % (secret_file, publish_dir))
    data = os.path.join(work, "data")
    server = Server(binary, data, ["--config", config]).start()
    try:
        status, body = server.post_events(
            event(1, "10:00:00", type="sku", sku="IPOD2008PINK") +
            event(2, "10:00:01", type="receipt", sku="IPOD2008PINK", loc="W1", qty=10))
        check(status == 202 and body["accepted"] == 2, "the catalogue is posted: %s" % body)

        variant = {"variant": {"id": 808950810, "inventory_item_id": 808950810,
                               "sku": "IPOD2008PINK", "updated_at": "2026-11-27T10:00:02Z"}}
        status, body = shopify_post(server, "", variant, "d-1")
        check(status == 200 and body["accepted"] == 1, "a variant maps its listing: %s" % body)

        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 905684977, 6, "2026-11-27T10:00:03Z"), "d-2",
                                    signature="bm90IHRoZSBzaWduYXR1cmU=")
        check(status == 401, "a wrong signature is 401 (%s)" % status)
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 905684977, 6, "2026-11-27T10:00:03Z"), "d-2",
                                    signature="")
        check(status == 401, "a missing signature is 401 (%s)" % status)
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 905684977, 6, "2026-11-27T10:00:03Z"), "d-2",
                                    secret=b"another-secret")
        check(status == 401, "a signature with another secret is 401 (%s)" % status)

        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 905684977, 6, "2026-11-27T10:00:03Z"), "d-2")
        check(status == 200 and body["accepted"] == 1, "a signed level is applied: %s" % body)
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 487838322, 4, "2026-11-27T10:00:04Z"), "d-3")
        check(status == 200 and body["accepted"] == 1, "a second location's level: %s" % body)
        listing = listing_of(server, "IPOD2008PINK")
        check(listing and listing["observed"] == 10, "the channel shows the total of its locations: %s" % listing)
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 487838322, 4, "2026-11-27T10:00:04Z"), "d-3")
        check(status == 200 and body == {"duplicate_delivery": True},
              "a redelivery is answered without applying: %s" % body)

        # Killed: the deliveries are replayed through the adapter, its state comes back.
        server.kill()
        server = Server(binary, data, ["--config", config]).start()
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 905684977, 7, "2026-11-27T10:00:05Z"), "d-4")
        check(status == 200 and body["accepted"] == 1, "a level after the restart: %s" % body)
        listing = listing_of(server, "IPOD2008PINK")
        check(listing and listing["observed"] == 11,
              "after a SIGKILL the other location's level is still counted (7 + 4): %s" % listing)
        status, body = shopify_post(server, "inventory_levels/update",
                                    level(808950810, 487838322, 4, "2026-11-27T10:00:04Z"), "d-3")
        check(body == {"duplicate_delivery": True}, "delivery ids survive the restart: %s" % body)

        status, body = shopify_post(server, "orders/create", {"id": 1}, "d-5")
        check(status == 200 and body["payload_rejects"] and body["events"] == 0,
              "an order without line items is a payload reject: %s" % body)
        status, _, raw = server.request("POST", "/v1/webhooks/nowhere", b"{}",
                                        {"Content-Type": "application/json"})
        check(status == 404, "an unknown source is 404")

        # Publishing: the receipt and the mapping changed expected; an order changes it again.
        status, body = server.post_events(
            event(3, "10:00:06", type="order", order="O1", sku="IPOD2008PINK", channel="shopify",
                  qty=3, loc="W1"))
        check(status == 202 and body["accepted"] == 1, "an order is applied")
        status, _, metrics = server.request("GET", "/metrics")
        text = metrics.decode()
        check('weave_payload_rejects_total{source="shopify",reason="missing_line_items"} 1' in text,
              "payload rejects are counted by source and reason")
        server.stop()
        files = sorted(os.listdir(publish_dir)) if os.path.isdir(publish_dir) else []
        check(len(files) >= 2, "requests were written to the outbox: %s" % files)
        bodies = [json.load(open(os.path.join(publish_dir, name))) for name in files]
        last = bodies[-1] if bodies else {}
        check(last.get("channel") == "shopify" and last.get("method") == "POST" and
              "inventorySetQuantities" in last.get("body", ""),
              "a Shopify inventorySetQuantities request: %s" % last)
        check('"quantity":7' in last.get("body", "").replace(" ", ""),
              "it sets expected = 10 - 3 reserved: %s" % last.get("body"))
        server = Server(binary, data, ["--config", config]).start()
        status, report = server.get_json("/v1/report")
        check(report["applied_by_type"]["publish"] >= 2,
              "each attempt is a publish event in the log: %s" % report["applied_by_type"])
    finally:
        server.stop()

    return check.finish(work, "serve channels")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
