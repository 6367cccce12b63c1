#ifndef WAREHOUSE_CZLIB_SHIM_H
#define WAREHOUSE_CZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2/inflateInit2 are macros over the versioned *_ functions; Swift cannot call macros,
/// so these wrappers pass the version and struct size the way the macros do.
static inline int warehouse_deflate_init(z_stream *stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

static inline int warehouse_inflate_init(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
