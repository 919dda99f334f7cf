/* fuzz_json.c — libFuzzer harness for JSON request bodies: jansson parses the input the way
 * the dispatcher does, then the ERD validator, the SVG renderer and every exporter run on
 * whatever parsed and validated.  Nothing may crash, leak or hang. */
#include "buf.h"
#include "ddl_export.h"
#include "erd_model.h"
#include "svg_erd.h"
#include <jansson.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return 0;
    struct buf err = BUF_INIT, out = BUF_INIT;
    if (erd_validate(j, &err) == 0) {
        struct svg_erd_opts opts = {0};
        svg_erd_render(j, &opts, &out);
        for (int f = EXPORT_POSTGRES; f <= EXPORT_JSON; f++) {
            buf_reset(&out);
            ddl_export(j, (enum export_format)f, &out);
        }
    }
    buf_free(&err);
    buf_free(&out);
    json_decref(j);
    return 0;
}
