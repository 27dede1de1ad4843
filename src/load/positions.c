/* Positions recorded by pointer for documents whose parser knows them
 * (YAML), and the lookups shared by error messages and source locations. */
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static void free_entry(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    free(value);
}

void positions_free(strmap *positions)
{
    if (!positions)
        return;
    strmap_foreach(positions, free_entry, NULL);
    strmap_free(positions);
    free(positions);
}

int positions_find(const strmap *positions, const char *pointer, int *line, int *column)
{
    size_t length = strlen(pointer);
    for (;;) {
        const pos_entry *entry = strmap_getn(positions, pointer, length);
        if (entry) {
            *line = entry->line;
            *column = entry->column;
            return 0;
        }
        /* Try the parent: drop the last reference token. */
        while (length > 0 && pointer[length - 1] != '/')
            length--;
        if (length == 0)
            return -1;
        length--;
    }
}
