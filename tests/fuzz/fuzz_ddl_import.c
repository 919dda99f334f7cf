/* fuzz_ddl_import.c — libFuzzer harness: every input goes through all three DDL readers;
 * a successful import must also produce a model erd_validate accepts.
 * Build: clang -fsanitize=fuzzer,address,undefined -Ifcgi … fcgi/ddl_import*.c … */
#include "buf.h"
#include "ddl_import.h"
#include "erd_model.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum ddl_dialect dialects[] = {DDL_POSTGRES, DDL_MYSQL, DDL_SQLITE};
    for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++) {
        json_t *model = NULL;
        struct ddl_error err;
        int skipped;
        if (ddl_import((const char *)data, size, dialects[i], &model, &skipped, &err) == 0) {
            struct buf msg = BUF_INIT;
            if (erd_validate(model, &msg) != 0)
                abort(); /* an importer produced a model outside the contract */
            buf_free(&msg);
            json_decref(model);
        }
    }
    return 0;
}
