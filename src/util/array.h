/* Helpers for growable arrays kept as (pointer, count, capacity) triples. */
#ifndef SOC2_UTIL_ARRAY_H
#define SOC2_UTIL_ARRAY_H

#include <stddef.h>

/* Makes room for at least `need` elements of `size` bytes in *items, whose
 * capacity is *cap. Returns 0, or -1 when memory runs out (the array is then
 * unchanged). */
int array_reserve(void **items, size_t *cap, size_t need, size_t size);

/* Appends `value` to the array `items` holding `count` elements with room
 * for `cap`. Evaluates to 0, or -1 when memory runs out. */
#define ARRAY_PUSH(items, count, cap, value)                                     \
    (array_reserve((void **)&(items), &(cap), (count) + 1, sizeof(*(items))) < 0 \
         ? -1                                                                    \
         : ((items)[(count)++] = (value), 0))

#endif
