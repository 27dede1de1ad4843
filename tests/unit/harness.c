#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *data_path(const char *relative)
{
    static char path[4096];
    const char *root = getenv("SOC2_TEST_DATA");
    snprintf(path, sizeof(path), "%s/%s", root ? root : "tests/data", relative);
    return path;
}

char *read_data(const char *relative, size_t *length)
{
    FILE *f = fopen(data_path(relative), "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *grown = realloc(buf, cap * 2 + 1);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[len] = '\0';
    if (length)
        *length = len;
    return buf;
}

int collect_output(const char *data, size_t length, void *payload)
{
    struct text_buffer *out = payload;
    if (out->length + length + 1 > out->cap) {
        size_t cap = (out->length + length + 1) * 2;
        char *grown = realloc(out->data, cap);
        if (!grown)
            return -1;
        out->data = grown;
        out->cap = cap;
    }
    memcpy(out->data + out->length, data, length);
    out->length += length;
    out->data[out->length] = '\0';
    return 0;
}

int main(void)
{
    SRunner *runner = srunner_create(make_suite());
    srunner_set_tap(runner, "-");
    srunner_run_all(runner, CK_SILENT);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
