#include "shopify/webhook_signature.h"

#include <array>
#include <cstdint>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "weave/assert.h"

namespace weave::channels {
namespace {

constexpr size_t sha256_bytes = 32;
// base64 of 32 bytes: 4 * ceil(32 / 3) characters, with one `=` of padding.
constexpr size_t signature_base64_chars = 44;

} // namespace

std::string shopify_hmac_base64(std::string_view raw_body, std::string_view secret) {
    // HMAC() reads a null key as "no key": give it a real address even for an empty secret.
    static constexpr unsigned char empty = 0;
    if (secret.size() > static_cast<size_t>(INT32_MAX)) return {}; // HMAC() takes an int
    const void* key = secret.empty() ? static_cast<const void*>(&empty) : secret.data();
    const auto* body =
        raw_body.empty() ? &empty : reinterpret_cast<const unsigned char*>(raw_body.data());
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_bytes = 0;
    if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), body, raw_body.size(), mac.data(),
             &mac_bytes) == nullptr) {
        return {};
    }
    WEAVE_ASSERT(mac_bytes == sha256_bytes);
    std::array<unsigned char, signature_base64_chars + 1> text{}; // EVP_EncodeBlock adds a NUL
    const int chars = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_bytes));
    WEAVE_ASSERT(chars == static_cast<int>(signature_base64_chars));
    return std::string(reinterpret_cast<const char*>(text.data()), signature_base64_chars);
}

bool verify_shopify_hmac(std::string_view raw_body, std::string_view header_base64,
                         std::string_view secret) {
    if (secret.empty() || header_base64.size() != signature_base64_chars) return false;
    const std::string expected = shopify_hmac_base64(raw_body, secret);
    if (expected.size() != signature_base64_chars) return false;
    return CRYPTO_memcmp(expected.data(), header_base64.data(), signature_base64_chars) == 0;
}

} // namespace weave::channels
