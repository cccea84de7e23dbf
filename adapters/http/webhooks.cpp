#include "http/webhooks.h"

#include <cstring>
#include <stdexcept>

#include "channels/registry.h"
#include "shopify/webhook_signature.h"

namespace weave::http {
namespace {

void put_text(std::string& out, std::string_view text) {
    const auto length = static_cast<uint64_t>(text.size());
    out.append(reinterpret_cast<const char*>(&length), sizeof length);
    out.append(text);
}

bool take_text(std::string_view& in, std::string& out) {
    uint64_t length = 0;
    if (in.size() < sizeof length) return false;
    std::memcpy(&length, in.data(), sizeof length);
    in.remove_prefix(sizeof length);
    if (length > in.size()) return false;
    out.assign(in.data(), length);
    in.remove_prefix(length);
    return true;
}

constexpr std::string_view delivery_magic = "WVHOOK1";
constexpr std::string_view state_magic = "WVHOOKS1";

} // namespace

webhook_gateway::webhook_gateway(const serve_config& config) {
    for (const channels::source_entry& source : channels::sources()) {
        channels::adapter_settings settings;
        const auto configured = config.sources.find(std::string(source.name));
        if (configured != config.sources.end()) {
            settings.locations = configured->second.locations;
            if (!configured->second.secret.empty()) {
                _secrets[std::string(source.name)] = configured->second.secret;
            }
        }
        _adapters[std::string(source.name)] = source.make(settings);
    }
}

webhook_gateway::~webhook_gateway() = default;

bool webhook_gateway::knows(std::string_view source) const {
    return _adapters.find(source) != _adapters.end();
}

std::string webhook_gateway::authenticate(std::string_view source, std::string_view body,
                                          std::string_view shopify_hmac) const {
    if (source != "shopify") return {};
    const auto secret = _secrets.find(source);
    if (secret == _secrets.end()) {
        return "no Shopify secret is configured ([sources.shopify] secret_file)";
    }
    if (shopify_hmac.empty()) return "X-Shopify-Hmac-Sha256 is missing";
    if (!channels::verify_shopify_hmac(body, shopify_hmac, secret->second)) {
        return "X-Shopify-Hmac-Sha256 does not match the body";
    }
    return {};
}

bool webhook_gateway::delivered_before(const webhook_delivery& delivery) const {
    return !delivery.delivery_id.empty() &&
           _seen.count(delivery.source + '\n' + delivery.delivery_id) != 0;
}

channels::conversion webhook_gateway::convert(const webhook_delivery& delivery) {
    const auto adapter = _adapters.find(delivery.source);
    if (adapter == _adapters.end()) {
        channels::conversion none;
        none.rejects.push_back({"", "unknown_source"});
        return none;
    }
    if (!delivery.delivery_id.empty()) {
        std::string key = delivery.source + '\n' + delivery.delivery_id;
        if (_seen.insert(key).second) {
            _seen_order.push_back(std::move(key));
            if (_seen_order.size() > deliveries_kept) {
                _seen.erase(_seen_order.front());
                _seen_order.pop_front();
            }
        }
    }
    channels::payload_context context;
    context.kind = delivery.topic;
    context.delivery_id = delivery.delivery_id;
    context.received_us = delivery.received_us;
    return adapter->second->convert(delivery.body, context);
}

std::string webhook_gateway::encode(const webhook_delivery& delivery) {
    std::string out(delivery_magic);
    put_text(out, delivery.source);
    put_text(out, delivery.topic);
    put_text(out, delivery.delivery_id);
    out.append(reinterpret_cast<const char*>(&delivery.received_us), sizeof delivery.received_us);
    put_text(out, delivery.body);
    return out;
}

bool webhook_gateway::decode(std::string_view bytes, webhook_delivery& delivery) {
    if (bytes.substr(0, delivery_magic.size()) != delivery_magic) return false;
    bytes.remove_prefix(delivery_magic.size());
    if (!take_text(bytes, delivery.source) || !take_text(bytes, delivery.topic) ||
        !take_text(bytes, delivery.delivery_id) || bytes.size() < sizeof delivery.received_us) {
        return false;
    }
    std::memcpy(&delivery.received_us, bytes.data(), sizeof delivery.received_us);
    bytes.remove_prefix(sizeof delivery.received_us);
    return take_text(bytes, delivery.body) && bytes.empty();
}

std::string webhook_gateway::save_state() const {
    std::string out(state_magic);
    put_text(out, std::to_string(_adapters.size()));
    for (const auto& [name, adapter] : _adapters) {
        put_text(out, name);
        put_text(out, adapter->save_state());
    }
    put_text(out, std::to_string(_seen_order.size()));
    for (const std::string& key : _seen_order)
        put_text(out, key);
    return out;
}

void webhook_gateway::load_state(std::string_view bytes) {
    if (bytes.substr(0, state_magic.size()) != state_magic) {
        throw std::runtime_error("snapshot: the webhook state is not one this weave reads");
    }
    bytes.remove_prefix(state_magic.size());
    auto count_of = [&](std::string_view what) {
        std::string text;
        if (!take_text(bytes, text) || text.empty() || text.size() > 12 ||
            text.find_first_not_of("0123456789") != std::string::npos) {
            throw std::runtime_error("snapshot: bad " + std::string(what) + " count");
        }
        return std::stoull(text);
    };
    const uint64_t adapters = count_of("adapter");
    for (uint64_t i = 0; i < adapters; i++) {
        std::string name, state;
        if (!take_text(bytes, name) || !take_text(bytes, state)) {
            throw std::runtime_error("snapshot: the webhook state is truncated");
        }
        const auto adapter = _adapters.find(name);
        if (adapter != _adapters.end()) adapter->second->load_state(state);
    }
    const uint64_t seen = count_of("delivery");
    _seen.clear();
    _seen_order.clear();
    for (uint64_t i = 0; i < seen; i++) {
        std::string key;
        if (!take_text(bytes, key))
            throw std::runtime_error("snapshot: the webhook state is truncated");
        _seen.insert(key);
        _seen_order.push_back(std::move(key));
    }
}

} // namespace weave::http
