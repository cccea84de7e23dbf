#pragma once
// Interns byte strings into dense ids (0, 1, 2, ...) in first-seen order. Open addressing with
// linear probing over (hash, id) slots; the bytes live in one arena, so a name is a string_view
// that stays valid while the table lives. One writer (the router); readers only after the run.
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "weave/hash.h"
#include "weave/assert.h"

namespace weave {

inline constexpr uint32_t no_id = UINT32_MAX;

class intern_table {
public:
    intern_table() { rehash(1024); }

    // The id of `key`, or no_id.
    uint32_t find(std::string_view key, uint64_t hash) const noexcept {
        for (size_t i = hash & _mask;; i = (i + 1) & _mask) {
            const slot& s = _slots[i];
            if (s.id == no_id) {
                return no_id;
            }
            if (s.hash == hash && matches(s, key)) {
                return s.id;
            }
        }
    }
    uint32_t find(std::string_view key) const noexcept { return find(key, hash_bytes(key)); }

    // Starts loading the slot where `hash` would be, ahead of a find or intern.
    void prefetch(uint64_t hash) const noexcept { __builtin_prefetch(&_slots[hash & _mask]); }

    // The id of `key`, inserting it when new; `inserted` tells which.
    uint32_t intern(std::string_view key, uint64_t hash, bool& inserted) {
        size_t i = hash & _mask;
        for (;; i = (i + 1) & _mask) {
            const slot& s = _slots[i];
            if (s.id == no_id) {
                break;
            }
            if (s.hash == hash && matches(s, key)) {
                inserted = false;
                return s.id;
            }
        }
        inserted = true;
        const auto id = static_cast<uint32_t>(_offsets.size());
        WEAVE_ASSERT(id != no_id);
        WEAVE_ASSERT(key.size() <= UINT32_MAX);
        _offsets.push_back(_bytes.size());
        _lengths.push_back(static_cast<uint32_t>(key.size()));
        _slots[i] = slot{hash, _bytes.size(), id, static_cast<uint32_t>(key.size())};
        _bytes.insert(_bytes.end(), key.begin(), key.end());
        if ((_offsets.size() + 1) * 4 > _slots.size() * 3) {
            rehash(_slots.size() * 2);
        }
        return id;
    }
    uint32_t intern(std::string_view key) {
        bool inserted = false;
        return intern(key, hash_bytes(key), inserted);
    }

    // Room for `keys` names of `key_bytes` in all, so that a table whose final size is known
    // roughly is built without the copies of growing by doubling. A hint only: a wrong one costs
    // memory or growth, never correctness. Only the slots are written now; the name storage is
    // reserved (address space) and touched as names arrive.
    void reserve(size_t keys, size_t key_bytes) {
        _bytes.reserve(key_bytes);
        _offsets.reserve(keys);
        _lengths.reserve(keys);
        size_t capacity = _slots.size();
        while ((keys + 1) * 4 > capacity * 3) {
            capacity *= 2;
        }
        if (capacity != _slots.size()) {
            rehash(capacity);
        }
    }

    std::string_view name(uint32_t id) const noexcept {
        WEAVE_DASSERT(id < _offsets.size());
        return {_bytes.data() + _offsets[id], _lengths[id]};
    }
    uint32_t size() const noexcept { return static_cast<uint32_t>(_offsets.size()); }

private:
    friend struct snapshot_access;

    // Rebuilds the slots from the names (a restored snapshot carries only the names).
    void rebuild_slots() {
        size_t capacity = 1024;
        while ((_offsets.size() + 1) * 4 > capacity * 3) {
            capacity *= 2;
        }
        _slots.assign(capacity, slot{});
        _mask = capacity - 1;
        for (uint32_t id = 0; id < _offsets.size(); id++) {
            const std::string_view key = name(id);
            const uint64_t hash = hash_bytes(key);
            size_t i = hash & _mask;
            while (_slots[i].id != no_id) {
                i = (i + 1) & _mask;
            }
            _slots[i] = slot{hash, _offsets[id], id, _lengths[id]};
        }
    }

    // A slot carries where its bytes are, so a lookup touches the slot and the bytes only.
    struct slot {
        uint64_t hash = 0;
        uint64_t offset = 0;
        uint32_t id = no_id;
        uint32_t length = 0;
    };

    bool matches(const slot& s, std::string_view key) const noexcept {
        return s.length == key.size() &&
               (key.empty() || std::memcmp(_bytes.data() + s.offset, key.data(), key.size()) == 0);
    }

    void rehash(size_t capacity) {
        WEAVE_ASSERT((capacity & (capacity - 1)) == 0);
        std::vector<slot> slots(capacity);
        const size_t mask = capacity - 1;
        for (const slot& s : _slots) {
            if (s.id == no_id) {
                continue;
            }
            size_t i = s.hash & mask;
            while (slots[i].id != no_id) {
                i = (i + 1) & mask;
            }
            slots[i] = s;
        }
        _slots.swap(slots);
        _mask = capacity - 1;
    }

    std::vector<slot> _slots;
    size_t _mask = 0;
    std::vector<char> _bytes;
    std::vector<uint64_t> _offsets;
    std::vector<uint32_t> _lengths;
};

} // namespace weave
