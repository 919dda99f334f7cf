/* fuzz_ddl_import.c — libFuzzer harness: every input goes through the SQL and DBML readers;
 * a successful import must also produce a model a save accepts: written as JSON, read back
 * by erd_doc_parse and passed by erd_doc_check (what PUT does with it).
 * Build: clang -fsanitize=fuzzer,address,undefined -Ifcgi … fcgi/ddl_import*.c … */
#include "arena.h"
#include "buf.h"
#include "ddl_import.h"
#include "erd_doc.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum ddl_dialect dialects[] = {DDL_POSTGRES, DDL_MYSQL, DDL_SQLITE, DDL_DBML};
    for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++) {
        struct arena a;
        struct erd_doc doc, back;
        struct ddl_error err;
        int skipped;
        arena_init(&a);
        if (ddl_import(&a, (const char *)data, size, dialects[i], &doc, &skipped, &err) == 0) {
            struct buf text = BUF_INIT, msg = BUF_INIT;
            erd_doc_write_json(&doc, &text);
            if (erd_doc_parse(&a, text.data, text.len, &back, &msg) != ERD_PARSE_OK ||
                erd_doc_check(&a, &back, &msg) != 0)
                abort(); /* an importer produced a model outside the contract */
            buf_free(&text);
            buf_free(&msg);
        }
        arena_free(&a);
    }
    return 0;
}
