#include "array.h"

#include <stdint.h>
#include <stdlib.h>

int array_reserve(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;

    size_t new_cap = *cap ? *cap : 8;
    while (new_cap < need) {
        if (new_cap > SIZE_MAX / 2)
            return -1;
        new_cap *= 2;
    }
    if (new_cap > SIZE_MAX / size)
        return -1;

    void *grown = realloc(*items, new_cap * size);
    if (!grown)
        return -1;
    *items = grown;
    *cap = new_cap;
    return 0;
}
