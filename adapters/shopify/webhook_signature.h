#pragma once
// Shopify signs every webhook: `X-Shopify-Hmac-Sha256` is base64(HMAC-SHA256(app secret, raw
// body)). The body must be the bytes as received, before any parsing or re-encoding.
#include <string>
#include <string_view>

namespace weave::channels {

// True when `header_base64` is the signature of `raw_body` under `secret`. The comparison takes
// the same time wherever the bytes differ (CRYPTO_memcmp). An empty secret or header never
// verifies: an unconfigured secret must not accept everything.
bool verify_shopify_hmac(std::string_view raw_body, std::string_view header_base64,
                         std::string_view secret);

// base64(HMAC-SHA256(secret, body)): the header Shopify would send (for tests and tools).
std::string shopify_hmac_base64(std::string_view raw_body, std::string_view secret);

} // namespace weave::channels
