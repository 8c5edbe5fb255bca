// benchgate tool: one HTTP PUT over libcurl, for `benchgate push`. Compiled only where the build
// found libcurl and defines BENCHGATE_LIBCURL (tools/meson.build, CMakeLists.txt: the benchgate
// tool alone links it, never a bench binary); elsewhere http_put_available() is false and push
// says so.
#pragma once

#include <string>

#ifdef BENCHGATE_LIBCURL
#include <curl/curl.h>

#include <algorithm>
#include <memory>
#endif

namespace benchgate::detail::tool {

// What one attempt got: an HTTP status with the start of the body, or a transport error.
struct HttpReply {
    long status = 0;              // 0 when no answer came (transport_error says why)
    std::string body;             // the first 4 KiB of the answer's body
    std::string transport_error;  // "" when an answer came
    bool transient = false;       // worth another attempt: no connection, a timeout, a 5xx
};

#ifdef BENCHGATE_LIBCURL

inline constexpr bool http_put_available() { return true; }

// PUTs `body` to `url` within `timeout_ms` (connection included). Redirects are not followed
// (a redirected PUT would lose its body on some servers): a 3xx is an answer like a 4xx.
inline HttpReply http_put(const std::string& url, const std::string& body, const std::string& content_type, long timeout_ms,
                          const std::string& user_agent) {
    HttpReply reply;
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    std::unique_ptr<CURL, void (*)(CURL*)> handle(initialised ? curl_easy_init() : nullptr, curl_easy_cleanup);
    if (!handle) {
        reply.transport_error = "libcurl could not be initialised";
        return reply;
    }
    // "Expect:" turns off curl's 100-continue handshake, which costs a second against servers
    // that do not answer it.
    curl_slist* headers = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
    headers = headers ? curl_slist_append(headers, "Expect:") : nullptr;
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
    if (!header_list) {
        reply.transport_error = "out of memory";
        return reply;
    }
    char error[CURL_ERROR_SIZE] = {};
    CURL* h = handle.get();
    curl_write_callback keep_start = [](char* data, size_t size, size_t count, void* user) -> size_t {
        auto* out = static_cast<std::string*>(user);
        if (out->size() < 4096) out->append(data, std::min(size * count, 4096 - out->size()));
        return size * count;
    };
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        reply.transport_error = error[0] ? error : curl_easy_strerror(rc);
        // A server not (yet) listening, a name that did not resolve, a connection cut or too
        // slow: another attempt may succeed. A bad certificate or an unsupported scheme will not.
        reply.transient = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
                          rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
                          rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
        return reply;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
    reply.transient = reply.status >= 500;
    return reply;
}

#else

inline constexpr bool http_put_available() { return false; }

inline HttpReply http_put(const std::string&, const std::string&, const std::string&, long, const std::string&) {
    HttpReply reply;
    reply.transport_error = "this benchgate was built without libcurl";
    return reply;
}

#endif

}  // namespace benchgate::detail::tool
