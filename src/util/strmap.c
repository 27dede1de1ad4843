#include "strmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void strmap_init(strmap *map)
{
    map->slots = NULL;
    map->capacity = 0;
    map->count = 0;
}

void strmap_free(strmap *map)
{
    for (size_t i = 0; i < map->capacity; i++)
        free(map->slots[i].key);
    free(map->slots);
    strmap_init(map);
}

static strmap_entry *find_slot(strmap_entry *slots, size_t capacity, const char *key,
                               size_t len, unsigned long long hash)
{
    size_t mask = capacity - 1;
    size_t i = (size_t)hash & mask;
    for (;;) {
        strmap_entry *e = &slots[i];
        if (!e->key)
            return e;
        if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

void *strmap_getn(const strmap *map, const char *key, size_t len)
{
    if (!map->capacity)
        return NULL;
    unsigned long long hash = XXH3_64bits(key, len);
    strmap_entry *e = find_slot(map->slots, map->capacity, key, len, hash);
    return e->key ? e->value : NULL;
}

void *strmap_get(const strmap *map, const char *key)
{
    return strmap_getn(map, key, strlen(key));
}

int strmap_contains(const strmap *map, const char *key)
{
    if (!map->capacity)
        return 0;
    size_t len = strlen(key);
    unsigned long long hash = XXH3_64bits(key, len);
    return find_slot(map->slots, map->capacity, key, len, hash)->key != NULL;
}

static int grow(strmap *map)
{
    size_t capacity = map->capacity ? map->capacity * 2 : 16;
    strmap_entry *slots = calloc(capacity, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < map->capacity; i++) {
        strmap_entry *old = &map->slots[i];
        if (old->key)
            *find_slot(slots, capacity, old->key, old->key_len, old->hash) = *old;
    }
    free(map->slots);
    map->slots = slots;
    map->capacity = capacity;
    return 0;
}

strmap_entry *strmap_upsert(strmap *map, const char *key, size_t len)
{
    unsigned long long hash = XXH3_64bits(key, len);
    strmap_entry *e = NULL;
    if (map->capacity) {
        e = find_slot(map->slots, map->capacity, key, len, hash);
        if (e->key)
            return e;
    }

    /* Keep the load factor at or below 1/2 so probes stay short. Finding an
     * existing key never grows the table, so it cannot fail. */
    if ((map->count + 1) * 2 > map->capacity) {
        if (grow(map) < 0)
            return NULL;
        e = find_slot(map->slots, map->capacity, key, len, hash);
    }

    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, key, len);
    copy[len] = '\0';
    e->key = copy;
    e->key_len = len;
    e->hash = hash;
    e->value = NULL;
    map->count++;
    return e;
}

int strmap_put(strmap *map, const char *key, void *value)
{
    strmap_entry *e = strmap_upsert(map, key, strlen(key));
    if (!e)
        return -1;
    e->value = value;
    return 0;
}

void strmap_foreach(const strmap *map, void (*fn)(const char *key, void *value, void *ctx),
                    void *ctx)
{
    for (size_t i = 0; i < map->capacity; i++)
        if (map->slots[i].key)
            fn(map->slots[i].key, map->slots[i].value, ctx);
}
