#!/usr/bin/env python3
"""Seeded generator of weave event logs (NDJSON), for samples, tests and benchmarks.

    gen_log.py --seed 7 --skus 1000 --events 1000000 --out log.ndjson [--bad-rate 0.001]
               [--crafted] [--truncated-tail]

Random traffic: a catalogue of SKUs in classes A/B/C listed on amazon, shopify, ebay and woo with
different policies; Zipf-skewed popularity; receipts, orders by SKU and by listing (with and
without location), cancels, ships, returns and restocks, transfers, adjustments, cycle counts,
publishes and acks, and channel.level observations that follow the truth after a lag (computed
with SPEC §3's formula), sometimes stale or edited. `--crafted` adds one block per divergence
cause and per reject reason (SPEC §2, §4), so a small log exercises every rule. Output is
deterministic per seed. (Issue 3 replaces this with `weave gen`.)
"""
import argparse
import bisect
import json
import random
import sys

CHANNELS = ["amazon", "shopify", "ebay", "woo"]
LOCS = ["W1", "W2", "W3", "W4"]
BASE_US = 1795773600 * 1_000_000  # 2026-11-27T10:00:00Z


def ts_text(us):
    import datetime
    dt = datetime.datetime.fromtimestamp(us // 1_000_000, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (us % 1_000_000)


class Model:
    """Just enough of SPEC §3 to make channel levels follow the truth."""

    def __init__(self):
        self.on_hand = {}  # (sku, loc) -> units
        self.reserved = {}
        self.locs = {}  # sku -> set of locations touched
        self.unassigned = {}
        self.cls = {}
        self.class_buffer = {"A": 0, "B": 0, "C": 0}
        self.channel = {}  # name -> (locations or None, share, max or None)

    def add(self, table, sku, loc, delta):
        table[(sku, loc)] = table.get((sku, loc), 0) + delta
        self.locs.setdefault(sku, set()).add(loc)

    def expected(self, sku, channel):
        locs, share, cap = self.channel.get(channel, (None, 100, None))
        pool = 0
        for loc in self.locs.get(sku, ()):
            if locs is None or loc in locs:
                pool += self.on_hand.get((sku, loc), 0) - self.reserved.get((sku, loc), 0)
        pool -= self.unassigned.get(sku, 0) + self.class_buffer[self.cls.get(sku, "C")]
        value = max(0, (pool * share) // 100)
        return value if cap is None else min(value, cap)


class Writer:
    def __init__(self, out, seed):
        self.out = out
        self.n = 0
        self.prefix = "g%d-" % seed

    def event(self, t_us, type_, **fields):
        self.n += 1
        record = {"id": self.prefix + str(self.n), "ts": ts_text(t_us), "type": type_}
        record.update(fields)
        self.out.write(json.dumps(record, separators=(",", ":")) + "\n")

    def raw(self, text):
        self.n += 1
        self.out.write(text + "\n")


def zipf_cdf(n, s=1.1):
    weights = [1.0 / (i + 1) ** s for i in range(n)]
    total = sum(weights)
    acc, cdf = 0.0, []
    for w in weights:
        acc += w / total
        cdf.append(acc)
    return cdf


def random_traffic(w, rng, model, skus, events, bad_rate, t):
    for name in skus:
        cls = rng.choice("AABBBCCCC")
        model.cls[name] = cls
        w.event(t, "sku", sku=name, **({"class": cls} if cls != "C" else {}))
    policies = [("amazon", ["W1", "W2"], 100, None), ("ebay", None, 50, 20),
                ("woo", None, 80, None), ("shopify", None, 100, None)]
    for ch, locs, share, cap in policies:
        fields = {"channel": ch}
        if locs is not None:
            fields["locations"] = locs
        if share != 100:
            fields["share"] = share
        if cap is not None:
            fields["max"] = cap
        w.event(t, "policy.channel", **fields)
        model.channel[ch] = (locs, share, cap)
    for cls, units in (("A", 2), ("B", 1)):
        w.event(t, "policy.buffer", **{"class": cls, "units": units})
        model.class_buffer[cls] = units
    w.event(t, "policy.publish", grace_ms=60000)
    listings = {}  # (channel, listing) -> sku
    by_sku = {}
    for i, name in enumerate(skus):
        for ch in rng.sample(CHANNELS, rng.randint(1, 3)):
            lid = "%s-%s" % (ch[:2].upper(), name)
            listings[(ch, lid)] = name
            by_sku.setdefault(name, []).append((ch, lid))
            w.event(t, "listing", channel=ch, listing=lid, sku=name)
    cdf = zipf_cdf(len(skus))
    orders, transfers, pending_levels = [], [], []
    returns = {}
    n_order = n_transfer = 0
    written = 0
    while written < events:
        t += rng.randint(0, 2000)  # microseconds: a peak day is dense
        sku = skus[min(bisect.bisect(cdf, rng.random()), len(skus) - 1)]
        roll = rng.random()
        if bad_rate and rng.random() < bad_rate:
            w.raw(rng.choice(['{"id":"bad","ts":', "not json", '{"id":"x%d","ts":"2026-13-01T00:00:00Z","type":"sku","sku":"Q"}' % written]))
        elif roll < 0.10:
            loc = rng.choice(LOCS)
            qty = rng.randint(5, 50)
            w.event(t, "receipt", sku=sku, loc=loc, qty=qty)
            model.add(model.on_hand, sku, loc, qty)
        elif roll < 0.38:
            ch, lid = rng.choice(by_sku[sku])
            n_order += 1
            oid = "o%d" % n_order
            qty = rng.randint(1, 3)
            fields = {"order": oid, "channel": ch, "qty": qty}
            if rng.random() < 0.5:
                fields["sku"] = sku
            else:
                fields["listing"] = lid
            loc = rng.choice(LOCS) if rng.random() < 0.6 else None
            if loc:
                fields["loc"] = loc
                model.add(model.reserved, sku, loc, qty)
            else:
                model.unassigned[sku] = model.unassigned.get(sku, 0) + qty
            w.event(t, "order", **fields)
            orders.append([oid, sku, loc, qty])
        elif roll < 0.50 and orders:
            line = orders.pop(rng.randrange(len(orders)))
            oid, s, loc, qty = line
            if rng.random() < 0.25:
                w.event(t, "cancel", order=oid, sku=s)
            else:
                ship_loc = loc or rng.choice(LOCS)
                w.event(t, "ship", order=oid, sku=s, loc=ship_loc)
                model.add(model.on_hand, s, ship_loc, -qty)
            if loc:
                model.add(model.reserved, s, loc, -qty)
            else:
                model.unassigned[s] -= qty
        elif roll < 0.53:
            loc = rng.choice(LOCS)
            w.event(t, "return", sku=sku, loc=loc, qty=1)
            returns[(sku, loc)] = returns.get((sku, loc), 0) + 1
        elif roll < 0.55 and returns:
            (s, loc), n = rng.choice(sorted(returns.items()))
            w.event(t, "restock", sku=s, loc=loc, qty=n)
            del returns[(s, loc)]
            model.add(model.on_hand, s, loc, n)
        elif roll < 0.57:
            a, b = rng.sample(LOCS, 2)
            n_transfer += 1
            tid = "t%d" % n_transfer
            qty = rng.randint(1, 5)
            w.event(t, "transfer.out", transfer=tid, sku=sku, **{"from": a, "to": b}, qty=qty)
            model.add(model.on_hand, sku, a, -qty)
            transfers.append((tid, sku, b, qty))
        elif roll < 0.59 and transfers:
            tid, s, b, qty = transfers.pop(0)
            w.event(t, "transfer.in", transfer=tid, sku=s)
            model.add(model.on_hand, s, b, qty)
        elif roll < 0.61:
            loc = rng.choice(LOCS)
            delta = rng.choice([-2, -1, 1, 3])
            w.event(t, "adjust", sku=sku, loc=loc, delta=delta, reason="damaged", owner="ops")
            model.add(model.on_hand, sku, loc, delta)
        elif roll < 0.62:
            loc = rng.choice(LOCS)
            counted = max(0, model.on_hand.get((sku, loc), 0) + rng.choice([0, 0, 0, -1, 1]))
            w.event(t, "count", sku=sku, loc=loc, counted=counted, owner="cycle")
            model.add(model.on_hand, sku, loc, counted - model.on_hand.get((sku, loc), 0))
        elif roll < 0.70:
            ch, lid = rng.choice(by_sku[sku])
            qty = model.expected(sku, ch)
            w.event(t, "publish", channel=ch, listing=lid, qty=qty)
            pending_levels.append((t + rng.randint(1000, 30_000_000), ch, lid, sku))
        else:
            ch, lid = rng.choice(by_sku[sku])
            qty = model.expected(sku, ch)
            if rng.random() < 0.02:
                qty += rng.randint(1, 9)  # a manual edit on the channel
            if rng.random() < 0.3:
                w.event(t, "publish.ack", channel=ch, listing=lid, qty=qty,
                        ok=rng.random() > 0.05)
            else:
                w.event(t, "channel.level", channel=ch, listing=lid, qty=qty)
        written += 1
    return t


def crafted_blocks(w, t):
    """One small scenario per divergence cause and reject reason (grace 60 s in force)."""
    S = 1_000_000

    def at(dt):
        return t + int(dt * S)

    def ev(dt, type_, **f):
        w.event(at(dt), type_, **f)

    def block(name, steps):
        nonlocal t
        for step in steps:
            ev(*step[:2], **step[2])
        t = at(200)

    E = lambda dt, type_, **f: (dt, type_, f)  # noqa: E731
    lvl = lambda dt, ch, lid, q: E(dt, "channel.level", channel=ch, listing=lid, qty=q)  # noqa
    block("unmapped", [E(0, "sku", sku="XU1"), lvl(1, "shopify", "XU-L1", 5),
                       E(2, "receipt", sku="XU1", loc="W3", qty=5),
                       E(3, "listing", channel="shopify", listing="XU-L1", sku="XU1")])
    block("retired", [E(0, "sku", sku="XR1"),
                      E(0, "listing", channel="shopify", listing="XR-L1", sku="XR1"),
                      E(1, "receipt", sku="XR1", loc="W1", qty=4), lvl(2, "shopify", "XR-L1", 4),
                      E(3, "listing.retire", channel="shopify", listing="XR-L1"),
                      lvl(4, "shopify", "XR-L1", 9),
                      E(5, "receipt", channel="shopify", listing="XR-L1", loc="W1", qty=5),
                      lvl(6, "shopify", "XR-L1", 4)])
    block("duplicate", [E(0, "sku", sku="XD1"),
                        E(0, "listing", channel="shopify", listing="XD-L1", sku="XD1"),
                        E(0, "listing", channel="shopify", listing="XD-L2", sku="XD1"),
                        E(1, "receipt", sku="XD1", loc="W1", qty=6),
                        lvl(2, "shopify", "XD-L1", 6), lvl(3, "shopify", "XD-L1", 11),
                        lvl(4, "shopify", "XD-L1", 6)])
    block("publish_failed", [E(0, "sku", sku="XP1"),
                             E(0, "listing", channel="shopify", listing="XP-L1", sku="XP1"),
                             E(1, "receipt", sku="XP1", loc="W1", qty=10),
                             lvl(2, "shopify", "XP-L1", 10),
                             E(3, "receipt", sku="XP1", loc="W1", qty=5),
                             E(4, "publish", channel="shopify", listing="XP-L1", qty=15),
                             E(5, "publish.ack", channel="shopify", listing="XP-L1", qty=15,
                               ok=False, error="429 Too Many Requests"),
                             lvl(6, "shopify", "XP-L1", 13),
                             E(7, "publish.ack", channel="shopify", listing="XP-L1", qty=15)])
    block("stale", [E(0, "sku", sku="XV1"),
                    E(0, "listing", channel="shopify", listing="XV-L1", sku="XV1"),
                    E(1, "receipt", sku="XV1", loc="W1", qty=10), lvl(2, "shopify", "XV-L1", 10),
                    E(3, "receipt", sku="XV1", loc="W1", qty=5), lvl(4, "shopify", "XV-L1", 10),
                    lvl(70, "shopify", "XV-L1", 15)])
    block("rejected", [E(0, "sku", sku="XM1"),
                       E(0, "listing", channel="shopify", listing="XM-L1", sku="XM1"),
                       E(1, "receipt", sku="XM1", loc="W1", qty=10),
                       lvl(2, "shopify", "XM-L1", 10),
                       E(3, "adjust", sku="XM1", loc="W1", delta=-3, owner="wms-sync"),
                       lvl(4, "shopify", "XM-L1", 7),
                       E(5, "adjust", sku="XM1", loc="W1", delta=-3, reason="damaged",
                         owner="ops")])
    block("in_transit", [E(0, "sku", sku="XT1"),
                         E(0, "listing", channel="shopify", listing="XT-L1", sku="XT1"),
                         E(1, "receipt", sku="XT1", loc="W1", qty=20),
                         lvl(2, "shopify", "XT-L1", 20),
                         E(3, "transfer.out", transfer="XT-T1", sku="XT1", qty=6,
                           **{"from": "W1", "to": "W2"}),
                         lvl(4, "shopify", "XT-L1", 14), lvl(5, "shopify", "XT-L1", 20),
                         lvl(70, "shopify", "XT-L1", 20),
                         E(75, "transfer.in", transfer="XT-T1", sku="XT1")])
    block("returns", [E(0, "sku", sku="XN1"),
                      E(0, "listing", channel="shopify", listing="XN-L1", sku="XN1"),
                      E(1, "receipt", sku="XN1", loc="W1", qty=10), lvl(2, "shopify", "XN-L1", 10),
                      E(3, "return", sku="XN1", loc="W1", qty=3), lvl(4, "shopify", "XN-L1", 13),
                      E(5, "restock", sku="XN1", loc="W1", qty=3)])
    block("buffer", [E(0, "sku", sku="XB1"), E(0, "policy.buffer", sku="XB1", units=3),
                     E(0, "listing", channel="shopify", listing="XB-L1", sku="XB1"),
                     E(1, "receipt", sku="XB1", loc="W1", qty=10), lvl(2, "shopify", "XB-L1", 7),
                     lvl(3, "shopify", "XB-L1", 10), lvl(4, "shopify", "XB-L1", 7)])
    block("reservations", [E(0, "sku", sku="XQ1"),
                           E(0, "listing", channel="shopify", listing="XQ-L1", sku="XQ1"),
                           E(1, "receipt", sku="XQ1", loc="W1", qty=10),
                           lvl(2, "shopify", "XQ-L1", 10),
                           E(3, "order", order="XQ-O1", sku="XQ1", channel="shopify", qty=2,
                             loc="W1"),
                           lvl(4, "shopify", "XQ-L1", 8), lvl(5, "shopify", "XQ-L1", 10),
                           lvl(70, "shopify", "XQ-L1", 10), lvl(71, "shopify", "XQ-L1", 8)])
    block("scope", [E(0, "sku", sku="XL1"),
                    E(0, "listing", channel="amazon", listing="XL-L1", sku="XL1"),
                    E(1, "receipt", sku="XL1", loc="W1", qty=5),
                    E(2, "receipt", sku="XL1", loc="W3", qty=4), lvl(3, "amazon", "XL-L1", 5),
                    lvl(4, "amazon", "XL-L1", 9), lvl(5, "amazon", "XL-L1", 5)])
    block("share", [E(0, "sku", sku="XH1"),
                    E(0, "listing", channel="ebay", listing="XH-L1", sku="XH1"),
                    E(1, "receipt", sku="XH1", loc="W1", qty=10), lvl(2, "ebay", "XH-L1", 5),
                    lvl(3, "ebay", "XH-L1", 10), lvl(4, "ebay", "XH-L1", 5)])
    block("stale_late", [E(0, "sku", sku="XZ1"),
                         E(0, "listing", channel="shopify", listing="XZ-L1", sku="XZ1"),
                         E(1, "receipt", sku="XZ1", loc="W1", qty=10),
                         lvl(2, "shopify", "XZ-L1", 10),
                         E(3, "adjust", sku="XZ1", loc="W1", delta=-2, reason="r", owner="o"),
                         lvl(4, "shopify", "XZ-L1", 8), lvl(100, "shopify", "XZ-L1", 10),
                         lvl(101, "shopify", "XZ-L1", 8)])
    block("edit", [E(0, "sku", sku="XE1"),
                   E(0, "listing", channel="shopify", listing="XE-L1", sku="XE1"),
                   E(1, "receipt", sku="XE1", loc="W1", qty=10), lvl(2, "shopify", "XE-L1", 10),
                   lvl(3, "shopify", "XE-L1", 777), lvl(4, "shopify", "XE-L1", 10)])
    # Ledger rules and every reject reason.
    block("ledger", [E(0, "sku", sku="XK1", barcode="0012345678905"),
                     E(1, "receipt", sku="XK1", loc="W1", qty=3),
                     E(2, "order", order="XK-O1", sku="XK1", channel="woo", qty=50),
                     E(3, "order", order="XK-O1", sku="XK1", channel="woo", qty=1),
                     E(4, "cancel", order="XK-O9", sku="XK1"),
                     E(5, "ship", order="XK-O1", sku="XK1"),
                     E(6, "ship", order="XK-O1", sku="XK1", loc="W1", qty=51),
                     E(7, "ship", order="XK-O1", sku="XK1", loc="W1", qty=10),
                     E(8, "restock", sku="XK1", loc="W1", qty=1),
                     E(9, "transfer.out", transfer="XK-T1", sku="XK1", qty=1,
                       **{"from": "W2", "to": "W1"}),
                     E(10, "transfer.out", transfer="XK-T1", sku="XK1", qty=1,
                       **{"from": "W2", "to": "W1"}),
                     E(11, "transfer.in", transfer="XK-T9", sku="XK1"),
                     E(12, "transfer.in", transfer="XK-T1", sku="XK1", qty=2),
                     E(13, "count", sku="XK1", loc="W2", counted=0, owner="cycle"),
                     E(14, "count", sku="XK1", loc="W1", counted=4, owner="cycle"),
                     E(15, "receipt", sku="NOPE", loc="W1", qty=1),
                     E(16, "receipt", channel="shopify", listing="NOPE-L", loc="W1", qty=1),
                     E(17, "teleport", sku="XK1"),
                     E(18, "receipt", sku="XK1", loc="W1"),
                     E(19, "receipt", sku="XK1", loc="W1", qty=0)])
    w.raw('{"id":"broken",')
    w.raw('{"id":"g-dup","ts":"2026-11-27T23:00:00Z","type":"sku","sku":"XK2"}')
    w.raw('{"id":"g-dup","ts":"2026-11-27T23:00:01Z","type":"sku","sku":"XK3"}')
    w.raw("")
    w.out.write('{"id":"g-crlf","ts":"2026-11-27T23:00:02Z","type":"sku","sku":"XK4"}\r\n')
    w.raw("   \t")
    return t


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skus", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--bad-rate", type=float, default=0.0)
    parser.add_argument("--crafted", action="store_true")
    parser.add_argument("--truncated-tail", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    skus = ["S%06d" % i for i in range(args.skus)]
    with open(args.out, "w", newline="") as out:
        w = Writer(out, args.seed)
        t = random_traffic(w, rng, Model(), skus, args.events, args.bad_rate, BASE_US)
        if args.crafted:
            crafted_blocks(w, t + 3_600_000_000)
        if args.truncated_tail:
            out.write('{"id":"tail","ts":"2026-11-28T00:00:00Z","type":"sku","sk')
    print("gen_log: wrote %s (%d lines)" % (args.out, w.n), file=sys.stderr)


if __name__ == "__main__":
    main()
