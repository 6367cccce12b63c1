#ifndef WAREHOUSE_CSQLITE_SHIM_H
#define WAREHOUSE_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <stdio.h>

/// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import; this wrapper
/// binds text that SQLite copies at once, so a Swift string's buffer may go away after the call.
static inline int warehouse_sqlite3_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int bytes) {
    return sqlite3_bind_text(statement, index, text, bytes, SQLITE_TRANSIENT);
}

/// Same for blobs.
static inline int warehouse_sqlite3_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(statement, index, bytes, count, SQLITE_TRANSIENT);
}

/// sqlite3_db_config is variadic; the one option used (defensive mode, which refuses writes that
/// could corrupt the file through PRAGMA writable_schema and friends) gets a typed wrapper.
static inline int warehouse_sqlite3_enable_defensive(sqlite3 *db) {
#ifdef SQLITE_DBCONFIG_DEFENSIVE
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
#else
    return SQLITE_OK;
#endif
}

/// Statement tracing for `WAREHOUSE_SQL_TRACE`: each statement's SQL text as prepared (with `?`
/// placeholders, never the values bound to them) is appended to `file`, one line each.
/// https://www.sqlite.org/c3ref/trace_v2.html
static int warehouse_sqlite3_trace_line(unsigned mask, void *context, void *statement, void *text) {
    (void)statement;
    if (mask == SQLITE_TRACE_STMT && text != 0) {
        fputs((const char *)text, (FILE *)context);
        fputc('\n', (FILE *)context);
    }
    return 0;
}

static inline int warehouse_sqlite3_trace_to(sqlite3 *db, FILE *file) {
    return sqlite3_trace_v2(db, SQLITE_TRACE_STMT, warehouse_sqlite3_trace_line, file);
}

#endif
