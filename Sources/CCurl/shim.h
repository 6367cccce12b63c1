#ifndef WAREHOUSE_CCURL_SHIM_H
#define WAREHOUSE_CCURL_SHIM_H
#include <curl/curl.h>

/// curl_easy_setopt and curl_easy_getinfo are variadic and cannot be called from Swift. One typed
/// wrapper per argument type keeps every call checked by the compiler.
static inline CURLcode warehouse_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode warehouse_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode warehouse_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode warehouse_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode warehouse_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*warehouse_curl_write_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode warehouse_curl_setopt_write_function(CURL *handle, CURLoption option, warehouse_curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

typedef size_t (*warehouse_curl_read_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode warehouse_curl_setopt_read_function(CURL *handle, CURLoption option, warehouse_curl_read_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode warehouse_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode warehouse_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode warehouse_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode warehouse_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

#endif
