/* Hash map from NUL-terminated strings to pointers. Keys are copied; values
 * are borrowed. Open addressing with linear probing, hashed with XXH3. */
#ifndef SOC2_UTIL_STRMAP_H
#define SOC2_UTIL_STRMAP_H

#include <stddef.h>

typedef struct strmap_entry {
    char *key;   /* NULL for an empty slot */
    size_t key_len;
    unsigned long long hash;
    void *value;
} strmap_entry;

typedef struct strmap {
    strmap_entry *slots;
    size_t capacity; /* a power of two, or 0 */
    size_t count;
} strmap;

#define STRMAP_INIT {NULL, 0, 0}

void strmap_init(strmap *map);
/* Frees the keys and the table; values are the caller's. */
void strmap_free(strmap *map);
/* Returns the value for `key`, or NULL when it is absent. */
void *strmap_get(const strmap *map, const char *key);
void *strmap_getn(const strmap *map, const char *key, size_t len);
/* Returns whether `key` is present. */
int strmap_contains(const strmap *map, const char *key);
/* Sets the value for `key`, replacing any earlier value. Returns 0, or -1 when
 * memory runs out. */
int strmap_put(strmap *map, const char *key, void *value);
/* Finds the entry for `key`, adding it with a NULL value when absent.
 * Returns NULL when memory runs out. The entry pointer is valid until the
 * next insertion. */
strmap_entry *strmap_upsert(strmap *map, const char *key, size_t len);
/* Calls fn for every entry, in table order. */
void strmap_foreach(const strmap *map, void (*fn)(const char *key, void *value, void *ctx),
                    void *ctx);

#endif
