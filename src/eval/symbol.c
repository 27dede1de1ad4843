#include "symbol.h"

#include <string.h>

#include "../util/strbuf.h"

/* The values of the pseudo parameters that take few. NOTE: this is the
 * list of AWS partitions as of 2026 (aws, China, GovCloud, the isolated
 * regions and the European Sovereign Cloud); a partition added later makes
 * a symbol with ${AWS::Partition} compare as if the partition did not
 * exist. */
static const char *const partitions[] = {
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    NULL,
};
static const char *const url_suffixes[] = {
    "amazonaws.com", "amazonaws.com.cn", "c2s.ic.gov", "sc2s.sgov.gov", "cloud.adc-e.uk",
    "csp.hci.ic.gov", "amazonaws.eu", NULL,
};

static const char *const *values_of(const char *name, size_t length)
{
    if (length == strlen("AWS::Partition") && strncmp(name, "AWS::Partition", length) == 0)
        return partitions;
    if (length == strlen("AWS::URLSuffix") && strncmp(name, "AWS::URLSuffix", length) == 0)
        return url_suffixes;
    return NULL;
}

/* Expands the symbol from `rest` on, with `prefix` already written. */
static int expand(strbuf *prefix, const char *rest, int (*fn)(const char *, void *), void *ctx,
                  int *stopped)
{
    const char *open = strstr(rest, "${");
    if (!open) {
        size_t mark = prefix->len;
        sb_puts(prefix, rest);
        if (prefix->failed)
            return -1;
        *stopped = fn(sb_str(prefix), ctx) != 0;
        sb_truncate(prefix, mark);
        return 0;
    }

    const char *close = strchr(open + 2, '}');
    const char *const *values = close ? values_of(open + 2, (size_t)(close - open - 2)) : NULL;
    if (!values)
        return -1;

    size_t mark = prefix->len;
    sb_append(prefix, rest, (size_t)(open - rest));
    size_t inner = prefix->len;
    for (const char *const *value = values; *value && !*stopped; value++) {
        sb_truncate(prefix, inner);
        sb_puts(prefix, *value);
        if (expand(prefix, close + 1, fn, ctx, stopped) < 0)
            return -1;
    }
    sb_truncate(prefix, mark);
    return 0;
}

int symbol_expand(const char *symbol, int (*fn)(const char *value, void *ctx), void *ctx)
{
    strbuf prefix = STRBUF_INIT;
    int stopped = 0;
    sb_puts(&prefix, "");
    int rc = expand(&prefix, symbol, fn, ctx, &stopped);
    sb_free(&prefix);
    return rc;
}
